// Each mechanism of docs/model.md §1/§6 in a scenario small enough to work out by hand.
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

std::uint64_t first_stockout_on(const test::Loaded& l, const std::vector<std::uint64_t>& tally,
                                int s, int m, int t) {
  return tally[l.layout.first_stockout + l.layout.sm(s, m) * (l.layout.H + 1) + t];
}

const char* kTwoSegments = R"(
[run]
start = "2026-11-10"
horizon_days = 200
allocation = "%ALLOC%"

[[material]]
name = "X"
china_baseline_t_per_year = %CHINA%
shipping_days = 0

[[regime]]
name = "r"
defense_allowed = %DEFENSE%
throttle = { X = %THROTTLE% }

[smuggling]
leakage = %LEAK%
interdiction = 0

[[segment]]
name = "defense"
defense = true
priority = 1
demand_t_per_year = { X = 365 }
cover_days = 10
target_cover_days = 20

[[segment]]
name = "civil"
priority = 2
demand_t_per_year = { X = 365 }
cover_days = 10
target_cover_days = 20
)";

std::string two_segments(const std::string& alloc, double china, bool defense_allowed,
                         double throttle, double leak) {
  std::string s = kTwoSegments;
  auto put = [&](const std::string& key, const std::string& v) {
    s.replace(s.find(key), key.size(), v);
  };
  put("%ALLOC%", alloc);
  put("%CHINA%", std::to_string(china));
  put("%DEFENSE%", defense_allowed ? "true" : "false");
  put("%THROTTLE%", std::to_string(throttle));
  put("%LEAK%", std::to_string(leak));
  return s;
}

TEST(MechanismTest, DefenseSegmentsGetNoChinaMaterialWhenTheRegimeForbidsIt) {
  // Ample China flow (10x both demands), no other supply.
  const auto banned = load(two_segments("pro_rata", 7300, false, 1.0, 0.0));
  const auto t1 = run_cpu(*banned.spec, 1, 200);
  EXPECT_EQ(first_stockout_on(banned, t1, 0, 0, 10), 200u);                // defense: at its cover
  EXPECT_EQ(first_stockout_on(banned, t1, 1, 0, banned.layout.H), 200u);   // civil: never
  const auto allowed = load(two_segments("pro_rata", 7300, true, 1.0, 0.0));
  const auto t2 = run_cpu(*allowed.spec, 1, 200);
  EXPECT_EQ(first_stockout_on(allowed, t2, 0, 0, allowed.layout.H), 200u);  // defense: never
}

TEST(MechanismTest, ASegmentChinaLicensesNothingToGetsNoChinaMaterial) {
  // Ample China flow, defense allowed: with china_licences = false the civil segment runs out
  // exactly at its cover on every path, while the defense segment keeps its supply.
  std::string text = two_segments("pro_rata", 7300, true, 1.0, 0.0);
  const std::string civil = "name = \"civil\"\n";
  text.replace(text.find(civil), civil.size(), civil + "china_licences = false\n");
  const auto l = load(text);
  const auto t = run_cpu(*l.spec, 1, 200);
  EXPECT_EQ(first_stockout_on(l, t, 1, 0, 10), 200u);              // civil: at its cover
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, l.layout.H), 200u);      // defense: never
}

TEST(MechanismTest, SmuggledMaterialNeverReachesDefense) {
  // Exports blocked; everything blocked is smuggled and nothing is seized.
  const auto l = load(two_segments("pro_rata", 7300, true, 0.0, 1.0));
  const auto t = run_cpu(*l.spec, 1, 200);
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, 10), 200u);
  EXPECT_EQ(first_stockout_on(l, t, 1, 0, l.layout.H), 200u);
  EXPECT_EQ(t[l.layout.seized_batches], 0u);
}

TEST(MechanismTest, PriorityServesTheLowerNumberFirst) {
  // Non-China supply only (a plant at 1 t/day) for two segments each needing 1 t/day.
  std::string text = two_segments("priority", 0, true, 1.0, 0.0);
  text += "\n[[plant]]\nname = \"P\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 365 }\n";
  const auto l = load(text);
  const auto t = run_cpu(*l.spec, 1, 100);
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, l.layout.H), 100u);  // priority 1: never runs out
  EXPECT_EQ(first_stockout_on(l, t, 1, 0, 10), 100u);          // priority 2: at its cover
  // Pro rata: both get half, both run out at the same time (cover 10 d at 0.5 t/day net).
  std::string pr = two_segments("pro_rata", 0, true, 1.0, 0.0);
  pr += "\n[[plant]]\nname = \"P\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 365 }\n";
  const auto l2 = load(pr);
  const auto t2 = run_cpu(*l2.spec, 1, 100);
  std::uint64_t day_def = 0, day_civ = 0;
  for (int d = 0; d < l2.layout.H; ++d) {
    if (first_stockout_on(l2, t2, 0, 0, d)) day_def = d;
    if (first_stockout_on(l2, t2, 1, 0, d)) day_civ = d;
  }
  EXPECT_EQ(day_def, day_civ);
  EXPECT_GT(day_def, 10u);
}

/// Stockpile scenario: one segment, 1 t/day demand, cover 10 d, no supply; stockpile of 60 d
/// released below 5 d of cover.
std::string stockpile_scenario(double max_release, const std::string& extra = "") {
  return minimal_scenario(200, "10", 365, 0,
                          "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 60\n"
                          "release_below_days = 5\nmax_release_t_per_day = { X = " +
                              std::to_string(max_release) + " }\n" + extra);
}

TEST(MechanismTest, StockpileReleasesBelowItsTriggerUntilEmpty) {
  // From day 6 the stockpile tops the segment up to 5 days each day, one day of demand at a
  // time, for 60 days; then 4 days of stock remain: first stockout on day 10 + 60 = 70.
  const auto l = load(stockpile_scenario(10.0));
  const auto t = run_cpu(*l.spec, 1, 50);
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, 70), 50u);
}

TEST(MechanismTest, StockpileReleaseIsCappedPerDay) {
  // 0.5 t/day released against 1 t/day used: 4 t left after day 5 fall by 0.5 t/day, gone
  // after day 13, so day 14 is short.
  const auto l = load(stockpile_scenario(0.5));
  const auto t = run_cpu(*l.spec, 1, 50);
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, 14), 50u);
}

struct StockpileRecorder {
  std::vector<double>* stock;
  void plant_output(int, std::int32_t, int, int, double) const {}
  void day_end(std::int32_t t, const PathState<1>& st) const { (*stock)[t] = st.stockpile[0][0]; }
  void path_end(int, std::uint64_t, const PathState<1>&) const {}
};

TEST(MechanismTest, StockpileRefillsFromSurplusOnlyWhenAsked) {
  // The stockpile empties by day 65; a 3 t/day plant from day 100 first restores the
  // segment's target cover (20 d), then refills the stockpile to its 60 t ceiling.
  const std::string plant =
      "\n[[plant]]\nname = \"P\"\nplanned_start = \"2027-02-18\"\noutput_t_per_year = { X = 1095 }\n";
  for (bool refill : {true, false}) {
    std::string text = stockpile_scenario(10.0, std::string("refill = ") + (refill ? "true" : "false") + "\n" + plant);
    text.replace(text.find("target_cover_days = 0"), 21, "target_cover_days = 20");
    const auto l = load(text);
    std::vector<double> stock(l.layout.H);
    std::vector<std::uint64_t> scratch(l.layout.size);
    PathModel<1, StockpileRecorder> model(*l.spec, l.layout, scratch.data(), 1, StockpileRecorder{&stock});
    model.run(0);
    EXPECT_EQ(stock[80], 0.0);
    EXPECT_DOUBLE_EQ(stock[l.layout.H - 1], refill ? 60.0 : 0.0) << "refill " << refill;
  }
}

TEST(MechanismTest, LicensingApprovalGatesChinaSupply) {
  const std::string base =
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 300\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 730\nshipping_days = 5\n\n"
      "[[regime]]\nname = \"lic\"\nlicensing = true\nlicence_days = 10\napproval = %Q%\n"
      "throttle = { X = 1.0 }\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 365 }\ncover_days = 40\n"
      "target_cover_days = 60\n";
  for (double q : {0.0, 1.0}) {
    std::string text = base;
    text.replace(text.find("%Q%"), 3, std::to_string(q));
    const auto l = load(text);
    const auto t = run_cpu(*l.spec, 1, 100);
    if (q == 0.0) {
      EXPECT_EQ(first_stockout_on(l, t, 0, 0, 40), 100u);  // nothing approved
    } else {
      EXPECT_EQ(first_stockout_on(l, t, 0, 0, l.layout.H), 100u);  // twice the demand arrives
    }
  }
}

TEST(MechanismTest, ScheduledEventsAndCancellationsAndOutages) {
  const std::string text =
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 365\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 0\n\n"
      "[[regime]]\nname = \"open\"\nthrottle = { X = 1.0 }\n\n"
      "[[regime]]\nname = \"cut\"\nthrottle = { X = 0.0 }\n\n"
      "[[event]]\ndate = \"2026-12-15\"\nto = \"cut\"\nprobability = 1.0\n\n"
      "[[plant]]\nname = \"gone\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 365 }\n"
      "cancel_probability = 1.0\n\n"
      "[[plant]]\nname = \"broken\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { X = 365 }\n"
      "outage_probability_per_month = 1.0\noutage_days = 1000\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 365 }\ncover_days = 25\n"
      "target_cover_days = 60\n";
  const auto l = load(text);
  const auto t = run_cpu(*l.spec, 1, 100);
  // The event on 2026-12-15 (day 35, not a month start) shows from the next month start.
  EXPECT_EQ(t[l.layout.regime_occupancy + 0 * 2 + 0], 100u);  // month 0 (day 0): open
  EXPECT_EQ(t[l.layout.regime_occupancy + 1 * 2 + 0], 100u);  // month 1 (day 21): open
  EXPECT_EQ(t[l.layout.regime_occupancy + 2 * 2 + 1], 100u);  // month 2 (day 52): cut
  EXPECT_EQ(t[l.layout.plant_cancelled + 0], 100u);
  EXPECT_EQ(t[l.layout.plant_cancelled + 1], 0u);
  EXPECT_EQ(t[l.layout.plant_start + 1 * (l.layout.K + 2) + 0], 100u);  // started before day 0
  // The broken plant goes down on day 0 for 1000 days: the segment lives on its cover.
  EXPECT_EQ(first_stockout_on(l, t, 0, 0, 25), 100u);
}

// Plant output per quarter of the run (docs/model.md §6 "Plants"): from 1 January, 200 days
// make quarters of 90, 91 and 19 days. A running plant of 1 t/day of X and 2 of Y makes 3 t a
// day in each; one starting on day 0 with a 12-month (365-day) ramp capped at 0.5 makes
// (a + 1) / 365 t on day a, 90 x 91 / 2 / 365 t in the first quarter; a cancelled one nothing.
TEST(MechanismTest, PlantOutputIsTalliedPerQuarterOfTheRun) {
  const std::string text =
      "[run]\nstart = \"2026-01-01\"\nhorizon_days = 200\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 0\n\n"
      "[[material]]\nname = \"Y\"\nchina_baseline_t_per_year = 0\n\n"
      "[[regime]]\nname = \"open\"\nthrottle = { X = 1.0, Y = 1.0 }\n\n"
      "[[plant]]\nname = \"running\"\nplanned_start = \"2020-01-01\"\n"
      "output_t_per_year = { X = 365, Y = 730 }\n\n"
      "[[plant]]\nname = \"ramping\"\nplanned_start = \"2026-01-01\"\noutput_t_per_year = { X = 365 }\n"
      "ramp_months = 12\nfirst_year_cap = 0.5\n\n"
      "[[plant]]\nname = \"gone\"\nplanned_start = \"2020-01-01\"\noutput_t_per_year = { Y = 365 }\n"
      "cancel_probability = 1.0\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 365, Y = 365 }\ncover_days = 25\n"
      "target_cover_days = 60\n";
  const auto l = load(text);
  const TallyLayout& L = l.layout;
  ASSERT_EQ(L.K, 7);
  ASSERT_EQ(L.Q, 3);
  const std::uint64_t paths = 24;
  const auto t = run_cpu(*l.spec, 2, paths);
  const auto kg = [&](int q, int p) { return t[L.plant_output_sum + static_cast<std::uint64_t>(q) * L.P + p]; };
  const auto in_bin = [&](int q, int p, double tonnes) {
    return t[L.plant_output_hist + (static_cast<std::uint64_t>(q) * L.P + p) * kTonneSlots + tonne_bin(tonnes)];
  };
  const double quarter_days[3] = {90, 91, 19};
  for (int q = 0; q < 3; ++q) {
    EXPECT_EQ(kg(q, 0), paths * static_cast<std::uint64_t>(quarter_days[q] * 3 * 1000)) << q;
    EXPECT_EQ(in_bin(q, 0, quarter_days[q] * 3), paths) << q;
    EXPECT_EQ(kg(q, 2), 0u) << q;
    EXPECT_EQ(in_bin(q, 2, 0.0), paths) << q;
  }
  const double ramp_q0 = 90.0 * 91.0 / 2.0 / 365.0;  // 11.219 t
  EXPECT_EQ(kg(0, 1), paths * static_cast<std::uint64_t>(std::llround(ramp_q0 * 1000)));
  EXPECT_EQ(in_bin(0, 1, ramp_q0), paths);
  // Below the cap until day 181 ((181 + 1) / 365 < 0.5), 0.5 from day 182.
  const Summary s = summarize(l.scenario, *l.spec, t);
  EXPECT_NEAR(s.plant_output_mean_t[0][1], ramp_q0, 5e-4);
  EXPECT_NEAR(s.plant_output_mean_t[1][1], (181.0 * 182.0 / 2.0) / 365.0 - ramp_q0, 5e-4);
  EXPECT_NEAR(s.plant_output_mean_t[2][1], 182.0 / 365.0 + 18 * 0.5, 5e-4);
}

// A material's own licence time (licence_days_by_material): from 1 January each month's
// batch, 365 / 12 t, is licensed and leaves China 10 days after its request for X and 40 days
// after for Y. X leaves on days 10, 41, 69 and 100, in its own month; Y on days 40, 71 and 99,
// a month late, and its April batch (day 130) after the horizon.
TEST(MechanismTest, AMaterialsOwnLicenceTimeTakesPrecedence) {
  const std::string text =
      "[run]\nstart = \"2026-01-01\"\nhorizon_days = 120\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 365\nshipping_days = 0\n\n"
      "[[material]]\nname = \"Y\"\nchina_baseline_t_per_year = 365\nshipping_days = 0\n\n"
      "[[regime]]\nname = \"lic\"\nlicensing = true\nlicence_days = 10\n"
      "licence_days_by_material = { Y = 40 }\napproval = 1.0\nthrottle = { X = 1.0, Y = 1.0 }\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 365, Y = 365 }\ncover_days = 200\n"
      "target_cover_days = 60\n";
  const auto l = load(text);
  EXPECT_EQ(l.spec->regimes[0].licence_days[0].p0, 10.0);
  EXPECT_EQ(l.spec->regimes[0].licence_days[1].p0, 40.0);
  EXPECT_EQ(l.spec->regimes[0].mean_licence_days[0], 10.0);
  EXPECT_EQ(l.spec->regimes[0].mean_licence_days[1], 40.0);
  ASSERT_EQ(l.layout.K, 4);
  const std::uint64_t paths = 8;
  const auto t = run_cpu(*l.spec, 3, paths);
  const auto kg = [&](int k, int m) {
    return t[l.layout.shipped_sum + static_cast<std::uint64_t>(k) * l.layout.M + m] / paths;
  };
  const std::uint64_t batch = 30417;  // 365 / 12 t in whole kg
  for (int k = 0; k < 4; ++k) EXPECT_EQ(kg(k, 0), batch) << k;
  EXPECT_EQ(kg(0, 1), 0u);
  for (int k = 1; k < 4; ++k) EXPECT_EQ(kg(k, 1), batch) << k;
}

TEST(MechanismTest, DemandNoiseHasMeanOne) {
  // Zero cover, no supply: every day's demand is short, so the total shortfall is the total
  // demand, 365 x mean factor. Its path mean has standard error cv x sqrt(365 / n) t.
  const std::uint64_t n = 4000;
  const double cv = 0.3;
  std::string text = minimal_scenario(365, "0", 365, 0);
  text.replace(text.find("target_cover_days"), 0, "demand_cv = 0.3\n");
  const auto l = load(text);
  const auto t = run_cpu(*l.spec, 1, n);
  const double mean_t = static_cast<double>(t[l.layout.shortfall_sum]) / 1000.0 / n;
  EXPECT_NEAR(mean_t, 365.0, 4.5 * cv * std::sqrt(365.0 / n) + 0.001);
}

TEST(MechanismTest, PriceMultiplierHitsTheCapWithoutSupplyAndOneWithEnough) {
  const auto dry = load(minimal_scenario(120, "10", 365, 0));
  const auto t1 = run_cpu(*dry.spec, 1, 10);
  const Summary s1 = summarize(dry.scenario, *dry.spec, t1);
  for (const auto& month : s1.price_quantiles) EXPECT_EQ(month[0][0], 10.0);  // default cap
  // China alone supplies twice the demand into the pool (shipping 0, no licensing).
  const auto wet = load(minimal_scenario(120, "10", 365, 730));
  const auto t2 = run_cpu(*wet.spec, 1, 10);
  const Summary s2 = summarize(wet.scenario, *wet.spec, t2);
  for (const auto& month : s2.price_quantiles) EXPECT_EQ(month[0][3], 1.0);
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// Extension (docs/model.md): with run.pipeline_at_start the batches requested at the
// pre-start month starts are in transit on day 0. 1 t/day demand, China 365 t/yr (30.42 t a
// month), 45 shipping days, no licensing, cover 40 days: without a pipeline the first China
// batch lands on day 45, after the cover runs out on day 40; with it, the Oct-1 and Nov-1
// batches land on days 5 and 36 and nothing runs out.
TEST(MechanismTest, PipelineAtStartSeedsTheBatchesInTransit) {
  std::string text = test::minimal_scenario(120, "40", 365, 365);
  text.replace(text.find("target_cover_days = 0"), 21, "target_cover_days = 80");
  text.replace(text.find("china_baseline_t_per_year"), 0, "shipping_days = 45\n");
  const auto cold = test::load(text);
  EXPECT_EQ(first_stockout_on(cold, test::run_cpu(*cold.spec, 1, 50), 0, 0, 40), 50u);

  text.replace(text.find("horizon_days"), 0, "pipeline_at_start = true\n");
  const auto warm = test::load(text);
  ASSERT_TRUE(warm.spec->pipeline_at_start);
  EXPECT_EQ(first_stockout_on(warm, test::run_cpu(*warm.spec, 1, 50), 0, 0, warm.layout.H), 50u);

  // Day by day: the pipeline's two batches arrive on days 5 and 36 (inventory jumps there).
  struct Inventory {
    std::vector<double>* inv;
    void plant_output(int, std::int32_t, int, int, double) const {}
    void day_end(std::int32_t t, const PathState<1>& st) const { (*inv)[t] = st.inventory[0][0][0]; }
    void path_end(int, std::uint64_t, const PathState<1>&) const {}
  };
  std::vector<double> inv(warm.layout.H);
  std::vector<std::uint64_t> scratch(warm.layout.size);
  PathModel<1, Inventory> model(*warm.spec, warm.layout, scratch.data(), 1, Inventory{&inv});
  model.run(0);
  EXPECT_DOUBLE_EQ(inv[4], 35.0);
  EXPECT_NEAR(inv[5], 34.0 + 365.0 / 12, 1e-9);
  EXPECT_NEAR(inv[36], 34.0 + 2 * 365.0 / 12 - 31, 1e-9);
}

// The transit calendar (PathState::slot_head) files a batch under day mod transit_slots(W):
// 16 slots for one path, 512 for a block of lanes. A licence of 600 days puts every batch past
// both, so each shares its slot with nearer days and must be passed over there until its own
// day. 1 t/day demand, 730 t/yr from China approved in full, 5 shipping days, a target above
// the inventory (so a batch goes to the segment on the day it lands): the inventory falls by
// 1 t a day and rises by one month's China flow exactly on month start + 605 days.
template <int W>
struct InventoryByLane {
  std::vector<std::vector<double>>* inv;  // [lane][day]
  void plant_output(int, std::int32_t, int, int, double) const {}
  void day_end(std::int32_t t, const PathState<W>& st) const {
    for (int lane = 0; lane < W; ++lane) (*inv)[lane][t] = st.inventory[0][0][lane];
  }
  void path_end(int, std::uint64_t, const PathState<W>&) const {}
};

template <int W>
void expect_batches_on_their_own_day() {
  const std::string text =
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 800\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 730\nshipping_days = 5\n\n"
      "[[regime]]\nname = \"lic\"\nlicensing = true\nlicence_days = 600\napproval = 1.0\n"
      "throttle = { X = 1.0 }\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 365 }\ncover_days = 1000\n"
      "target_cover_days = 5000\n";
  const auto l = test::load(text);
  static_assert(transit_slots(W) < 605, "the lead time must exceed the calendar");
  std::vector<std::vector<double>> inv(W, std::vector<double>(l.layout.H));
  std::vector<std::uint64_t> scratch(l.layout.size);
  PathModel<W, InventoryByLane<W>> model(*l.spec, l.layout, scratch.data(), 1,
                                         InventoryByLane<W>{&inv});
  model.run(0);
  std::vector<int> arrivals(l.layout.H, 0);
  for (int k = 0; k < l.spec->n_months; ++k) {
    const int day = l.spec->month_start_day[k] + 605;
    if (day < l.layout.H) ++arrivals[day];
  }
  ASSERT_EQ(arrivals[605], 1);  // month 0's batch
  const double batch = 730.0 / 12;
  for (int lane = 0; lane < W; ++lane) {
    for (int t = 1; t < l.layout.H; ++t) {
      ASSERT_NEAR(inv[lane][t] - inv[lane][t - 1], arrivals[t] * batch - 1.0, 1e-9)
          << "W " << W << " lane " << lane << " day " << t;
    }
  }
}

TEST(MechanismTest, BatchesBeyondTheTransitCalendarArriveOnTheirOwnDay) {
  expect_batches_on_their_own_day<1>();
  expect_batches_on_their_own_day<kPathLanes>();
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// Shipments within the month (docs/model.md §6 "China batches"): 100 t a month, no licensing,
// 10 days at sea, demand 5 t/day from zero cover, a target cover that takes everything. With
// shipments_per_month = n the month's batch leaves China in n tranches floor(28 i / n) days
// after the month start; the test replays that arrival schedule with a one-line inventory and
// compares the stockout days, the exports per month and the tonnes delivered (all exact:
// 25 t tranches and 5 t days are whole binary numbers).
std::string tranche_scenario(int n) {
  return R"(
[run]
start = "2027-01-01"
horizon_days = 90

[[material]]
name = "X"
china_baseline_t_per_year = 1200
shipping_days = 10
shipments_per_month = )" + std::to_string(n) + R"(

[[regime]]
name = "open"
throttle = { X = 1.0 }

[[segment]]
name = "seg"
demand_t_per_year = { X = 1825 }
cover_days = 0
target_cover_days = 1000
)";
}

TEST(MechanismTest, MonthlyBatchesLeaveChinaInTranches) {
  const int month_start[] = {0, 31, 59};  // 2027-01-01, 02-01, 03-01
  for (int n : {1, 2, 4}) {
    const auto l = load(tranche_scenario(n));
    const std::uint64_t paths = 16;
    const auto tally = run_cpu(*l.spec, 3, paths);
    std::vector<double> arriving(90, 0.0);
    for (int k0 : month_start) {
      for (int i = 0; i < n; ++i) {
        const int day = k0 + (28 * i) / n + 10;
        if (day < 90) arriving[day] += 100.0 / n;
      }
    }
    double inventory = 0.0, used[3] = {};
    int short_days = 0;
    for (int t = 0; t < 90; ++t) {
      inventory += arriving[t];
      const double take = inventory < 5.0 ? inventory : 5.0;
      inventory -= take;
      used[t < 31 ? 0 : t < 59 ? 1 : 2] += take;
      short_days += take < 5.0;
    }
    const std::uint64_t H1 = l.layout.H + 1;
    EXPECT_EQ(tally[l.layout.stockout_days + short_days], paths) << n << " tranches";
    EXPECT_EQ(tally[l.layout.stockout_days + 0 * H1 + short_days], paths);
    for (int k = 0; k < 3; ++k) {
      // Every tranche of a month leaves China within it (the last 21 days after its start).
      EXPECT_EQ(tally[l.layout.shipped_sum + k], paths * 100000u) << "month " << k;
      EXPECT_EQ(tally[l.layout.delivered_sum + k],
                paths * static_cast<std::uint64_t>(used[k] * 1000.0 + 0.5)) << "month " << k;
    }
    const Summary s = summarize(l.scenario, *l.spec, tally);
    EXPECT_DOUBLE_EQ(s.china_shipped_share_mean[1][0], 1.0);
    EXPECT_DOUBLE_EQ(s.delivered_mean_t[0][2], used[2]);
  }
}

// Licensing friction (docs/model.md §6 "Price multiplier"): the deficit term times the
// episode's price_premium, clamped to [1, cap]. China supplies about twice the demand, so the
// deficit term is 1 and the multiplier is the premium: 3 lies in price bin price_bin(3); a
// premium of 12 is clamped to the cap of 10; a regime without licensing has no premium.
TEST(MechanismTest, LicensingPremiumScalesThePriceMultiplier) {
  const auto text = [](const std::string& premium) {
    return std::string(R"(
[run]
start = "2027-01-01"
horizon_days = 59

[[material]]
name = "X"
china_baseline_t_per_year = 730
price_cap = 10

[[regime]]
name = "licensed"
licensing = true
licence_days = 0
approval = 1
throttle = { X = 1.0 }
)") + premium + R"(

[[segment]]
name = "seg"
demand_t_per_year = { X = 365 }
cover_days = 5
target_cover_days = 5
)";
  };
  for (const auto& [premium, expected] : {std::pair<std::string, double>{"price_premium = { X = 3.0 }", 3.0},
                                          {"price_premium = { X = 12.0 }", 10.0},
                                          {"", 1.0}}) {
    const auto l = load(text(premium));
    const std::uint64_t paths = 8;
    const auto tally = run_cpu(*l.spec, 5, paths);
    const int bin = price_bin(expected, 10.0, std::log(10.0));
    for (int k = 0; k < l.layout.K; ++k) {
      EXPECT_EQ(tally[l.layout.price_hist + static_cast<std::uint64_t>(k) * kPriceSlots + bin], paths)
          << premium << ", month " << k;
    }
  }
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// Flows that answer orders (docs/model.md §6): no licensing, no shipping time, demand 1 t/day
// from zero cover, target cover 30 days. January (31 days): orders = 31 t of use + 30 t to
// reach the target = 61 t; the pool keeps 31 t after the first allocation and gives 1 t a day,
// so February starts with 29 t held and 1 t in the pool: orders 28 + (30 - 29 - 1) = 28 t;
// March likewise 31 t. An export capacity of 480 t/yr caps January at 40 t. Without a
// capacity the request is the baseline (here 0).
std::string orders_scenario(const std::string& capacity) {
  return R"(
[run]
start = "2027-01-01"
horizon_days = 90

[[material]]
name = "X"
china_baseline_t_per_year = 0
)" + capacity + R"(

[[regime]]
name = "open"
throttle = { X = 1.0 }

[[segment]]
name = "seg"
demand_t_per_year = { X = 365 }
cover_days = 0
target_cover_days = 30
)";
}

TEST(MechanismTest, ChinaFlowAnswersOrdersUpToItsCapacity) {
  const std::uint64_t paths = 8;
  const auto shipped = [&](const std::string& capacity, int k) {
    const auto l = load(orders_scenario(capacity));
    return run_cpu(*l.spec, 2, paths)[l.layout.shipped_sum + k] / paths;
  };
  EXPECT_EQ(shipped("export_capacity_t_per_year = 1e6", 0), 61000u);
  EXPECT_EQ(shipped("export_capacity_t_per_year = 1e6", 1), 28000u);
  EXPECT_EQ(shipped("export_capacity_t_per_year = 1e6", 2), 31000u);
  EXPECT_EQ(shipped("export_capacity_t_per_year = 480", 0), 40000u);
  EXPECT_EQ(shipped("", 0), 0u);
}

// Orders cover the lead time: with 10 shipping days the inventory position's target is 30 days
// of cover plus 10 days of demand in the pipeline, so January orders 31 + 30 + 10 = 71 t. The
// 71 t arrive on day 10 and 21 t are used by 1 February, which starts with 50 t held and
// nothing on order: orders 28 + (30 + 10 - 50) -> 28 t, the month's use. Without the
// lead-time term a pipeline longer than the target cover would drain the inventory.
TEST(MechanismTest, OrdersCoverTheLeadTime) {
  const std::uint64_t paths = 8;
  const auto l = load(orders_scenario("export_capacity_t_per_year = 1e6\nshipping_days = 10"));
  const auto tally = run_cpu(*l.spec, 2, paths);
  EXPECT_EQ(tally[l.layout.shipped_sum + 0] / paths, 71000u);
  EXPECT_EQ(tally[l.layout.shipped_sum + 1] / paths, 28000u);
}

// Demand response (docs/model.md §6 "Segments and demand"): no supply, so every month's price
// multiplier is the cap, 10. With elasticity 1 and lag 1 month, February's demand is
// max(floor, 10^-1) of the base 1 t/day: 0.25 t/day with a floor of 0.25 (7 t over 28 days),
// 0.1 t/day with a floor of 0.05 (2.8 t); January, before any price is known, is unchanged.
TEST(MechanismTest, DemandRespondsToTheLaggedPriceWithinItsFloor) {
  const auto text = [](double floor) {
    return R"(
[run]
start = "2027-01-01"
horizon_days = 59

[[material]]
name = "X"
china_baseline_t_per_year = 0
price_cap = 10

[[regime]]
name = "open"
throttle = { X = 1.0 }

[[segment]]
name = "seg"
demand_t_per_year = { X = 365 }
cover_days = 1000
target_cover_days = 0
response_elasticity = 1
response_lag_months = 1
demand_floor_share = )" + std::to_string(floor) + "\n";
  };
  const std::uint64_t paths = 8;
  for (const auto& [floor, february_kg] : {std::pair<double, std::uint64_t>{0.25, 7000}, {0.05, 2800}}) {
    const auto l = load(text(floor));
    const auto tally = run_cpu(*l.spec, 4, paths);
    EXPECT_EQ(tally[l.layout.delivered_sum + 0], paths * 31000u) << floor;
    EXPECT_EQ(tally[l.layout.delivered_sum + 1], paths * february_kg) << floor;
  }
}

}  // namespace
}  // namespace rr
