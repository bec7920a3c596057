// The monthly price multiplier and its shortcuts (kernels/reerisk/prices.hpp, docs/model.md §6).
#include <algorithm>
#include <cmath>
#include <memory>

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


// The demand response (docs/model.md §6 "Market feedback"), hand-worked: three segments of
// two materials, two of them alike (elasticity, lag, floor) and one not; segment 2 does not use
// material 1, whose factor stays 1. Prices of three months ago: 4 (NdFeB-like material 0) and
// 1.5 (material 1), per lane; lane 1's are at 1 (no response).
TEST(DemandResponseTest, FactorsFollowTheLaggedPriceWithinTheirFloor) {
  constexpr int kW = 2;
  auto spec = std::make_unique<ModelSpec>();
  auto st = std::make_unique<PathState<kW, FullCapacity>>();
  ModelSpec& s = *spec;
  s.n_materials = 2;
  s.n_segments = 3;
  const double elasticity[3] = {0.5, 0.5, 2.0}, floor_share[3] = {0.6, 0.6, 0.3};
  for (int g = 0; g < 3; ++g) {
    s.segments[g].response_elasticity = elasticity[g];
    s.segments[g].response_lag_months = 3;
    s.segments[g].demand_floor_share = floor_share[g];
    for (int m = 0; m < 2; ++m) {
      s.demand_t[m][g] = g == 2 && m == 1 ? 0.0 : 1.0;
      for (int l = 0; l < kW; ++l) st->demand_scale[m][g][l] = 1.0;
    }
  }
  const double price[2][kW] = {{4.0, 1.0}, {1.5, 1.0}};
  for (int m = 0; m < 2; ++m) {
    for (int l = 0; l < kW; ++l) st->price_history[2][m][l] = price[m][l];  // month 2
  }
  respond_to_prices(s, 5, *st);
  // 4^-0.5 = 0.5 -> the floor 0.6; 1.5^-0.5 = 0.8165; 4^-2 = 0.0625 -> the floor 0.3.
  const double want[2][3][kW] = {{{0.6, 1.0}, {0.6, 1.0}, {0.3, 1.0}},
                                 {{std::pow(1.5, -0.5), 1.0}, {std::pow(1.5, -0.5), 1.0}, {1.0, 1.0}}};
  for (int m = 0; m < 2; ++m) {
    for (int g = 0; g < 3; ++g) {
      for (int l = 0; l < kW; ++l) {
        EXPECT_EQ(st->demand_scale[m][g][l], want[m][g][l]) << "material " << m << " segment " << g << " lane " << l;
      }
    }
  }
  // Before the lag has passed, every factor is 1.
  respond_to_prices(s, 2, *st);
  for (int m = 0; m < 2; ++m) {
    for (int g = 0; g < 3; ++g) EXPECT_EQ(st->demand_scale[m][g][0], 1.0);
  }
}

}  // namespace
}  // namespace rr
