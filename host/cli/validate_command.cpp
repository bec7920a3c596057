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
  add_set_option(*cmd, options.overrides);
}

void add_set_option(CLI::App& cmd, std::vector<std::string>& overrides) {
  cmd.add_option("--set", overrides,
                 "Override one scenario value, KEY=VALUE (repeatable, applied in order), with the "
                 "sweep-key syntax: stockpile.cover_days=90, regime.escalated.throttle.Dy=0.2, "
                 "plant.NAME.delay_months.median=20, run.allocation=priority")
      ->expected(1)  // one KEY=VALUE per --set, so a scenario path after it stays positional
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

std::ostream& CommandHost::report() const { return out ? *out : std::cout; }

Scenario load_command_scenario(const std::string& path, const std::string& text,
                               const std::vector<std::string>& overrides) {
  return text.empty() ? load_scenario_file(path, overrides)
                      : load_scenario_text(text, path, overrides);
}

int run_validate_command(const ValidateCommandOptions& options) {
  const Scenario sc =
      load_command_scenario(options.scenario, options.host.scenario_text, options.overrides);
  build_model_spec(sc);  // also checks the kernels' size limits
  std::ostream& out = options.host.report();
  out << options.scenario << ": valid scenario (" << sc.materials.size() << " materials, "
            << sc.regimes.size() << " regimes, " << sc.segments.size() << " segments, "
            << sc.plants.size() << " plants, " << sc.events.size() << " events, horizon "
            << sc.horizon_days << " days from " << sc.start;
  if (sc.files.size() > 1) {
    out << "; extends";
    for (std::size_t i = 1; i < sc.files.size(); ++i) out << (i > 1 ? " -> " : " ") << sc.files[i];
  }
  if (!sc.overrides.empty()) out << "; " << sc.overrides.size() << " --set override(s)";
  out << ")\n";
  return 0;
}

}  // namespace rr
