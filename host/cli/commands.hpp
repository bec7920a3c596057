/// @file commands.hpp
/// The subcommands of the reerisk CLI: one options struct and a setup/run pair each.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace rr {

struct Scenario;

/// What a caller other than the command line (the Python binding) changes in a command: the
/// scenario as text instead of a file, where the report goes, and who shows progress.
struct CommandHost {
  /// The scenario's TOML text; "" = read the file the options name. The file name then only
  /// labels messages, and a parent named by `extends` is found relative to its folder.
  std::string scenario_text;
  std::string alt_text;             ///< the same for `compare`'s alternative
  std::ostream* out = nullptr;      ///< the report (tables, notes); nullptr = std::cout
  /// Replaces the terminal progress bar: (paths done, paths total) after each batch.
  std::function<void(std::uint64_t, std::uint64_t)> progress;

  /// Where the command writes its report.
  std::ostream& report() const;
};

/// The scenario @p path names, or @p text labelled with it when @p text is not empty.
Scenario load_command_scenario(const std::string& path, const std::string& text,
                               const std::vector<std::string>& overrides);

struct RunCommandOptions {
  std::string scenario;
  std::string output;
  std::uint64_t paths = 0;     ///< 0 = run.paths of the scenario
  std::int64_t seed = -1;      ///< -1 = run.seed of the scenario
  std::string backend = "auto";
  int threads = 0;
  std::uint64_t batch = 0;
  std::uint64_t keep_paths = 0;
  double until_halfwidth = 0.0;  ///< 0 = run all paths
  std::string shard;             ///< "I/K": run only shard I of K
  bool quiet = false;
  bool force = false;
  bool resume = false;
  bool print_config = false;
  std::vector<std::string> overrides;  ///< --set KEY=VALUE, in order
  CommandHost host;
};

struct ValidateCommandOptions {
  std::string scenario;
  std::vector<std::string> overrides;  ///< --set KEY=VALUE, in order
  CommandHost host;
};

/// Adds `--set KEY=VALUE` (repeatable) to a subcommand that reads a scenario.
void add_set_option(CLI::App& cmd, std::vector<std::string>& overrides);

struct InfoCommandOptions {
  std::string result;
};

struct MergeCommandOptions {
  std::vector<std::string> shards;
  std::string output;
  bool force = false;
};

struct CompareCommandOptions {
  std::string base, alt;               ///< alt "" = the base with --set-alt applied
  std::string output;
  std::uint64_t paths = 0;             ///< 0 = run.paths of the base
  std::int64_t seed = -1;              ///< -1 = run.seed of the base
  int threads = 0;
  std::uint64_t batch = 0;
  bool quiet = false;
  bool force = false;
  std::vector<std::string> overrides;      ///< --set: both scenarios
  std::vector<std::string> alt_overrides;  ///< --set-alt: the alternative only
  CommandHost host;
};

struct SizeCommandOptions {
  std::string scenario;
  std::string output;
  double risk = 0.0;                 ///< ALPHA in (0, 1)
  std::int32_t within = 0;           ///< days; 0 = the horizon
  std::vector<std::string> segments; ///< default: the stockpile's participants
  std::uint64_t paths = 0;
  std::int64_t seed = -1;
  int threads = 0;
  std::uint64_t batch = 0;
  bool quiet = false;
  bool force = false;
  std::vector<std::string> overrides;
  CommandHost host;
};

struct ReportCommandOptions {
  std::string result;
  std::string out = "report";
  int day = 0;  ///< 0 = the report's default (365)
};

void setup_run_command(CLI::App& app, RunCommandOptions& options);
int run_run_command(const RunCommandOptions& options);

void setup_validate_command(CLI::App& app, ValidateCommandOptions& options);
int run_validate_command(const ValidateCommandOptions& options);

void setup_info_command(CLI::App& app, InfoCommandOptions& options);
int run_info_command(const InfoCommandOptions& options);

void setup_merge_command(CLI::App& app, MergeCommandOptions& options);
int run_merge_command(const MergeCommandOptions& options);

void setup_compare_command(CLI::App& app, CompareCommandOptions& options);
int run_compare_command(const CompareCommandOptions& options);

void setup_size_command(CLI::App& app, SizeCommandOptions& options);
int run_size_command(const SizeCommandOptions& options);

void setup_report_command(CLI::App& app, ReportCommandOptions& options);
/// Replaces the process with the Python report (never returns on success).
int run_report_command(const ReportCommandOptions& options);

}  // namespace rr
