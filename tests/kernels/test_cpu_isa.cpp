// The CPU backend's copies of the model (kernels/reerisk/cpu_isa.hpp): every copy this CPU can
// run gives the same tally bit for bit on the shipped baseline, a copy it cannot run is refused
// with a sentence, and the choice is reported by name.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reerisk/cpu_isa.hpp"
#include "run/engine.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"

namespace rr {
namespace {

/// The baseline with every kind of importance-sampling tilt (docs/model.md §10): its weights
/// take logs and exponentials (the lognormal density ratios), which every copy must agree on.
const char* kEveryTilt = R"(extends = "baseline.toml"
[rare_event]
transition = { truce = { truce = 0.9, escalated = 0.1 } }
event_probability = { october_rules_return = 0.6 }
cancel_probability = { "MP Materials heavy REE" = 0.5 }
cover_days = { us_auto = { dist = "lognormal", median = 40, sigma = 0.4 }, us_defense = { dist = "triangular", min = 60, mode = 60, max = 180 } }
delay_months = { "Iluka Eneabba refinery" = { dist = "lognormal", median = 25, sigma = 0.6 } }
)";

std::vector<std::uint64_t> baseline_tally(CpuIsa isa, bool tilted = false) {
  set_cpu_isa(isa);
  const std::string configs = std::string(REERISK_SOURCE_DIR) + "/configs/";
  const Scenario sc = tilted ? load_scenario_text(kEveryTilt, configs + "every-tilt.toml")
                             : load_scenario_file(configs + "baseline.toml");
  const auto spec = build_model_spec(sc);
  BackendSelection cpu;
  cpu.name = "cpu";
  RunOptions o;
  o.seed = 11;
  o.n_paths = 300;  // four blocks of 64 paths, a block of 8 and single paths: every lane width
  o.threads = 2;
  return run_paths(*spec, cpu, o).tally;
}

class CpuIsaTest : public ::testing::Test {
 protected:
  void SetUp() override { before_ = cpu_isa_active(); }
  void TearDown() override { set_cpu_isa(before_); }
  CpuIsa before_ = CpuIsa::kBaseline;
};

TEST_F(CpuIsaTest, EveryAvailableCopyGivesTheSameTally) {
  const std::vector<CpuIsa> copies = cpu_isas_available();
  ASSERT_FALSE(copies.empty());
  EXPECT_EQ(copies.back(), CpuIsa::kBaseline);  // the baseline copy runs everywhere
#if RR_HAVE_ISA_COPIES
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v3")) {
    ASSERT_GE(copies.size(), 2u);  // something to compare
  }
#endif
  const std::vector<std::uint64_t> reference = baseline_tally(copies.back());
  for (CpuIsa isa : copies) {
    SCOPED_TRACE(cpu_isa_name(isa));
    EXPECT_EQ(baseline_tally(isa), reference);
    EXPECT_EQ(cpu_isa_active(), isa);
  }
  const std::vector<std::uint64_t> weighted = baseline_tally(copies.back(), true);
  ASSERT_GT(weighted.size(), reference.size());  // the weighted blocks are there
  for (CpuIsa isa : copies) {
    SCOPED_TRACE(std::string("importance sampling, ") + cpu_isa_name(isa));
    EXPECT_EQ(baseline_tally(isa, true), weighted);
  }
}

TEST_F(CpuIsaTest, ACopyThisCpuOrBuildLacksIsRefused) {
  const std::vector<CpuIsa> copies = cpu_isas_available();
  for (CpuIsa isa : {CpuIsa::kV4, CpuIsa::kV3, CpuIsa::kBaseline}) {
    SCOPED_TRACE(cpu_isa_name(isa));
    const bool available = std::find(copies.begin(), copies.end(), isa) != copies.end();
    if (available) {
      EXPECT_NO_THROW(set_cpu_isa(isa));
      continue;
    }
    try {
      set_cpu_isa(isa);
      FAIL() << "accepted a copy that cannot run";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("cannot run the " + std::string(cpu_isa_name(isa))),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("available here: "), std::string::npos);
    }
  }
}

TEST_F(CpuIsaTest, TheDeviceNameSaysWhichCopyRuns) {
  set_cpu_isa(CpuIsa::kBaseline);
  EXPECT_EQ(cpu_device_name(3), "CPU (3 threads, x86-64)");
  EXPECT_STREQ(cpu_isa_name(CpuIsa::kV4), "x86-64-v4");
  EXPECT_STREQ(cpu_isa_name(CpuIsa::kV3), "x86-64-v3");
}

}  // namespace
}  // namespace rr
