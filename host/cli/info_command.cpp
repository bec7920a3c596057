#include <iostream>

#include "commands.hpp"
#include "io/result_reader.hpp"
#include "stats/summary.hpp"
#include "stats/sweep_sensitivity.hpp"

namespace rr {

void setup_info_command(CLI::App& app, InfoCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "info", "Show a result file: its metadata, the summary table and the dataset layout");
  cmd->add_option("result", options.result, "reerisk result file (.h5)")->required();
}

int run_info_command(const InfoCommandOptions& options) {
  const ResultFileInfo info = read_result_file(options.result);
  std::cout << options.result << ": reerisk result\n\n";
  for (const auto& [k, v] : info.metadata) std::cout << "  " << k << ": " << v << "\n";
  const Summary& first = info.summaries.front();
  std::cout << "\nscenario " << info.scenarios[0] << ": " << first.paths << " paths x "
            << first.horizon_days << " days";
  if (info.summaries.size() > 1) std::cout << ", " << info.summaries.size() << " sweep points";
  std::cout << "\n";
  if (info.sensitivity) {
    std::cout << "\n" << format_sensitivity_ranking(*info.sensitivity, first);
  }
  if (info.design) {
    std::cout << "\n(per-point tables of design sweeps: see the datasets in the layout)\n";
  } else {
    for (std::size_t i = 0; i < info.summaries.size(); ++i) {
      if (!info.point_labels[i].empty()) std::cout << "\npoint " << i + 1 << ": " << info.point_labels[i];
      std::cout << "\n" << format_summary_table(info.summaries[i]);
    }
  }
  std::cout << "\nlayout:\n";
  for (const auto& line : info.layout) std::cout << "  " << line << "\n";
  return 0;
}

}  // namespace rr
