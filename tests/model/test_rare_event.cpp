// Importance sampling ([rare_event], docs/model.md §10) against closed forms, brute force and
// itself. Tolerances are 4 standard errors of the quantity checked (its own sampling error, from
// the run), so with the fixed seeds a failure means a biased estimator or a wrong interval, not
// bad luck (a 4-sigma miss has probability 6e-5 per check).
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenario/calendar.hpp"
#include "stats/summary.hpp"
#include "stats/weighted_estimates.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

using test::load;
using test::run_cpu;

constexpr int kHorizon = 730;

/// One material and one segment with 30 days of cover, fed by China while the regime is
/// "open"; a monthly hazard @p h of the absorbing "cut" regime, which stops the flow. Once cut,
/// the segment runs out on a day fixed by the month of the cut (nothing else is random).
/// @p tilt: the [rare_event] section ("" for a plain run); @p extra: more sections.
std::string chain_scenario(double h, const std::string& tilt, const std::string& extra = "") {
  char row[160];
  std::snprintf(row, sizeof row, "transition = { open = %.17g, cut = %.17g }\n", 1 - h, h);
  return "[run]\nstart = \"2026-11-10\"\nhorizon_days = " + std::to_string(kHorizon) + "\n\n"
         "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 100\n\n"
         "[[regime]]\nname = \"open\"\nthrottle = { X = 1.0 }\n" + std::string(h > 0 ? row : "") +
         "\n[[regime]]\nname = \"cut\"\nthrottle = { X = 0.0 }\ntransition = { cut = 1.0 }\n\n"
         "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 100 }\ncover_days = 30\n"
         "target_cover_days = 60\n\n" + extra + tilt;
}

/// The tilt that raises the monthly hazard to @p q.
std::string hazard_tilt(double q) {
  char text[160];
  std::snprintf(text, sizeof text, "[rare_event]\ntransition = { open = { open = %.17g, cut = %.17g } }\n",
                1 - q, q);
  return text;
}

/// The first stockout day when the cut comes at month start k (an event on that day, certain),
/// from one path: the model is deterministic once the month of the cut is fixed.
std::vector<std::int32_t> stockout_day_by_cut_month() {
  const auto plain = load(chain_scenario(0.0, ""));
  std::vector<std::int32_t> day(plain.layout.K, kHorizon);
  for (int k = 1; k < plain.layout.K; ++k) {
    const std::string date =
        iso_date(plain.scenario.start_day + plain.spec->month_start_day[k]);
    const auto l = load(chain_scenario(
        0.0, "", "[[event]]\ndate = \"" + date + "\"\nto = \"cut\"\nprobability = 1.0\n\n"));
    const auto tally = run_cpu(*l.spec, 1, 1);
    const std::uint64_t* first = &tally[l.layout.first_stockout];
    for (int t = 0; t <= kHorizon; ++t) {
      if (first[t]) day[k] = t;
    }
  }
  return day;
}

/// The closed form: P(first stockout by day t) = sum over cut months k >= 1 whose stockout
/// day is <= t of P(first cut at step k) = (1 - h)^(k - 1) h.
double exact_p_by(double h, std::int32_t t, const std::vector<std::int32_t>& day) {
  double p = 0.0;
  for (std::size_t k = 1; k < day.size(); ++k) {
    if (day[k] <= t) p += std::pow(1 - h, static_cast<double>(k - 1)) * h;
  }
  return p;
}

/// P(first stockout by the horizon) of (segment 0, material 0).
Proportion p_by_horizon(const test::Loaded& l, const std::vector<std::uint64_t>& tally) {
  return summarize(l.scenario, *l.spec, tally).cells[0].within(kHorizon);
}

/// The standard error behind a 95% interval.
double se_of(const Proportion& p) { return (p.hi - p.p) / kZ95; }

TEST(RareEventTest, TheDeterministicConsequenceOfACutIsLaterForLaterCuts) {
  const auto day = stockout_day_by_cut_month();
  int reached = 0;
  const auto l = load(chain_scenario(0.0, ""));
  for (std::size_t k = 1; k < day.size(); ++k) {
    if (day[k] < kHorizon) ++reached;
    EXPECT_GT(day[k], l.spec->month_start_day[k]) << "a stockout after the cut of month " << k;
    if (k > 1) {
      EXPECT_GE(day[k], day[k - 1]) << "a later cut, a later stockout: month " << k;
    }
  }
  EXPECT_GE(reached, 20) << "most cuts within the horizon should lead to a stockout";
}

// Closed form: h = 1e-6 a month, P(stockout within two years) ~ 2e-5. Tilted to 5% a month,
// 1e5 paths put the estimate within 4 of its standard errors of the exact value, with a
// relative 95% half-width below the 20% (which it asks of 1e6 paths).
TEST(RareEventTest, ClosedFormAtOneInFiftyThousand) {
  const double h = 1e-6;
  const auto day = stockout_day_by_cut_month();
  const double exact = exact_p_by(h, kHorizon - 1, day);
  ASSERT_GT(exact, 1e-5);
  ASSERT_LT(exact, 1e-4);
  const auto l = load(chain_scenario(h, hazard_tilt(0.05)));
  const auto tally = run_cpu(*l.spec, 3, 100000);
  const Proportion p = p_by_horizon(l, tally);
  EXPECT_NEAR(p.p, exact, 4 * se_of(p)) << "interval [" << p.lo << ", " << p.hi << "]";
  EXPECT_LT((p.hi - p.p) / p.p, 0.20);
  const Summary s = summarize(l.scenario, *l.spec, tally);
  EXPECT_TRUE(s.weight_warning.empty()) << s.weight_warning;
  EXPECT_NEAR(s.weight_mean, 1.0, 0.05);  // E_q[w] = 1
}

// Brute force at P ~ 1e-2: the plain and the importance-sampled estimates agree within 4
// standard errors of their difference, both cover the closed form, and the weighted interval
// is the narrower one.
TEST(RareEventTest, AgreesWithBruteForceAndIsNarrower) {
  const double h = 5e-4;
  const auto day = stockout_day_by_cut_month();
  const double exact = exact_p_by(h, kHorizon - 1, day);
  const std::uint64_t n = 100000;
  const auto plain = load(chain_scenario(h, ""));
  const auto tilted = load(chain_scenario(h, hazard_tilt(0.05)));
  const Proportion a = p_by_horizon(plain, run_cpu(*plain.spec, 5, n));
  const Proportion b = p_by_horizon(tilted, run_cpu(*tilted.spec, 6, n));
  const double se_a = std::sqrt(exact * (1 - exact) / n);
  EXPECT_NEAR(a.p, b.p, 4 * std::hypot(se_a, se_of(b)));
  EXPECT_NEAR(a.p, exact, 4 * se_a);
  EXPECT_NEAR(b.p, exact, 4 * se_of(b));
  EXPECT_LT(b.hi - b.lo, a.hi - a.lo);
}

// Unbiasedness where it is hardest, in small runs: the mean of 400 independent runs of 250
// paths equals the closed form within 4 standard errors of that mean (from the runs' spread).
TEST(RareEventTest, SmallRunsAreUnbiased) {
  const double h = 1e-4;
  const auto day = stockout_day_by_cut_month();
  const double exact = exact_p_by(h, kHorizon - 1, day);
  const auto l = load(chain_scenario(h, hazard_tilt(0.05)));
  const int runs = 400;
  double sum = 0.0, sum2 = 0.0;
  for (int r = 0; r < runs; ++r) {
    const double p = p_by_horizon(l, run_cpu(*l.spec, 1000 + r, 250)).p;
    sum += p;
    sum2 += p * p;
  }
  const double mean = sum / runs;
  const double sd = std::sqrt((sum2 - runs * mean * mean) / (runs - 1));
  EXPECT_NEAR(mean, exact, 4 * sd / std::sqrt(static_cast<double>(runs)));
}

/// The standard error of the mean stockout days of (segment 0, material 0) from its histogram:
/// sum of x^2 f over the paths, f = 1 (a plain run) or w^2 (a weighted one, from the twins).
double stockout_days_mean_se(const test::Loaded& l, const std::vector<std::uint64_t>& tally) {
  const std::uint64_t n = tally[l.layout.paths];
  const WeightedCounts w = weighted_counts(l.layout, tally);
  double sum = 0.0, sum2 = 0.0;
  for (int d = 0; d <= l.layout.H; ++d) {
    const std::uint64_t i = l.layout.stockout_days + d;
    sum += double(d) * (w.w.empty() ? double(tally[i]) : w.w[i]);
    sum2 += double(d) * d * (w.w.empty() ? double(tally[i]) : w.w2[i]);
  }
  const double mean = sum / n;
  return std::sqrt((sum2 / n - mean * mean) / n);
}

/// The weighted estimate, with its interval, of what counter @p i counted per path.
Proportion weighted_share(const test::Loaded& l, const std::vector<std::uint64_t>& tally,
                          std::uint64_t i) {
  const WeightedCounts c = weighted_counts(l.layout, tally);
  return weighted_proportion(c.w[i], c.w2[i], tally[l.layout.paths]);
}

// Every probability output is weighted, not only the first-stockout CDF. In the chain the cut
// is absorbing, so P(in stockout on day t) = P(first stockout by t); the share of paths cut at
// month start k is 1 - (1 - h)^k; the mean stockout days is sum over k of P(first cut at k)
// times (horizon - day[k]). With h = 1e-5 (a plain run of 1e5 paths sees about two cuts),
// each weighted estimate lies within 4 of its standard errors of the closed form.
TEST(RareEventTest, EveryProbabilityOutputMatchesItsClosedForm) {
  const double h = 1e-5;
  const auto day = stockout_day_by_cut_month();
  const auto l = load(chain_scenario(h, hazard_tilt(0.05)));
  const std::uint64_t n = 100000;
  const auto tally = run_cpu(*l.spec, 21, n);
  const Summary s = summarize(l.scenario, *l.spec, tally);
  const SegmentMaterialSummary& c = s.cells[0];
  for (const std::int32_t t : {200, 400, kHorizon - 1}) {
    const double exact = exact_p_by(h, t, day);
    const Proportion& in = c.p_in_stockout[t];
    EXPECT_NEAR(in.p, exact, 4 * se_of(in)) << "day " << t;
    EXPECT_LT(se_of(in), 0.05 * exact) << "day " << t << ": the tilt should make it precise";
  }
  const int K = l.layout.K;
  const std::uint64_t cut_at_last_month = l.layout.regime_occupancy + (K - 1) * l.layout.R + 1;
  const Proportion occupancy = weighted_share(l, tally, cut_at_last_month);
  EXPECT_EQ(s.regime_occupancy[K - 1][1], occupancy.p);
  EXPECT_NEAR(occupancy.p, 1 - std::pow(1 - h, K - 1), 4 * se_of(occupancy));

  double exact_days = 0.0;
  for (std::size_t k = 1; k < day.size(); ++k) {
    exact_days += std::pow(1 - h, static_cast<double>(k - 1)) * h * (kHorizon - day[k]);
  }
  const double se_days = stockout_days_mean_se(l, tally);
  EXPECT_NEAR(c.stockout_days_mean, exact_days, 4 * se_days);
  EXPECT_GT(c.stockout_days_mean, 0.0);
}

// Spells that end: a cut that lifts again (30% a month) makes stockout and line-stop spells
// start and end, so the daily in-spell shares cumulate the weighted starts minus the weighted
// ends. The importance-sampled shares agree with a plain run's within 4 standard errors of
// their difference on every 50th day, and so do the mean stockout days.
TEST(RareEventTest, InSpellSharesAgreeWithBruteForceWhenSpellsEnd) {
  const double h = 0.01;
  const auto scenario = [&](const std::string& tilt) {
    std::string text = chain_scenario(h, tilt);
    const std::string absorbing = "transition = { cut = 1.0 }";
    text.replace(text.find(absorbing), absorbing.size(), "transition = { open = 0.3, cut = 0.7 }");
    return text;
  };
  const std::uint64_t n = 100000;
  const auto plain = load(scenario(""));
  const auto tilted = load(scenario(hazard_tilt(0.08)));
  const auto ta = run_cpu(*plain.spec, 22, n);
  const auto tb = run_cpu(*tilted.spec, 23, n);
  const auto a = summarize(plain.scenario, *plain.spec, ta).cells[0];
  const auto b = summarize(tilted.scenario, *tilted.spec, tb).cells[0];
  int compared = 0;
  for (int t = 50; t < kHorizon; t += 50) {
    for (const auto which : {&SegmentMaterialSummary::p_in_stockout, &SegmentMaterialSummary::p_in_line_stop}) {
      const Proportion& x = (a.*which)[t];
      const Proportion& y = (b.*which)[t];
      if (x.p == 0.0) continue;
      ++compared;
      EXPECT_NEAR(x.p, y.p, 4 * std::hypot(se_of(x), se_of(y))) << "day " << t;
    }
  }
  EXPECT_GE(compared, 20);
  EXPECT_NEAR(a.stockout_days_mean, b.stockout_days_mean,
              4 * std::hypot(stockout_days_mean_se(plain, ta), stockout_days_mean_se(tilted, tb)));
  EXPECT_GT(b.stockout_days_mean, 0.0);
}

// The yes/no draws: a scheduled event and a plant's cancellation, each the only way to run
// out, with scenario probability 1e-3 tilted to 0.5. Every path that runs out then weighs
// exactly p / q, so the estimate is (hits x 0.002) / n, and its expectation p.
TEST(RareEventTest, EventAndCancellationTiltsAreUnbiased) {
  const std::uint64_t n = 20000;
  const double p = 1e-3;
  const std::string event =
      "[[event]]\nname = \"halt\"\ndate = \"2027-01-01\"\nto = \"cut\"\nprobability = 0.001\n\n";
  const auto l = load(chain_scenario(0.0, "[rare_event]\nevent_probability = { halt = 0.5 }\n", event));
  const Proportion e = p_by_horizon(l, run_cpu(*l.spec, 7, n));
  const double se = std::sqrt((p * p / 0.5 - p * p) / n);  // var of w f: p^2 / q - p^2
  EXPECT_NEAR(e.p, p, 4 * se);

  // No China flow; a plant running from before day 0 meets demand unless it is cancelled.
  const std::string plant =
      "[[plant]]\nname = \"P\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 100 }\n"
      "cancel_probability = 0.001\nofftake = { seg = 1.0 }\n\n";
  const auto c = load(test::minimal_scenario(kHorizon, "30", 100, 0.0, plant) +
                      "[rare_event]\ncancel_probability = { P = 0.5 }\n");
  const auto tally = run_cpu(*c.spec, 8, n);
  const Proportion k = summarize(c.scenario, *c.spec, tally).cells[0].within(kHorizon);
  EXPECT_NEAR(k.p, p, 4 * se);
  const std::uint64_t hits = n - tally[c.layout.first_stockout + kHorizon];
  EXPECT_NEAR(k.p, hits * (p / 0.5) / n, 1e-15) << "each hit weighs exactly p / q";
}

// The continuous draws: with no supply the first stockout day is floor(cover) (§5.2), so
// P(first stockout by day t) = F(t + 1) for the cover's law F. A lognormal cover (median 56
// days, sigma 0.35) tilted to median 14 puts P(by day 11) = 5.4e-6 within 4 standard errors; a
// triangular one (60, 90, 180) tilted to mode 60 does the same for P(by day 61) = 4/3600.
TEST(RareEventTest, CoverTiltsMatchTheirClosedForms) {
  const std::uint64_t n = 20000;
  const auto l = load(test::minimal_scenario(200, "{ dist = \"lognormal\", median = 56, sigma = 0.35 }",
                                             365.0, 0.0) +
                      "[rare_event]\ncover_days = { seg = { dist = \"lognormal\", median = 14, sigma = 0.35 } }\n");
  const Proportion a = summarize(l.scenario, *l.spec, run_cpu(*l.spec, 12, n)).cells[0].within(12);
  const double exact_a = test::normal_cdf(std::log(12.0 / 56) / 0.35);
  EXPECT_NEAR(a.p, exact_a, 4 * se_of(a));
  EXPECT_LT(se_of(a), 0.05 * exact_a) << "the tilt should make this a precise estimate";

  const auto t = load(test::minimal_scenario(
                          200, "{ dist = \"triangular\", min = 60, mode = 90, max = 180 }", 365.0, 0.0) +
                      "[rare_event]\ncover_days = { seg = { dist = \"triangular\", min = 60, mode = 60, max = 180 } }\n");
  const Proportion b = summarize(t.scenario, *t.spec, run_cpu(*t.spec, 13, n)).cells[0].within(62);
  const double exact_b = 2.0 * 2.0 / (120.0 * 30.0);  // F(62) = (62 - 60)^2 / ((180 - 60)(90 - 60))
  EXPECT_NEAR(b.p, exact_b, 4 * se_of(b));
}

// An empty [rare_event] tilts nothing: every weight is exactly 1 and the weighted estimate is
// the plain count k / n, bit for bit.
TEST(RareEventTest, AnEmptyTiltGivesThePlainCounts) {
  const auto l = load(chain_scenario(0.02, "[rare_event]\n"));
  const auto tally = run_cpu(*l.spec, 9, 3000);
  const Summary s = summarize(l.scenario, *l.spec, tally);
  const std::uint64_t* first = &tally[l.layout.first_stockout];
  std::uint64_t cum = 0;
  for (int t = 0; t < kHorizon; ++t) {
    cum += first[t];
    ASSERT_EQ(s.cells[0].p_stockout_by_day[t].p, static_cast<double>(cum) / 3000) << t;
  }
  EXPECT_EQ(s.weight_mean, 1.0);
  EXPECT_EQ(s.effective_paths, 3000.0);
}

// Weighted tallies are integers (limbs, path_weight.hpp): the same bits whatever the threads
// and batches, like every other counter.
TEST(RareEventTest, WeightedTalliesAreTheSameBitsForAnyThreadsAndBatches) {
  const auto l = load(chain_scenario(1e-3, hazard_tilt(0.1)));
  const auto one = run_cpu(*l.spec, 4, 5000, 1, 0);
  EXPECT_EQ(one, run_cpu(*l.spec, 4, 5000, 2, 333));
  EXPECT_EQ(one, run_cpu(*l.spec, 4, 5000, 2, 64));
  // Two disjoint halves add up to the whole.
  auto half = run_cpu(*l.spec, 4, 2500, 2, 0, 0);
  const auto rest = run_cpu(*l.spec, 4, 2500, 2, 0, 2500);
  for (std::size_t i = 0; i < half.size(); ++i) half[i] += rest[i];
  EXPECT_EQ(one, half);
  EXPECT_TRUE(l.layout.weighted()) << "the weighted twins exist";
}

// The summary's warnings: too few effective paths, clamped weights, a mean weight far from 1.
TEST(RareEventTest, UnhealthyWeightsAreNamed) {
  WeightDiagnostics d;
  d.mean = 1.01;
  d.mean_se = 0.01;
  d.effective_paths = 5000;
  EXPECT_EQ(degenerate_weights_warning(d, 10000), "");
  d.effective_paths = 50;
  EXPECT_NE(degenerate_weights_warning(d, 10000).find("effective sample size of 50"), std::string::npos);
  d.effective_paths = 5000;
  d.mean = 0.9;  // 10 standard errors below its expectation
  EXPECT_NE(degenerate_weights_warning(d, 10000).find("the mean weight 0.9 lies 10 standard errors"),
            std::string::npos);
  d.mean = 1.0;
  d.clamped = 3;
  EXPECT_NE(degenerate_weights_warning(d, 10000).find("3 weighted values were too large"), std::string::npos);
}

// The limb encoding is exact for values with few bits and truncates below 2^-72.
TEST(RareEventTest, WeightLimbsRoundTrip) {
  for (double v : {0.0, 1.0, 0.5, 3.25, 1e-5, 2.0 / 3.0, 12345.678, 1e14}) {
    std::uint32_t limbs[kWeightLimbs];
    weight_limbs(v, limbs);
    std::uint64_t words[kWeightLimbs];
    for (int k = 0; k < kWeightLimbs; ++k) {
      ASSERT_LT(limbs[k], 1u << kWeightLimbBits);
      words[k] = limbs[k];
    }
    EXPECT_NEAR(weight_value(words), v, std::ldexp(1.0, -72) + 1e-15 * v) << v;
  }
}

}  // namespace
}  // namespace rr
