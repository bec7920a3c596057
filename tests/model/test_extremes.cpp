// Extreme but valid scenarios run, or are refused with a clear reason, and every output of
// the summary is finite.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "errors.hpp"
#include "stats/summary.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

void expect_finite(const Summary& s) {
  for (const auto& c : s.cells) {
    for (const auto& p : c.p_stockout_by_day) ASSERT_TRUE(std::isfinite(p.p) && std::isfinite(p.lo) && std::isfinite(p.hi));
    for (const auto& p : c.p_in_stockout) ASSERT_TRUE(std::isfinite(p.p) && std::isfinite(p.lo) && std::isfinite(p.hi));
    ASSERT_TRUE(std::isfinite(c.stockout_days_mean));
    ASSERT_TRUE(std::isfinite(c.shortfall_mean_t));
    for (double q : c.shortfall_quantile_t) ASSERT_TRUE(std::isfinite(q));
  }
  for (const auto& month : s.regime_occupancy) for (double x : month) ASSERT_TRUE(std::isfinite(x));
  for (const auto& month : s.price_quantiles) {
    for (const auto& m : month) for (double x : m) ASSERT_TRUE(std::isfinite(x) && x >= 1.0);
  }
  for (double x : s.smuggled_mean_t) ASSERT_TRUE(std::isfinite(x));
  for (double x : s.seized_mean_t) ASSERT_TRUE(std::isfinite(x));
}

Summary run(const std::string& text, std::uint64_t paths = 200) {
  const auto l = test::load(text);
  return summarize(l.scenario, *l.spec, test::run_cpu(*l.spec, 1, paths));
}

TEST(ExtremeScenarioTest, ThirtyYearHorizon) {
  std::string text = test::minimal_scenario(
      10950, "60", 365, 600,
      "[[regime]]\nname = \"lic\"\nlicensing = true\nlicence_days = { dist = \"lognormal\", median = 90, sigma = 1.0 }\n"
      "approval = { dist = \"beta\", a = 2, b = 8 }\nthrottle = { X = 0.5 }\ntransition = { lic = 0.9, open = 0.1 }\n"
      "[smuggling]\nleakage = { dist = \"beta\", a = 2, b = 20 }\ninterdiction = 0.3\ndelay_days = 90\n");
  text.replace(text.find("throttle = { X = 1.0 }"), 22, "throttle = { X = 1.0 }\ntransition = { open = 0.9, lic = 0.1 }");
  expect_finite(run(text, 50));
}

TEST(ExtremeScenarioTest, ZeroDemandEverywhere) {
  const Summary s = run(test::minimal_scenario(400, "30", 0, 100));
  expect_finite(s);
  EXPECT_EQ(s.cells[0].within(400).p, 0.0);  // nothing to run out of
}

TEST(ExtremeScenarioTest, NoSupplyAtAll) {
  const Summary s = run(test::minimal_scenario(400, "0", 100, 0));
  expect_finite(s);
  EXPECT_EQ(s.cells[0].within(1).p, 1.0);  // out on day 0
}

TEST(ExtremeScenarioTest, StockpileLargerThanAllDemandAndPriceCapOne) {
  std::string text = test::minimal_scenario(
      400, "5", 100, 0,
      "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 36500\nrelease_below_days = 30\n"
      "max_release_t_per_day = { X = 1000 }\nrefill = true\n");
  text.replace(text.find("china_baseline_t_per_year"), 0, "price_cap = 1.0\n");
  const Summary s = run(text);
  expect_finite(s);
  EXPECT_EQ(s.cells[0].within(400).p, 0.0);
}

TEST(ExtremeScenarioTest, PlantStartingAfterTheHorizonAndAllProbabilitiesZeroOrOne) {
  const std::string text = test::minimal_scenario(
      365, "{ dist = \"bernoulli\", p = 1.0 }", 365, 365,
      "[[plant]]\nname = \"late\"\nplanned_start = \"2040-01-01\"\noutput_t_per_year = { X = 1000 }\n"
      "cancel_probability = 0.0\noutage_probability_per_month = 1.0\noutage_days = 0\n"
      "[[plant]]\nname = \"never\"\nplanned_start = \"2027-01-01\"\noutput_t_per_year = { X = 1000 }\n"
      "cancel_probability = 1.0\n"
      "[smuggling]\nleakage = 1.0\ninterdiction = 1.0\n"
      "[[event]]\ndate = \"2026-12-01\"\nto = \"open\"\nprobability = 0.0\n");
  const auto l = test::load(text);
  const auto tally = test::run_cpu(*l.spec, 1, 200);
  expect_finite(summarize(l.scenario, *l.spec, tally));
  EXPECT_EQ(tally[l.layout.plant_start + 0 * (l.layout.K + 2) + l.layout.K + 1], 200u);  // after the horizon
  EXPECT_EQ(tally[l.layout.plant_cancelled + 1], 200u);
}

TEST(ExtremeScenarioTest, BeyondTheLimitsIsRefusedWithAReason) {
  std::string many;
  for (int i = 0; i < 17; ++i) {
    many += "[[segment]]\nname = \"s" + std::to_string(i) +
            "\"\ndemand_t_per_year = { X = 1 }\ncover_days = 10\ntarget_cover_days = 10\n";
  }
  try {
    test::load(test::minimal_scenario(100, "10", 1, 1, many));
    FAIL() << "17 segments accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("too many segments (18); allowed: at most 16"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rr
