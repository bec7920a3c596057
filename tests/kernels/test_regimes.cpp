// The control regime (kernels/reerisk/regimes.hpp, docs/model.md §6): the inverse-CDF pick,
// scheduled events with their likelihood ratios, and what a new episode sets.
#include <cstdint>
#include <memory>

#include <gtest/gtest.h>

#include "reerisk/regimes.hpp"

namespace rr {
namespace {

TEST(RegimesTest, PickInvertsTheCumulativeWeightsAndSkipsZeros) {
  const double w[4] = {0.0, 0.3, 0.7, 0.0};
  auto weight = [&](int i) { return w[i]; };
  EXPECT_EQ(pick(0.0, 4, weight), 1);
  EXPECT_EQ(pick(0.29, 4, weight), 1);
  EXPECT_EQ(pick(0.3, 4, weight), 2);
  EXPECT_EQ(pick(0.99, 4, weight), 2);
  // Weights that sum to less than u by rounding: the last non-zero weight takes the residue.
  EXPECT_EQ(pick(1.0, 4, weight), 2);
}

constexpr int kW = 8;
using State = PathState<kW, FullCapacity>;

// Two regimes: 0 open (no licensing), 1 licensing with a fixed approval share and premium.
std::unique_ptr<ModelSpec> two_regimes(double event_probability) {
  auto s = std::make_unique<ModelSpec>();
  s->n_materials = 1;
  s->n_segments = 2;
  s->n_regimes = 2;
  s->regimes[0].transition[0] = 1.0;
  s->regimes[1].transition[1] = 1.0;
  s->regimes[1].licensing = true;
  s->regimes[1].approval = Dist{DistKind::kFixed, 0.6};
  s->regimes[1].price_premium[0] = Dist{DistKind::kFixed, 2.0};
  s->eligible[0][kChinaLegal][1] = true;   // segment 1 takes China's material only when open
  s->eligible[1][kChinaLegal][1] = false;
  s->n_events = 1;
  s->events[0].day = 40;
  s->events[0].to_regime = 1;
  s->events[0].probability = event_probability;
  s->events[0].weight_if_jump = 0.5;
  s->events[0].weight_if_stay = 3.0;
  return s;
}

TEST(RegimesTest, ACertainEventMovesEveryLaneAndWeighsOnlyThoseItDrewFor) {
  const auto spec = two_regimes(1.0);
  std::int32_t regime[kW];
  double weight[kW];
  for (int l = 0; l < kW; ++l) {
    regime[l] = l % 2;  // odd lanes are in the event's regime already: nothing drawn
    weight[l] = 1.0;
  }
  apply_event<kW>(*spec, 7, 0, 0, regime, weight);
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(regime[l], 1) << "lane " << l;
    EXPECT_EQ(weight[l], l % 2 ? 1.0 : 0.5) << "lane " << l;
  }
}

TEST(RegimesTest, AnImpossibleEventMovesNoLane) {
  const auto spec = two_regimes(0.0);
  std::int32_t regime[kW] = {};
  double weight[kW];
  for (int l = 0; l < kW; ++l) weight[l] = 1.0;
  apply_event<kW>(*spec, 7, 0, 0, regime, weight);
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(regime[l], 0);
    EXPECT_EQ(weight[l], 3.0);
  }
}

TEST(RegimesTest, TheEventsDayStartsANewEpisodeWithItsShareItsPremiumAndItsEligibility) {
  const auto spec = two_regimes(1.0);
  auto st = std::make_unique<State>();
  for (int l = 0; l < kW; ++l) {
    st->regime[l] = 0;
    st->episode[l] = 0;
  }
  std::int32_t next_event = 0;
  update_regime(*spec, 7, 0, 0, -1, false, next_event, *st);  // day 0: the first episode
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(st->episode[l], 1);
    EXPECT_EQ(st->approval_share[l], 1.0);  // no licensing: everything requested is approved
    EXPECT_EQ(st->price_premium[0][l], 1.0);
    EXPECT_EQ(st->eligible[kChinaLegal][1][l], 1);
  }
  update_regime(*spec, 7, 0, 39, 1, false, next_event, *st);  // the day before: nothing
  EXPECT_EQ(next_event, 0);
  EXPECT_EQ(st->episode[0], 1);
  update_regime(*spec, 7, 0, 40, 1, false, next_event, *st);
  EXPECT_EQ(next_event, 1);
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(st->regime[l], 1);
    EXPECT_EQ(st->episode[l], 2);
    EXPECT_EQ(st->approval_share[l], 0.6);
    EXPECT_EQ(st->price_premium[0][l], 2.0);
    EXPECT_EQ(st->eligible[kChinaLegal][1][l], 0);
  }
}

}  // namespace
}  // namespace rr
