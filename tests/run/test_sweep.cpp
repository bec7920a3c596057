// Grid sweeps (docs/model.md §4 [sweep]): points are the base scenario with keys overridden, and
// every point uses the same seed and path indices (common random numbers, docs/model.md §3).
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "errors.hpp"
#include "scenario/model_spec_builder.hpp"
#include "stats/path_sample.hpp"
#include "scenario/scenario_loader.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

// No supply, 1 t/day demand, cover ~ uniform(20, max): the first stockout day is floor(cover).
const std::string kBase = test::minimal_scenario(
    100, "{ dist = \"uniform\", min = 20, max = 80 }", 365, 0,
    "[sweep]\nmode = \"grid\"\n[[sweep.param]]\nkey = \"segment.seg.cover_days.max\"\n"
    "values = [80, 85]\n[[sweep.param]]\nkey = \"material.0.china_baseline_t_per_year\"\n"
    "values = [0, 10, 20]\n");

TEST(SweepTest, GridPointsAreRowMajorInParameterOrder) {
  const Scenario sc = load_scenario_text(kBase, "s.toml");
  const auto pts = grid_points(*sc.sweep);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0], (std::vector<double>{80, 0}));
  EXPECT_EQ(pts[1], (std::vector<double>{80, 10}));
  EXPECT_EQ(pts[3], (std::vector<double>{85, 0}));
  const Scenario p = scenario_at_point(sc, pts[5]);
  EXPECT_EQ(p.segments[0].cover_days.p1, 85.0);
  EXPECT_EQ(p.materials[0].china_baseline_t_per_year, 20.0);
  EXPECT_FALSE(p.sweep.has_value());
}

TEST(SweepTest, EveryCombinationIsValidatedAtLoad) {
  // Each value is valid with the base scenario, but mode 150 with max 120 is not.
  const std::string text = test::minimal_scenario(
      100, "{ dist = \"triangular\", min = 60, mode = 90, max = 180 }", 365, 0,
      "[sweep]\n[[sweep.param]]\nkey = \"segment.seg.cover_days.mode\"\nvalues = [90, 150]\n"
      "[[sweep.param]]\nkey = \"segment.seg.cover_days.max\"\nvalues = [180, 120]\n");
  try {
    load_scenario_text(text, "s.toml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("sweep point { segment.seg.cover_days.mode = 150, "
                       "segment.seg.cover_days.max = 120 }"),
              std::string::npos) << msg;
    EXPECT_NE(msg.find("min <= mode <= max"), std::string::npos) << msg;
  }
}

TEST(SweepTest, RunSettingsCannotBeSwept) {
  const std::string text = test::minimal_scenario(
      100, "30", 365, 0, "[sweep]\n[[sweep.param]]\nkey = \"run.horizon_days\"\nvalues = [50]\n");
  EXPECT_THROW(load_scenario_text(text, "s.toml"), InputError);
}

// Common random numbers. With the same seed, path p draws the same uniform u for its cover at
// both points, so X_A = 1{cover_A < 50} = 1{u < 1/2} and X_B = 1{u < 30/65} differ only for u
// in [30/65, 1/2): Var(X_A - X_B) = d(1 - d) with d = 1/2 - 30/65 = 0.0385 (0.037). With
// independent seeds Var = pA(1 - pA) + pB(1 - pB) = 0.4985. Each estimate is checked against
// its closed form within 5 standard errors (se of a sample variance of a bounded variable:
// sqrt((m4 - s^4)/n)); the CRN variance must be over 10x smaller.
TEST(SweepTest, CommonRandomNumbersShrinkTheVarianceOfDifferences) {
  const Scenario sc = load_scenario_text(kBase, "s.toml");
  const auto a = build_model_spec(scenario_at_point(sc, {80, 0}));
  const auto b = build_model_spec(scenario_at_point(sc, {85, 0}));
  const std::uint64_t n = 20000;
  const PathSample sa = sample_paths(*a, 7, n);
  const PathSample sb_crn = sample_paths(*b, 7, n);
  const PathSample sb_ind = sample_paths(*b, 8, n);
  auto variance_of_difference = [&](const PathSample& x, const PathSample& y, double& se) {
    std::vector<double> d(n);
    double mean = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      d[i] = (x.first_stockout_day[i] < 50) - (y.first_stockout_day[i] < 50);
      mean += d[i];
    }
    mean /= n;
    double m2 = 0, m4 = 0;
    for (double v : d) {
      m2 += (v - mean) * (v - mean);
      m4 += std::pow(v - mean, 4);
    }
    m2 /= n;
    m4 /= n;
    se = std::sqrt((m4 - m2 * m2) / n);
    return m2;
  };
  double se_crn, se_ind;
  const double var_crn = variance_of_difference(sa, sb_crn, se_crn);
  const double var_ind = variance_of_difference(sa, sb_ind, se_ind);
  const double d = 0.5 - 30.0 / 65.0;
  const double pa = 0.5, pb = 30.0 / 65.0;
  EXPECT_NEAR(var_crn, d * (1 - d), 5 * se_crn);
  EXPECT_NEAR(var_ind, pa * (1 - pa) + pb * (1 - pb), 5 * se_ind);
  EXPECT_LT(var_crn * 10, var_ind);
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// --until-halfwidth: the run stops at the first batch boundary where every 95% interval on
// P(stockout by the horizon) is narrower than +/- W, and the same seed and batch size give the
// same stopping point and the same tally.
TEST(SweepTest, PrecisionTargetStopsAtTheFirstBatchThatMeetsIt) {
  const auto l = test::load(test::minimal_scenario(
      60, "{ dist = \"uniform\", min = 20, max = 80 }", 365, 0));
  const double w = 0.03;
  BackendSelection cpu;
  cpu.name = "cpu";
  RunOptions o;
  o.seed = 3;
  o.n_paths = 100000;
  o.batch = 250;
  o.threads = 2;
  o.done_early = [&](const std::vector<std::uint64_t>& t) {
    return widest_horizon_halfwidth(*l.spec, t) < w;
  };
  const RunResult first = run_paths(*l.spec, cpu, o);
  const RunResult again = run_paths(*l.spec, cpu, o);
  EXPECT_EQ(first.n_paths, again.n_paths);
  EXPECT_EQ(first.tally, again.tally);
  ASSERT_LT(first.n_paths, o.n_paths);
  EXPECT_EQ(first.n_paths % o.batch, 0u);
  EXPECT_LT(widest_horizon_halfwidth(*l.spec, first.tally), w);
  // One batch fewer did not meet the target. P ~ 2/3 here: about 0.96^2 p(1-p)/w^2 ~ 950 paths.
  const auto before = test::run_cpu(*l.spec, 3, first.n_paths - o.batch, 2);
  EXPECT_GE(widest_horizon_halfwidth(*l.spec, before), w);
}

}  // namespace
}  // namespace rr
