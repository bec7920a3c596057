#include <gtest/gtest.h>

#include "stats/statistics.hpp"

namespace rr {
namespace {

// Reference values: Wilson (1927) score interval, e.g. Newcombe (1998) Table I,
// 81/263 -> 0.2553 .. 0.3662 (scipy's statsmodels.proportion_confint(method="wilson") agrees).
TEST(StatisticsTest, WilsonMatchesPublishedValues) {
  const Proportion p = wilson(81, 263);
  EXPECT_NEAR(p.lo, 0.2553, 5e-4);
  EXPECT_NEAR(p.hi, 0.3662, 5e-4);
  const Proportion zero = wilson(0, 10);
  EXPECT_EQ(zero.lo, 0.0);
  EXPECT_NEAR(zero.hi, 0.2775, 5e-4);  // Newcombe (1998): 0/10 -> 0 .. 0.2775
  const Proportion all = wilson(10, 10);
  EXPECT_EQ(all.hi, 1.0);
}

TEST(StatisticsTest, QuantileBinIsTheInverseEmpiricalCdf) {
  const std::uint64_t counts[5] = {5, 0, 3, 0, 2};  // values 0 x5, 2 x3, 4 x2
  EXPECT_EQ(quantile_bin(counts, 5, 0.5), 0u);      // 5 of 10 at 0
  EXPECT_EQ(quantile_bin(counts, 5, 0.51), 2u);
  EXPECT_EQ(quantile_bin(counts, 5, 0.8), 2u);
  EXPECT_EQ(quantile_bin(counts, 5, 0.81), 4u);
  EXPECT_EQ(quantile_bin(counts, 5, 0.99), 4u);
}

}  // namespace
}  // namespace rr
