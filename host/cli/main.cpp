// reerisk command line: turns exceptions into exit codes (0 ok, 2 bad input, 1 runtime
// failure, 3 `reerisk size`'s target out of reach, 128 + signal when interrupted). In an MPI
// job a failing rank ends every rank.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "errors.hpp"
#include "run/process_group.hpp"
#include "reerisk/version.hpp"

namespace {

/// Reports an error and returns its exit code; in an MPI job the message names the rank and
/// the whole job is ended (MPI_Abort), so no rank waits forever and no file is written.
int fail(int code, const std::string& message) {
  const int size = rr::ProcessGroup::size();
  if (size > 1) {
    // One write for the whole line: std::cerr writes each piece on its own, and Open MPI's
    // output forwarding then interleaves its MPI_ABORT banner between them.
    const std::string line = "[rank " + std::to_string(rr::ProcessGroup::rank()) + " of " +
                             std::to_string(size) + "] " + message + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    rr::ProcessGroup::abort(code);
  }
  std::cerr << message << "\n";
  return code;
}

int run_main(int argc, char** argv) {
  CLI::App app{
      "reerisk: Monte Carlo risk engine for rare-earth supply disruption.\n"
      "Simulates daily supply paths (export controls, licensing, smuggling, plants, inventories,\n"
      "a strategic stockpile) and reports how likely each consumer segment is to run out.\n\n"
      "  reerisk run configs/baseline.toml            # simulate, print the summary table\n"
      "  reerisk run configs/baseline.toml -o out.h5  # ... and write the results to HDF5\n"
      "  reerisk validate my_scenario.toml            # check a scenario, simulate nothing\n"
      "  reerisk info out.h5                          # summary and layout of a result file\n"
      "  reerisk run s.toml --shard 2/4 -o s2.h5      # one shard of a run (job arrays)\n"
      "  reerisk merge s1.h5 s2.h5 s3.h5 s4.h5 -o s.h5\n"
      "  mpirun -np 4 reerisk run s.toml -o s.h5      # one run over MPI ranks\n"
      "  reerisk compare configs/baseline.toml configs/policies/no-project-vault.toml\n"
      "                                               # paired change in P(stockout)\n"
      "  reerisk size configs/baseline.toml --risk 0.01 --within 730\n"
      "                                               # smallest stockpile for a target\n"
      "  reerisk report out.h5 -o report/             # PNG plots of a result\n",
      "reerisk"};
  app.set_version_flag(
      "--version", std::string("reerisk ") + rr::kVersion + " (git " + rr::kGitSha + ", " +
                       (rr::kBuiltWithCuda ? "CPU + CUDA backends" : "CPU backend only") +
                       (rr::ProcessGroup::available() ? ", MPI" : "") + ")");
  app.require_subcommand(1);
  // A file-size limit (ulimit -f) must fail the write with an error, not kill the process
  // with SIGXFSZ before it can remove its temporary file.
  std::signal(SIGXFSZ, SIG_IGN);
  rr::RunCommandOptions run_options;
  rr::ValidateCommandOptions validate_options;
  rr::InfoCommandOptions info_options;
  rr::MergeCommandOptions merge_options;
  rr::CompareCommandOptions compare_options;
  rr::SizeCommandOptions size_options;
  rr::ReportCommandOptions report_options;
  rr::setup_run_command(app, run_options);
  rr::setup_validate_command(app, validate_options);
  rr::setup_info_command(app, info_options);
  rr::setup_merge_command(app, merge_options);
  rr::setup_compare_command(app, compare_options);
  rr::setup_size_command(app, size_options);
  rr::setup_report_command(app, report_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (app.got_subcommand("run")) return rr::run_run_command(run_options);
    if (app.got_subcommand("validate")) return rr::run_validate_command(validate_options);
    if (app.got_subcommand("info")) return rr::run_info_command(info_options);
    if (app.got_subcommand("merge")) return rr::run_merge_command(merge_options);
    if (app.got_subcommand("compare")) return rr::run_compare_command(compare_options);
    if (app.got_subcommand("size")) return rr::run_size_command(size_options);
    if (app.got_subcommand("report")) return rr::run_report_command(report_options);
  } catch (const rr::InputError& e) {
    return fail(2, e.what());
  } catch (const rr::Interrupted& e) {
    return fail(128 + e.signal_number(),
                std::string("reerisk: ") + e.what() + "; no output was written" +
                    (app.got_subcommand("run") && !run_options.output.empty()
                         ? " (a sweep continues with the same command plus --resume)"
                         : ""));
  } catch (const std::exception& e) {
    return fail(1, std::string("reerisk: error: ") + e.what());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  rr::ProcessGroup::init(&argc, &argv);
  const int code = run_main(argc, argv);
  rr::ProcessGroup::finalize();
  return code;
}
