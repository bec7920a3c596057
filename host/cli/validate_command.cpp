#include <iostream>

#include "commands.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"

namespace rr {

void setup_validate_command(CLI::App& app, ValidateCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check a scenario file without simulating; prints every problem as "
                  "file:line:column and exits 2 if there is one");
  cmd->add_option("scenario", options.scenario, "Scenario TOML file")->required();
}

int run_validate_command(const ValidateCommandOptions& options) {
  const Scenario sc = load_scenario_file(options.scenario);
  build_model_spec(sc);  // also checks the kernels' size limits
  std::cout << options.scenario << ": valid scenario (" << sc.materials.size() << " materials, "
            << sc.regimes.size() << " regimes, " << sc.segments.size() << " segments, "
            << sc.plants.size() << " plants, " << sc.events.size() << " events, horizon "
            << sc.horizon_days << " days from " << sc.start << ")\n";
  return 0;
}

}  // namespace rr
