// Licence lead times in whole days (kernels/reerisk/licensing.hpp): the SIMD exp's shortcut
// gives libm's days, also where a time falls a few ulp either side of a day's boundary; and
// pipeline_at_start skips a pre-start month only when none of its batches can reach day 0.
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "reerisk/licensing.hpp"

namespace rr {
namespace {

Dist lognormal(double median, double sigma) {
  Dist d;
  d.kind = DistKind::kLognormal;
  d.p0 = median;
  d.p1 = sigma;
  return d;
}

std::int32_t with_exp_d(const Dist& d, double z) {
  return lognormal_days(d, z, lognormal_exp(d.p1, z));
}

TEST(LicenceDaysTest, TheSimdExpGivesLibmsDays) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal;
  for (const Dist& d : {lognormal(45, 0.6), lognormal(60, 0.9), lognormal(1.5, 2.0),
                        lognormal(200, 0.05)}) {
    for (int i = 0; i < 200000; ++i) {
      const double z = normal(gen);
      ASSERT_EQ(with_exp_d(d, z), round_days(lognormal_at(d, z))) << d.p0 << " " << d.p1 << " " << z;
    }
  }
}

// round_days (dist.hpp) in select form: nearest day with halves up, saturating at 1e9 days
// either way, a NaN at the top.
TEST(LicenceDaysTest, RoundDaysRoundsHalvesUpAndSaturates) {
  EXPECT_EQ(round_days(2.5), 3);
  EXPECT_EQ(round_days(-2.5), -2);
  EXPECT_EQ(round_days(-0.5), 0);
  EXPECT_EQ(round_days(62.7), 63);
  EXPECT_EQ(round_days(999999999.4), 999999999);
  EXPECT_EQ(round_days(1e9), 1000000000);
  EXPECT_EQ(round_days(1e300), 1000000000);
  EXPECT_EQ(round_days(INFINITY), 1000000000);
  EXPECT_EQ(round_days(NAN), 1000000000);
  EXPECT_EQ(round_days(-999999999.4), -999999999);
  EXPECT_EQ(round_days(-1e9), -1000000000);
  EXPECT_EQ(round_days(-INFINITY), -1000000000);
}

// z where p0 e^(p1 z) is within a few ulp of k + 1/2, where the shortcut must hand over to libm,
// and z beyond exp_d's range (saturated days).
TEST(LicenceDaysTest, NearADaysBoundaryLibmDecides) {
  const Dist d = lognormal(45, 0.6);
  for (int k = 1; k < 400; ++k) {
    double z = std::log((k + 0.5) / d.p0) / d.p1;
    for (int i = 0; i < 8; ++i) z = std::nextafter(z, -INFINITY);
    for (int i = 0; i < 16; ++i, z = std::nextafter(z, INFINITY)) {
      ASSERT_EQ(with_exp_d(d, z), round_days(lognormal_at(d, z))) << k << " " << z;
    }
  }
  for (const double z : {1200.0, 2000.0, -1200.0, -2000.0}) {
    EXPECT_EQ(with_exp_d(d, z), round_days(lognormal_at(d, z))) << z;
  }
}

// pre_start_batch_may_reach_day0 against each lot drawn one lane at a time, as license_lots
// draws it: a month it rules out has no approved lot landing on or after day 0, in any lane
// or regime (lognormal licence times of two widths, fixed ones, no licensing). It must also
// rule out most months a year back under the baseline's licence times (63 days, sigma 0.5),
// or seed_pipeline gains nothing.
TEST(PreStartBatchTest, AMonthIsRuledOutOnlyWhenNoLotCanStillBeInTransitOnDayZero) {
  constexpr int kW = 8;
  using State = PathState<kW, FullCapacity>;
  auto spec = std::make_unique<ModelSpec>();
  auto st = std::make_unique<State>();
  spec->n_materials = 1;
  spec->shipping_days[0] = 45;
  spec->shipments_per_month[0] = 4;  // the last tranche leaves 21 days after the licence
  spec->n_regimes = 4;
  for (int r = 0; r < 3; ++r) spec->regimes[r].licensing = true;
  spec->regimes[0].licence_days[0] = lognormal(63, 0.5);
  spec->regimes[1].licence_days[0] = lognormal(90, 0.9);
  spec->regimes[2].licence_days[0].kind = DistKind::kFixed;
  spec->regimes[2].licence_days[0].p0 = 200.4;
  spec->regimes[3].licensing = false;
  const std::uint64_t seed = 2026;
  const Purpose approval = Purpose::kPipelineApproval, licence = Purpose::kPipelineLicenceDays;
  for (const int lots : {1, 4, 6}) {
    spec->licence_lots[0] = lots;
    int ruled_out_old = 0, old = 0;
    for (int mix = 0; mix < 4; ++mix) {  // regimes of the block's lanes
      double q[kW];
      for (int l = 0; l < kW; ++l) {
        st->regime[l] = mix == 0 ? l % 4 : (mix == 1 ? 0 : (mix == 2 ? 1 : l % 2));
        q[l] = 0.2 + 0.1 * l;
      }
      for (std::uint64_t block = 0; block < 64; ++block) {
        const LanePaths paths(block * kW);
        for (std::int32_t day = -730, step = 0; day < 0; day += 30, ++step) {
          const bool may = pre_start_batch_may_reach_day0(*spec, seed, *st, paths, day, 0,
                                                          step, q, approval, licence);
          bool lands = false;  // some approved lot's last tranche lands on or after day 0
          for (int l = 0; l < kW; ++l) {
            const RegimeSpec& reg = spec->regimes[st->regime[l]];
            if (!reg.licensing) {
              lands = lands || day + 21 + 45 >= 0;
              continue;
            }
            Stream lot(seed, paths[l], approval, 0, step);
            Stream days(seed, paths[l], licence, 0, step);
            for (int i = 0; i < lots; ++i) {
              if (!(lot.uniform() < q[l])) {
                skip_sample(reg.licence_days[0], days);
                continue;
              }
              const std::int32_t wait = round_days(sample(reg.licence_days[0], days));
              lands = lands || day + wait + 21 + 45 >= 0;
            }
          }
          if (!may) {
            ASSERT_FALSE(lands) << lots << " " << mix << " " << block << " " << day;
          }
          if (day < -365 && mix == 1) {  // the baseline's licence times, a year back
            ++old;
            ruled_out_old += !may;
          }
        }
      }
    }
    EXPECT_GT(ruled_out_old, old * 9 / 10) << lots;
  }
}

}  // namespace
}  // namespace rr
