// PathModel<W, Observer, Cap> (path_model.hpp): how many paths run in lockstep (the CPU's
// lanes) and the array bounds of their state (the GPU's compact capacity) must not change any
// path's outcome. The tallies are compared bit for bit with one full-capacity path at a time,
// on the shipped baseline and on a variant that takes the other code paths of allocation
// (pro rata, and eligibility that depends on the regime).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reerisk/capacity.hpp"
#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

std::string baseline_text() {
  std::ifstream in(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Paths [first, first + n) of @p l, W lanes at a time with capacity Cap.
template <int W, class Cap>
std::vector<std::uint64_t> tally(const test::Loaded& l, std::uint64_t first, std::uint64_t n) {
  std::vector<std::uint64_t> t(l.layout.size, 0);
  run_path_range<W, NullObserver, NeverStop, Cap>(*l.spec, l.layout, t.data(), 42, first,
                                                  first + n, NullObserver(), NeverStop());
  return t;
}

void expect_same_outcomes(const test::Loaded& l) {
  ASSERT_TRUE(fits<CompactCapacity>(*l.spec));
  // 77 paths: two blocks of 32, one of 8 and five single paths in the 32-lane runs; one block
  // of 64 (the CPU's kPathLanes), one of 8 and five single paths in the 64-lane run. The range
  // crosses path 2^32, where the high counter word changes inside a block.
  const std::uint64_t first = (std::uint64_t(1) << 32) - 40, n = 77;
  const auto one = tally<1, FullCapacity>(l, first, n);
  ASSERT_EQ(one[l.layout.paths], n);
  EXPECT_EQ((tally<8, FullCapacity>(l, first, n)), one) << "8 lanes";
  EXPECT_EQ((tally<32, FullCapacity>(l, first, n)), one) << "32 lanes";
  EXPECT_EQ((tally<64, FullCapacity>(l, first, n)), one) << "64 lanes";
  EXPECT_EQ((tally<1, CompactCapacity>(l, first, n)), one) << "compact capacity";
  EXPECT_EQ((tally<32, CompactCapacity>(l, first, n)), one) << "32 lanes, compact capacity";
}

TEST(LaneTest, BaselineOutcomesDoNotDependOnLanesOrCapacity) {
  expect_same_outcomes(test::load(baseline_text()));
}

TEST(LaneTest, ProRataAndRegimeDependentEligibilityToo) {
  std::string text = baseline_text();
  text.replace(text.find("allocation = \"priority\""), 23, "allocation = \"pro_rata\"");
  // Defense segments may take China's material in the truce only: eligibility by regime.
  text.replace(text.find("defense_allowed = false"), 23, "defense_allowed = true");
  const auto l = test::load(text);
  ASSERT_EQ(l.spec->eligibility[1][0], kEligibleByRegime);
  expect_same_outcomes(l);
}

// A list of paths in any order (lane_paths.hpp: what `reerisk size` re-runs) gives each path
// the outcome it has in a range, in every block width and in every copy of the model this CPU
// runs (their Philox loads the lanes' path indices from the list instead of adding the lane).
TEST(LaneTest, AListOfPathsInAnyOrderGivesTheRangesOutcomes) {
  const auto l = test::load(baseline_text());
  const std::uint64_t first = (std::uint64_t(1) << 32) - 40, n = 77;
  const auto range = tally<1, FullCapacity>(l, first, n);
  std::vector<std::uint64_t> list(n);
  for (std::uint64_t i = 0; i < n; ++i) list[i] = first + (i * 29) % n;  // 29 is prime to 77
  ASSERT_FALSE(std::is_sorted(list.begin(), list.end()));
  const auto listed = [&](auto width) {
    std::vector<std::uint64_t> t(l.layout.size, 0);
    run_paths_in_blocks<decltype(width)::value, NullObserver, NeverStop>(
        *l.spec, l.layout, t.data(), 42, LanePaths::of(list.data()), n, NullObserver(),
        NeverStop());
    return t;
  };
  EXPECT_EQ(listed(std::integral_constant<int, 1>()), range) << "1 lane";
  EXPECT_EQ(listed(std::integral_constant<int, 8>()), range) << "8 lanes";
  EXPECT_EQ(listed(std::integral_constant<int, 64>()), range) << "64 lanes";
  for (CpuIsa isa : cpu_isas_available()) {
    std::vector<std::uint64_t> t(l.layout.size, 0);
    run_path_list_cpu(isa, *l.spec, l.layout, t.data(), 42, list.data(), n, PathEndHook());
    EXPECT_EQ(t, range) << cpu_isa_name(isa);
  }
}

TEST(LaneTest, AScenarioBeyondTheCompactStateIsToldSo) {
  // The GPU falls back to the full state for such a scenario; `reerisk run` prints this note.
  const auto l = test::load(baseline_text());
  EXPECT_EQ(gpu_state_note(*l.spec), "");
  ModelSpec larger = *l.spec;
  larger.n_materials = CompactCapacity::kMaterials + 1;
  larger.n_plants = CompactCapacity::kPlants + 2;
  const std::string note = gpu_state_note(larger);
  EXPECT_NE(note.find("5 materials (it holds 4)"), std::string::npos) << note;
  EXPECT_NE(note.find("12 plants (it holds 10)"), std::string::npos) << note;
  EXPECT_EQ(note.find("segments"), std::string::npos) << note;
  EXPECT_NE(note.find("full state"), std::string::npos) << note;
}

}  // namespace
}  // namespace rr
