// libFuzzer target: any text given to the scenario loader ends in a valid scenario or an
// InputError, never a crash, hang, other exception or huge allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "errors.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "scenario/sweep_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const rr::Scenario sc = rr::load_scenario_text(text, "fuzz.toml");
    if (!sc.sweep || sc.sweep->mode == "grid") {
      const rr::SweepPlan plan = rr::plan_sweep(sc);  // builds every point's ModelSpec
      (void)plan;
    }
  } catch (const rr::InputError&) {
    // Refused with a message: the expected outcome for invalid input.
  }
  return 0;
}
