// The known-answer cases of docs/model.md §5, each against its closed form. Tolerances come from
// the sampling error at the path count used (derivations next to each check); seeds are fixed,
// so every run of the suite sees the same numbers.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "reerisk/path_model.hpp"
#include "stats/summary.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

using test::load;
using test::minimal_scenario;
using test::run_cpu;

/// First-stockout counts by day for (segment 0, material 0); slot H = never.
std::vector<std::uint64_t> first_stockout_counts(const test::Loaded& l,
                                                 const std::vector<std::uint64_t>& tally) {
  const auto* p = &tally[l.layout.first_stockout + l.layout.sm(0, 0) * (l.layout.H + 1)];
  return std::vector<std::uint64_t>(p, p + l.layout.H + 1);
}

// §5.1: no supply, no demand noise, fixed cover C: first stockout exactly on day C.
TEST(KnownAnswerTest, Case1FixedCoverNoSupply) {
  // An awkward daily demand (123.4/365 t) makes the inventory reach zero only up to rounding;
  // the 1e-9 t rule must still put the first stockout on day C exactly.
  for (int cover : {0, 1, 30, 47}) {
    const auto l = load(minimal_scenario(120, std::to_string(cover), 123.4, 0.0));
    const auto tally = run_cpu(*l.spec, 1, 500);
    const auto first = first_stockout_counts(l, tally);
    for (int t = 0; t <= l.layout.H; ++t) {
      EXPECT_EQ(first[t], t == cover ? 500u : 0u) << "cover " << cover << " day " << t;
    }
  }
}

// §5.2: no supply, cover ~ F: the first stockout day is floor(cover), so the CDF at day t is
// F(t + 1). Checked with a one-sample KS test at alpha = 1e-3: the largest gap between the
// empirical CDF and F(t + 1) over all days must stay below sqrt(-ln(alpha/2)/2)/sqrt(n). The
// outcome is discrete, which makes this KS test conservative (the bound still holds).
TEST(KnownAnswerTest, Case2RandomCoverNoSupply) {
  struct Case {
    const char* cover;
    std::function<double(double)> cdf;
  };
  const std::vector<Case> cases = {
      {"{ dist = \"uniform\", min = 20, max = 80 }",
       [](double x) { return std::clamp((x - 20) / 60, 0.0, 1.0); }},
      {"{ dist = \"triangular\", min = 60, mode = 90, max = 180 }",
       [](double x) {
         if (x <= 60) return 0.0;
         if (x >= 180) return 1.0;
         if (x <= 90) return (x - 60) * (x - 60) / (120.0 * 30);
         return 1 - (180 - x) * (180 - x) / (120.0 * 90);
       }},
      {"{ dist = \"lognormal\", median = 56, sigma = 0.35 }",
       [](double x) { return x <= 0 ? 0.0 : test::normal_cdf(std::log(x / 56) / 0.35); }},
  };
  const std::uint64_t n = 40000;
  for (const auto& c : cases) {
    const auto l = load(minimal_scenario(400, c.cover, 365.0, 0.0));
    const auto first = first_stockout_counts(l, run_cpu(*l.spec, 11, n));
    double cum = 0, d = 0;
    for (int t = 0; t < l.layout.H; ++t) {
      cum += static_cast<double>(first[t]);
      d = std::max(d, std::fabs(cum / n - c.cdf(t + 1.0)));
    }
    EXPECT_LT(d, test::ks_critical(n, 1e-3)) << c.cover;
  }
}

// §5.3: open -> cut with monthly hazard h, cut absorbing: occupancy of cut after k month
// boundaries is 1 - (1 - h)^k. Each month's count is binomial(n, p_k); we allow 4.5 standard
// errors, which with 37 months (Bonferroni) keeps the family-wise false-alarm rate below 3e-4.
TEST(KnownAnswerTest, Case3AbsorbingRegimeChain) {
  const double h = 0.05;
  const std::string text =
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 1096\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 100\n\n"
      "[[regime]]\nname = \"open\"\nthrottle = { X = 1.0 }\ntransition = { open = 0.95, cut = 0.05 }\n\n"
      "[[regime]]\nname = \"cut\"\nthrottle = { X = 0.0 }\ntransition = { cut = 1.0 }\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 100 }\ncover_days = 30\n"
      "target_cover_days = 60\n";
  const auto l = load(text);
  const std::uint64_t n = 20000;
  const auto tally = run_cpu(*l.spec, 5, n);
  ASSERT_EQ(l.layout.K, 37);
  for (int k = 0; k < l.layout.K; ++k) {
    const double p = 1 - std::pow(1 - h, k);
    const double got = static_cast<double>(tally[l.layout.regime_occupancy + k * 2 + 1]) / n;
    const double se = std::sqrt(std::max(p * (1 - p), 1e-12) / n);
    EXPECT_NEAR(got, p, 4.5 * se + 1e-12) << "after " << k << " month boundaries";
  }
}

/// Records each day's plant output and the segment's end-of-day inventory of material 0.
struct Recorder {
  std::vector<double>* output;
  std::vector<double>* inventory;
  void plant_output(int, std::int32_t t, int, int, double tonnes) const { (*output)[t] += tonnes; }
  void day_end(std::int32_t t, const PathState<1>& st) const { (*inventory)[t] = st.inventory[0][0][0]; }
  void path_end(int, std::uint64_t, const PathState<1>&) const {}
};

// §5.4: the only supply is a plant already running at day 0 (no delay, ramp or outages),
// output = demand, fully offtaken: no stockout on any path and the inventory never changes.
TEST(KnownAnswerTest, Case4PlantMatchingDemand) {
  const std::string plant =
      "[[plant]]\nname = \"P\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 217.3 }\n"
      "offtake = { seg = 1.0 }\n";
  const auto l = load(minimal_scenario(730, "{ dist = \"uniform\", min = 5, max = 50 }", 217.3,
                                       0.0, plant));
  const auto tally = run_cpu(*l.spec, 3, 2000);
  const auto first = first_stockout_counts(l, tally);
  EXPECT_EQ(first[l.layout.H], 2000u) << "some path ran out";

  // Path by path, through the observer: inventory stays at its initial value (to rounding).
  for (std::uint64_t path = 0; path < 20; ++path) {
    std::vector<double> out(l.layout.H), inv(l.layout.H);
    std::vector<std::uint64_t> scratch(l.layout.size);
    PathModel<1, Recorder> model(*l.spec, l.layout, scratch.data(), 3, Recorder{&out, &inv});
    model.run(path);
    const double cover = sample(l.spec->segments[0].cover_days, 3, path, Purpose::kCover, 0, 0);
    const double initial = cover * 217.3 / 365;
    for (int t = 0; t < l.layout.H; ++t) {
      ASSERT_NEAR(inv[t], initial, 1e-9 * std::max(1.0, initial)) << "path " << path << " day " << t;
    }
  }
}

// §5.5: a plant with a deterministic start on day s and a fixed ramp of r months delivers on
// each day exactly nameplate/365 x min(1, (age+1)/ramp_days), capped at first_year_cap in its
// first 365 days, and nothing before day s (docs/model.md: end-of-day ramp convention).
TEST(KnownAnswerTest, Case5DeterministicRampAndCap) {
  const int s = 40;              // 2026-12-20 is day 40 after 2026-11-10
  const double r_months = 6.0;   // 182.5 days
  const double cap = 0.4;
  const double nameplate = 365.0;  // 1 t/day at full output
  const std::string plant =
      "[[plant]]\nname = \"P\"\nplanned_start = \"2026-12-20\"\noutput_t_per_year = { X = 365 }\n"
      "ramp_months = 6\nfirst_year_cap = 0.4\n";
  const auto l = load(minimal_scenario(800, "1000", 1.0, 0.0, plant));
  std::vector<double> out(l.layout.H), inv(l.layout.H);
  std::vector<std::uint64_t> scratch(l.layout.size);
  PathModel<1, Recorder> model(*l.spec, l.layout, scratch.data(), 9, Recorder{&out, &inv});
  model.run(0);
  const double ramp_days = r_months * 365.0 / 12.0;
  for (int t = 0; t < l.layout.H; ++t) {
    double expect = 0;
    if (t >= s) {
      const int age = t - s;
      expect = std::min(1.0, (age + 1) / ramp_days);
      if (age < 365) expect = std::min(expect, cap);
      expect *= nameplate / 365.0;
    }
    ASSERT_DOUBLE_EQ(out[t], expect) << "day " << t;
  }
  EXPECT_DOUBLE_EQ(out[s], 1 / ramp_days);      // ramp starts on day s
  EXPECT_DOUBLE_EQ(out[s + 100], cap);          // first-year cap binds
  EXPECT_DOUBLE_EQ(out[s + 365], 1.0);          // cap lifted, ramp complete
}

// §5.6: smuggling with interdiction probability p: the seized share of smuggled batches
// converges to p. The count of seized batches is binomial(batches, p); 4.5 standard errors.
TEST(KnownAnswerTest, Case6SeizedShareOfSmuggledBatches) {
  const double p = 0.3;
  const std::string text =
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 365\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 1200\n\n"
      "[[regime]]\nname = \"ban\"\nthrottle = { X = 0.0 }\n\n"
      "[smuggling]\nleakage = 0.05\ninterdiction = 0.3\ndelay_days = 30\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 100 }\ncover_days = 30\n"
      "target_cover_days = 60\n";
  const auto l = load(text);
  const auto tally = run_cpu(*l.spec, 17, 20000);
  const double batches = static_cast<double>(tally[l.layout.smuggled_batches]);
  const double seized = static_cast<double>(tally[l.layout.seized_batches]);
  ASSERT_EQ(batches, 20000.0 * 13);  // 13 month starts in 365 days from 2026-11-10
  EXPECT_NEAR(seized / batches, p, 4.5 * std::sqrt(p * (1 - p) / batches));
  // Seized tonnes are exactly the seized batches x their size (100 t x 0.05 = 5 t each).
  EXPECT_EQ(tally[l.layout.seized_sum], static_cast<std::uint64_t>(seized * 5 * 1000));
}

}  // namespace
}  // namespace rr
