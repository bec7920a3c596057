// Licence lead times in whole days (kernels/reerisk/licensing.hpp): the SIMD exp's shortcut
// gives libm's days, also where a time falls a few ulp either side of a day's boundary.
#include <cmath>
#include <cstdint>
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

}  // namespace
}  // namespace rr
