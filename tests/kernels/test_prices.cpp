// The monthly price multiplier and its shortcuts (kernels/reerisk/prices.hpp, docs/model.md §6).
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "reerisk/prices.hpp"

namespace rr {
namespace {

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

}  // namespace
}  // namespace rr
