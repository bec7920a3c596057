// Pool allocation rules and the price multiplier (MODEL.md §6).
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "reerisk/allocation.hpp"
#include "reerisk/path_model.hpp"

namespace rr {
namespace {

TEST(AllocationTest, ProRataGivesEveryoneTheirNeedWhenThereIsEnough) {
  double need[3] = {10, 20, 30};
  const bool ok[3] = {true, true, true};
  const std::int32_t prio[3] = {1, 1, 1};
  double given[3] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 3), need, ok, 100, given), 60);
  EXPECT_DOUBLE_EQ(given[0], 10);
  EXPECT_DOUBLE_EQ(given[2], 30);
  for (double n : need) EXPECT_EQ(n, 0.0);  // everyone served in full wants nothing more
}

TEST(AllocationTest, ProRataSharesAShortageInProportionToNeed) {
  double need[3] = {10, 20, 30};
  const bool ok[3] = {true, false, true};  // the second may not take this bucket
  const std::int32_t prio[3] = {1, 1, 1};
  double given[3] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 3), need, ok, 20, given), 20);
  EXPECT_DOUBLE_EQ(given[0], 5);
  EXPECT_DOUBLE_EQ(given[1], 0);
  EXPECT_DOUBLE_EQ(given[2], 15);
  EXPECT_DOUBLE_EQ(need[0], 5);   // what is still wanted after this source
  EXPECT_DOUBLE_EQ(need[1], 20);  // not eligible: untouched
  EXPECT_DOUBLE_EQ(need[2], 15);
}

TEST(AllocationTest, PriorityServesLowerNumbersFirstAndSharesWithinALevel) {
  double need[4] = {10, 20, 30, 40};
  const bool ok[4] = {true, true, true, true};
  const std::int32_t prio[4] = {2, 1, 2, 3};
  double given[4] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kPriority, prio, 4), need, ok, 40, given), 40);
  EXPECT_DOUBLE_EQ(given[1], 20);  // level 1 in full
  EXPECT_DOUBLE_EQ(given[0], 5);   // level 2 shares 20 as 10:30
  EXPECT_DOUBLE_EQ(given[2], 15);
  EXPECT_DOUBLE_EQ(given[3], 0);   // level 3 gets nothing
  EXPECT_EQ(need[1], 0.0);
  EXPECT_DOUBLE_EQ(need[0], 5);
  EXPECT_DOUBLE_EQ(need[2], 15);
  EXPECT_DOUBLE_EQ(need[3], 40);
}

TEST(AllocationTest, NothingToShareOrNoNeed) {
  double need[2] = {0, 0};
  const bool ok[2] = {true, true};
  const std::int32_t prio[2] = {1, 1};
  double given[2] = {};
  EXPECT_EQ(allocate(make_allocation_order(Allocation::kPriority, prio, 2), need, ok, 50, given), 0);
  double need2[2] = {5, 5};
  EXPECT_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 2), need2, ok, 0, given), 0);
  EXPECT_EQ(given[0], 0);
}

TEST(PriceMultiplierTest, ClampsBetweenOneAndTheCap) {
  EXPECT_DOUBLE_EQ(price_multiplier(100, 100, 0.4, 10), 1.0);
  EXPECT_DOUBLE_EQ(price_multiplier(50, 100, 0.4, 10), 1.0);         // surplus: floor 1
  EXPECT_NEAR(price_multiplier(120, 100, 0.4, 10), std::pow(1.2, 2.5), 1e-12);
  EXPECT_DOUBLE_EQ(price_multiplier(1000, 1, 0.4, 10), 10.0);        // capped
  EXPECT_DOUBLE_EQ(price_multiplier(5, 0, 0.4, 7), 7.0);             // no supply: the cap
  EXPECT_DOUBLE_EQ(price_multiplier(0, 0, 0.4, 7), 1.0);             // no demand: no premium
}

// The shortcuts (no pow for ratios <= 1 or >= the saturating ratio) give what pow and the clamp
// give, also for ratios a few ulp either side of 1 and of the cap's threshold.
TEST(PriceMultiplierTest, ShortcutsGiveTheClampedPower) {
  for (const double e : {0.01, 0.1, 0.4, 0.6, 1.0, 2.5, 100.0}) {
    for (const double cap : {1.0, 1.5, 5.0, 10.0, 1e6}) {
      const double saturating = price_saturating_ratio(e, cap);
      for (const double centre : {1.0, std::pow(cap, e), saturating}) {
        if (!std::isfinite(centre)) continue;  // cap^e beyond the doubles: no threshold to probe
        double r = centre;
        for (int i = 0; i < 64; ++i) r = std::nextafter(r, 0.0);
        for (int i = 0; i < 128; ++i, r = std::nextafter(r, HUGE_VAL)) {
          const double full = std::min(std::max(std::pow(r, 1.0 / e), 1.0), cap);
          ASSERT_EQ(price_multiplier(r, 1.0, e, cap, saturating), full)
              << "e " << e << " cap " << cap << " ratio " << r;
        }
      }
    }
  }
  EXPECT_EQ(price_saturating_ratio(0.001, 10.0), HUGE_VAL);  // no shortcut for tiny elasticities
}

TEST(PlantOutputFractionTest, RampAndFirstYearCap) {
  EXPECT_EQ(plant_output_fraction(-1, 100, 1), 0.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(0, 100, 1), 0.01);
  EXPECT_DOUBLE_EQ(plant_output_fraction(49, 100, 1), 0.5);
  EXPECT_DOUBLE_EQ(plant_output_fraction(49, 100, 0.4), 0.4);
  EXPECT_DOUBLE_EQ(plant_output_fraction(400, 100, 0.4), 1.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(0, 0, 1), 1.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(364, 0, 0.3), 0.3);
  EXPECT_DOUBLE_EQ(plant_output_fraction(365, 0, 0.3), 1.0);
}

}  // namespace
}  // namespace rr
