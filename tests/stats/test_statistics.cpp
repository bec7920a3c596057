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

// Worked by hand: durations 1, 1, 3, 5 ended; 2 and 4 still going when observation stopped.
// At 1: 6 at risk, 2 end, S = 4/6. At 3: 3 at risk (one censored at 2), S = 4/6 x 2/3 = 4/9.
// At 5: 1 at risk, S = 0.
TEST(StatisticsTest, KaplanMeierQuantileByHand) {
  const std::uint64_t ended[6] = {0, 2, 0, 1, 0, 1};
  const std::uint64_t censored[6] = {0, 0, 1, 0, 1, 0};
  EXPECT_EQ(kaplan_meier_quantile(ended, censored, 6, 0.30), 1);  // S(1) = 0.667 <= 0.7
  EXPECT_EQ(kaplan_meier_quantile(ended, censored, 6, 0.40), 3);  // 0.667 > 0.6 >= 0.444
  EXPECT_EQ(kaplan_meier_quantile(ended, censored, 6, 0.50), 3);
  EXPECT_EQ(kaplan_meier_quantile(ended, censored, 6, 0.60), 5);
  EXPECT_EQ(kaplan_meier_quantile(ended, censored, 6, 0.99), 5);
  // One of two ended at 1, the other censored at 3: S(1) = 1/2 exactly reaches the median;
  // nothing is known beyond it.
  const std::uint64_t e2[4] = {0, 1, 0, 0}, c2[4] = {0, 0, 0, 1};
  EXPECT_EQ(kaplan_meier_quantile(e2, c2, 4, 0.5), 1);
  EXPECT_EQ(kaplan_meier_quantile(e2, c2, 4, 0.9), -1);
  const std::uint64_t none[4] = {};
  EXPECT_EQ(kaplan_meier_quantile(none, none, 4, 0.5), -1);
}

// Without censoring the product-limit estimate is the empirical distribution.
TEST(StatisticsTest, KaplanMeierWithoutCensoringIsTheEmpiricalQuantile) {
  const std::uint64_t counts[5] = {5, 0, 3, 0, 2};
  const std::uint64_t zero[5] = {};
  for (double q : {0.1, 0.5, 0.51, 0.8, 0.81, 0.99}) {
    EXPECT_EQ(kaplan_meier_quantile(counts, zero, 5, q),
              static_cast<std::int64_t>(quantile_bin(counts, 5, q))) << q;
  }
}

}  // namespace
}  // namespace rr
