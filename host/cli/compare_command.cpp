// `reerisk compare`: two scenarios on the same paths, their paired differences.
#include <algorithm>
#include <iostream>
#include <set>

#include "commands.hpp"
#include "errors.hpp"
#include "io/compare_file.hpp"
#include "progress_bar.hpp"
#include "reerisk/backend.hpp"
#include "run/engine.hpp"
#include "run/paired_run.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "stats/comparison.hpp"
#include "stop_signal.hpp"

namespace rr {
namespace {

template <class T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.name);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

/// Refuses two scenarios whose outcomes cannot be paired cell by cell.
void check_comparable(const Scenario& a, const Scenario& b) {
  std::string problems;
  auto compare_names = [&](const char* what, const std::vector<std::string>& na,
                           const std::vector<std::string>& nb) {
    if (na == nb) return;
    std::vector<std::string> only_a, only_b;
    for (const auto& x : na) if (std::find(nb.begin(), nb.end(), x) == nb.end()) only_a.push_back(x);
    for (const auto& x : nb) if (std::find(na.begin(), na.end(), x) == na.end()) only_b.push_back(x);
    problems += std::string("\n  ") + what + " differ: only in " + a.source_name + ": " +
                joined(only_a) + "; only in " + b.source_name + ": " + joined(only_b);
    if (only_a.empty() && only_b.empty()) problems += " (the same names in another order)";
  };
  compare_names("segments", names_of(a.segments), names_of(b.segments));
  compare_names("materials", names_of(a.materials), names_of(b.materials));
  if (a.start != b.start || a.horizon_days != b.horizon_days) {
    problems += "\n  the runs differ: " + a.source_name + " starts " + a.start + " for " +
                std::to_string(a.horizon_days) + " days, " + b.source_name + " " + b.start +
                " for " + std::to_string(b.horizon_days) + " days";
  }
  if (a.sweep || b.sweep) {
    problems += "\n  a [sweep] cannot be compared path by path; drop it (\"[sweep]\" with "
                "drop = true in a variant) or compare one point at a time with --set";
  }
  if (a.rare_event || b.rare_event) {
    problems += "\n  a [rare_event] tilt is not supported by compare yet (its paired estimates "
                "are unweighted); drop it (\"[rare_event]\" with drop = true in a variant)";
  }
  if (!problems.empty()) {
    throw InputError("reerisk compare: the two scenarios cannot be compared on the same paths:" +
                     problems + "\n  compare needs the same segments and materials in the same "
                     "order, the same start and horizon, and no sweep");
  }
}

}  // namespace

void setup_compare_command(CLI::App& app, CompareCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Run two scenarios on the same paths (common random numbers) and print the change in "
      "P(stockout) and P(line stop) with paired 95% intervals");
  cmd->add_option("base", o.base, "Scenario A, the base (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("alt", o.alt,
                  "Scenario B, the alternative (TOML); default: the base with --set-alt applied")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.output,
                  "Write both curves, the differences and the joint counts to this HDF5 file");
  cmd->add_option("--paths", o.paths, "Paths per scenario (default: run.paths of the base)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 62));
  cmd->add_option("--seed", o.seed, "Random seed shared by both (default: run.seed of the base)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", o.threads, "CPU threads (default: all cores)")->check(CLI::Range(1, 4096));
  cmd->add_option("--batch", o.batch, "Paths per batch (default 16384)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  cmd->add_flag("-q,--quiet", o.quiet, "No progress bar");
  cmd->add_flag("--force", o.force, "Overwrite an existing output file");
  add_set_option(*cmd, o.overrides);
  cmd->add_option("--set-alt", o.alt_overrides,
                  "Override one value of the alternative only, KEY=VALUE (repeatable; after --set)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

int run_compare_command(const CompareCommandOptions& o) {
  if (o.alt.empty() && o.alt_overrides.empty()) {
    throw InputError("reerisk compare: name the alternative scenario (ALT.toml) or change the "
                     "base with --set-alt KEY=VALUE");
  }
  const Scenario a = load_command_scenario(o.base, o.host.scenario_text, o.overrides);
  std::vector<std::string> alt_overrides = o.overrides;
  alt_overrides.insert(alt_overrides.end(), o.alt_overrides.begin(), o.alt_overrides.end());
  const Scenario b =
      o.alt.empty() ? load_command_scenario(o.base, o.host.scenario_text, alt_overrides)
                    : load_command_scenario(o.alt, o.host.alt_text, alt_overrides);
  check_comparable(a, b);
  const auto spec_a = build_model_spec(a);
  const auto spec_b = build_model_spec(b);
  if (!o.output.empty()) check_output_path(o.output, o.force);

  RunOptions ro;
  ro.seed = o.seed >= 0 ? static_cast<std::uint64_t>(o.seed) : a.seed;
  ro.n_paths = o.paths > 0 ? o.paths : a.paths;
  ro.threads = o.threads;
  ro.batch = o.batch;
  const std::string device = cpu_device_name(o.threads);
  std::ostream& out = o.host.report();
  out << "a = " << a.source_name << "\nb = "
            << (o.alt.empty() ? a.source_name : b.source_name);
  for (const auto& s : o.alt_overrides) out << " --set-alt " << s;
  out << "\n" << ro.n_paths << " paths x " << a.horizon_days << " days from " << a.start
            << ", seed " << ro.seed << ", the same paths for both (common random numbers), "
            << "backend cpu (" << device << ")\n";
  StopSignalScope signals;
  ro.stop_signal = &g_stop_signal;
  const std::string started = utc_now();
  PairedResult r;
  {
    ProgressBar bar(!o.quiet && !o.host.progress, a.horizon_days);
    ro.progress = [&bar, &o](std::uint64_t done, std::uint64_t total) {
      if (o.host.progress) o.host.progress(done, total);
      bar.update(2 * done, 2 * total);
    };
    r = run_paired(*spec_a, *spec_b, ro);
  }
  const Comparison c = compare_tallies(a, *spec_a, b, *spec_b, r);
  out << format_comparison_table(c, "a", "b");
  char line[160];
  std::snprintf(line, sizeof line, "\n%.2f s, %.3g path-days/s (both scenarios)\n",
                r.wall_seconds, r.path_days_per_second);
  out << line;
  if (!o.output.empty()) {
    ResultMetadata meta;
    meta.seed = ro.seed;
    meta.n_paths = r.n_paths;
    meta.backend = "cpu";
    meta.device = device;
    meta.started_utc = started;
    meta.wall_seconds = r.wall_seconds;
    meta.path_days_per_second = r.path_days_per_second;
    write_compare_file(o.output, a, b, c, meta, o.force, &g_stop_signal);
    out << "wrote " << o.output << "\n";
  }
  return 0;
}

}  // namespace rr
