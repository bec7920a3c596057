// Line stops, fill rates, time to survive and recover, costs (docs/model.md §6), in scenarios small
// enough to work out by hand: one material, one segment with no cover and demand 1 t/day, fed
// only by a plant that ships straight to it (offtake 1), so that its daily supply is exact.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "errors.hpp"
#include "stats/summary.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

using test::load;
using test::run_cpu;

// Supply of @p supply_t_per_day from a plant starting on @p plant_start; the segment's
// line_stop_fill is @p fill and its cover @p cover_days days. Horizon 59 days from
// 2027-01-01: January is days 0-30, February days 31-58.
std::string scenario(double supply_t_per_day, double fill, int cover_days = 0,
                     const std::string& plant_start = "2020-01-01") {
  return R"(
[run]
start = "2027-01-01"
horizon_days = 59

[[material]]
name = "X"
china_baseline_t_per_year = 0

[[regime]]
name = "open"
throttle = { X = 1.0 }

[[plant]]
name = "P"
kind = "brownfield"
planned_start = ")" + plant_start + R"("
output_t_per_year = { X = )" + std::to_string(supply_t_per_day * 365) + R"( }
offtake = { seg = 1.0 }

[[segment]]
name = "seg"
demand_t_per_year = { X = 365 }
cover_days = )" + std::to_string(cover_days) + R"(
target_cover_days = 0
line_stop_fill = )" + std::to_string(fill) + "\n";
}

constexpr std::uint64_t kPaths = 16;
constexpr std::uint64_t kH = 59;

std::uint64_t at(const std::vector<std::uint64_t>& tally, std::uint64_t block, std::uint64_t i) {
  return tally[block + i];
}

// 0.7 t/day against 1 t/day: 0.3 t short every day. With line_stop_fill 0.8 a day may be
// 0.2 t short, so every day is a line stop: the first on day 0, 59 in all. With 0.6 (0.4 t
// allowed) none is, though every day is a stockout. The fill rate is 0.7 in every month and
// over the horizon (bin 69 or 70, as 0.7 x 100 rounds).
TEST(SeverityTest, ConstantSupplyShareBelowAndAboveTheThreshold) {
  for (double fill : {0.8, 0.6}) {
    const auto l = load(scenario(0.7, fill));
    const auto tally = run_cpu(*l.spec, 3, kPaths);
    const TallyLayout& L = l.layout;
    const bool stops = fill > 0.7;
    EXPECT_EQ(at(tally, L.first_line_stop, stops ? 0 : kH), kPaths) << fill;
    EXPECT_EQ(at(tally, L.line_stop_days, stops ? kH : 0), kPaths) << fill;
    EXPECT_EQ(at(tally, L.stockout_days, kH), kPaths) << fill;  // short every day either way
    const Summary s = summarize(l.scenario, *l.spec, tally);
    EXPECT_NEAR(s.cells[0].fill_rate_mean, 0.7, 1e-9);
    EXPECT_NEAR(s.cells[0].fill_rate_month_mean[0], 0.7, 1e-9);
    EXPECT_NEAR(s.cells[0].fill_rate_month_mean[1], 0.7, 1e-9);
    EXPECT_EQ(at(tally, L.fill_hist, 69) + at(tally, L.fill_hist, 70), kPaths);
  }
}

// line_stop_fill 0: a line stop needs more than the whole demand short, so never, even with
// no supply at all. line_stop_fill 1: any shortfall is one, so the line-stop tallies equal the
// stockout tallies count for count.
TEST(SeverityTest, ThresholdZeroNeverStopsAndOneEqualsStockouts) {
  {
    const auto l = load(scenario(0.0, 0.0));
    const auto tally = run_cpu(*l.spec, 3, kPaths);
    EXPECT_EQ(at(tally, l.layout.first_line_stop, kH), kPaths);
    EXPECT_EQ(at(tally, l.layout.first_stockout, 0), kPaths);
    const Summary s = summarize(l.scenario, *l.spec, tally);
    EXPECT_EQ(s.cells[0].fill_rate_mean, 0.0);
    EXPECT_EQ(at(tally, l.layout.fill_hist, 0), kPaths);
  }
  // A scenario with noisy demand, cover, China batches and a stockpile: line_stop_fill = 1
  // on every segment of the baseline.
  std::ifstream in(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  for (std::size_t p = text.find("[[segment]]"); p != std::string::npos;
       p = text.find("[[segment]]", p + 1)) {
    text.insert(p + 11, "\nline_stop_fill = 1.0");
  }
  const auto l = load(text);
  const auto tally = run_cpu(*l.spec, 5, 400);
  const TallyLayout& L = l.layout;
  const std::uint64_t sm = static_cast<std::uint64_t>(L.S) * L.M;
  for (std::uint64_t i = 0; i < sm * (L.H + 1); ++i) {
    ASSERT_EQ(tally[L.first_line_stop + i], tally[L.first_stockout + i]) << i;
    ASSERT_EQ(tally[L.line_stop_days + i], tally[L.stockout_days + i]) << i;
  }
  for (std::uint64_t i = 0; i < sm * L.H; ++i) {
    ASSERT_EQ(tally[L.line_stop_starts + i], tally[L.run_starts + i]) << i;
    ASSERT_EQ(tally[L.line_stop_ends + i], tally[L.run_ends + i]) << i;
  }
}

// A spell that starts and recovers: 10 days of cover, then nothing until the plant starts on
// day 30 (2027-01-31) with the full 1 t/day. Days 10-29 are line stops: the first on day 10,
// 20 in all, one spell starting on day 10 and ending before day 30. Fill: January meets 10 +
// 1 of 31 t (days 0-9 from cover, day 30 from the plant), February 28 of 28; the horizon 39
// of 59.
TEST(SeverityTest, ASpellStartsAndRecovers) {
  const auto l = load(scenario(1.0, 0.8, 10, "2027-01-31"));
  const auto tally = run_cpu(*l.spec, 3, kPaths);
  const TallyLayout& L = l.layout;
  EXPECT_EQ(at(tally, L.first_line_stop, 10), kPaths);
  EXPECT_EQ(at(tally, L.line_stop_days, 20), kPaths);
  for (std::uint64_t t = 0; t < kH; ++t) {
    EXPECT_EQ(at(tally, L.line_stop_starts, t), t == 10 ? kPaths : 0u) << t;
    EXPECT_EQ(at(tally, L.line_stop_ends, t), t == 30 ? kPaths : 0u) << t;
  }
  const Summary s = summarize(l.scenario, *l.spec, tally);
  EXPECT_NEAR(s.cells[0].fill_rate_month_mean[0], 11.0 / 31, 1e-9);
  EXPECT_NEAR(s.cells[0].fill_rate_month_mean[1], 1.0, 1e-9);
  EXPECT_NEAR(s.cells[0].fill_rate_mean, 39.0 / 59, 1e-9);
  EXPECT_NEAR(s.cells[0].p_in_line_stop[15].p, 1.0, 0);
  EXPECT_NEAR(s.cells[0].p_in_line_stop[30].p, 0.0, 0);
  // January receives 1 t of 31 demanded, so the disruption dates from day 0: time to survive
  // 10 days. One spell of 20 days that ended; none cut off by the horizon.
  for (std::uint64_t d = 0; d < kH; ++d) {
    EXPECT_EQ(at(tally, L.survive_hist, d), d == 10 ? kPaths : 0u) << d;
  }
  for (std::uint64_t d = 0; d <= kH; ++d) {
    EXPECT_EQ(at(tally, L.recover_hist, d), d == 20 ? kPaths : 0u) << d;
    EXPECT_EQ(at(tally, L.recover_censored, d), 0u) << d;
  }
  EXPECT_EQ(s.cells[0].survive_paths, kPaths);
  EXPECT_EQ(s.cells[0].survive_days_quantile[0], 10);
  EXPECT_EQ(s.cells[0].recover_spells, kPaths);
  EXPECT_EQ(s.cells[0].recover_days_quantile[3], 20);
  EXPECT_EQ(s.cells[0].recover_days_mean, 20.0);
}

// Time to survive after a month that kept up, and spells the horizon cuts off. The plant
// (2 t/day) is down for 40 days from every month start at which it runs (outage probability
// 1): days 0-39 and 59-98. Cover 45 days, horizon 90 (January to March 2027).
// January: 31 t from cover, nothing received (receipts 0 < 31: a disruption from day 0).
// February: 9 t from cover (days 31-39; 5 t left), then 19 days x 2 t in, 1 t out: 24 t at
// the close. Receipts = consumed 28 + (24 - 14) = 38 >= 28: the disruption is over, and the
// next one dates from March's first day, 59. March: 24 t last days 59-82; day 83 is the first
// line stop: time to survive 83 - 59 = 24 (not 83). Its spell (83-89) is still on at the
// horizon: censored at 7 days, and no spell ended.
TEST(SeverityTest, TimeToSurviveRestartsAfterAMonthThatKeptUp) {
  std::string text = scenario(2.0, 0.8, 45);
  text.replace(text.find("horizon_days = 59"), 17, "horizon_days = 90");
  text.replace(text.find("offtake ="), 9, "outage_probability_per_month = 1\noutage_days = 40\nofftake =");
  const auto l = load(text);
  const auto tally = run_cpu(*l.spec, 3, kPaths);
  const TallyLayout& L = l.layout;
  EXPECT_EQ(at(tally, L.first_line_stop, 83), kPaths);
  for (std::uint64_t d = 0; d < 90; ++d) {
    EXPECT_EQ(at(tally, L.survive_hist, d), d == 24 ? kPaths : 0u) << d;
  }
  for (std::uint64_t d = 0; d <= 90; ++d) {
    EXPECT_EQ(at(tally, L.recover_hist, d), 0u) << d;
    EXPECT_EQ(at(tally, L.recover_censored, d), d == 7 ? kPaths : 0u) << d;
  }
  const Summary s = summarize(l.scenario, *l.spec, tally);
  EXPECT_EQ(s.cells[0].recover_censored, kPaths);
  EXPECT_EQ(s.cells[0].recover_days_quantile[0], -1);  // every spell outlasts what is seen
}

// Costs with a fixed price (price_cap 1, so every month's multiplier is 1): 0.7 t/day received
// and 0.3 t/day short for 59 days. Procurement 41.3 t x $100/kg = $4.13e6 per path; shortfall
// 17.7 t x $1e6/t = $1.77e7. Every path alike: mean = CVaR95 = the path's cost, and each
// quantile is the upper edge of the cost's log bin (within a factor 10^0.1 above it).
TEST(SeverityTest, CostsWithAFixedPrice) {
  std::string text = scenario(0.7, 0.8) + "shortfall_cost_usd_per_t = 1e6\n";
  text.replace(text.find("china_baseline_t_per_year = 0"), 29,
               "china_baseline_t_per_year = 0\nbase_price_usd_per_kg = 100\nprice_cap = 1");
  const auto l = load(text);
  ASSERT_TRUE(l.spec->costs);
  const Summary s = summarize(l.scenario, *l.spec, run_cpu(*l.spec, 3, kPaths));
  ASSERT_EQ(s.segment_costs.size(), 1u);
  const double expected[2] = {41.3 * 1e5, 17.7 * 1e6};
  for (int c = 0; c < 2; ++c) {
    const CostSummary& x = s.segment_costs[0][c];
    EXPECT_NEAR(x.mean, expected[c], 500.0) << c;  // whole kUSD per path
    EXPECT_NEAR(x.cvar95, expected[c], 500.0) << c;
    for (double q : x.quantile) {
      EXPECT_GE(q, expected[c]) << c;
      EXPECT_LE(q, expected[c] * std::pow(10.0, 0.1)) << c;
    }
  }
}

// A shortfall cost asks for the cost outputs, which need every used material's price.
TEST(SeverityTest, CostsWithoutAPriceAreRefused) {
  try {
    load(scenario(0.7, 0.8) + "shortfall_cost_usd_per_t = 1e6\n");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has no base_price_usd_per_kg"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("test.toml:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rr
