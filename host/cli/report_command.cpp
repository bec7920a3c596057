// `reerisk report`: the PNG report of a result file, drawn by the Python package with the
// interpreter CMake found, so that it works whatever python3 comes first on PATH.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"
#include "errors.hpp"

namespace rr {

void setup_report_command(CLI::App& app, ReportCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "report", "Write PNG plots of a result file (stockout and line-stop CDFs with 95% bands, "
                "fill rates, costs, regimes, prices, sweeps); python -m reerisk.report");
  cmd->add_option("result", o.result, "reerisk result file (.h5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", o.out, "Folder for the PNGs")->capture_default_str();
  cmd->add_option("--day", o.day, "Day of the sweep plots' P(first stockout within DAY days)")
      ->check(CLI::PositiveNumber);
}

int run_report_command(const ReportCommandOptions& o) {
  // REERISK_PYTHON overrides the configured interpreter (a user's own environment with the
  // package installed). The build tree's package comes first on PYTHONPATH, then the source
  // tree's: the report is pure Python, so it works in a build without the binding too.
  const char* env_python = std::getenv("REERISK_PYTHON");
  const std::string python = env_python && *env_python ? env_python : REERISK_PYTHON_EXECUTABLE;
  std::string path = std::string(REERISK_PYTHON_PACKAGE_DIR) + ":" + REERISK_PYTHON_SOURCE_DIR;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  ::setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<std::string> args = {python, "-m", "reerisk.report", o.result, "-o", o.out};
  if (o.day > 0) {
    args.push_back("--day");
    args.push_back(std::to_string(o.day));
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(python.c_str(), argv.data());
  throw std::runtime_error("reerisk report: cannot run " + python + ": " + std::strerror(errno) +
                           " (the Python CMake found at configure time, REERISK_PYTHON; "
                           "reconfigure with -DREERISK_PYTHON=/path/to/python3 or set it in "
                           "the environment)");
}

}  // namespace rr
