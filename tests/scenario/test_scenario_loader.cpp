// Scenario validation: every class of invalid input is refused with file:line:column and a
// sentence saying what is allowed. The offending line of each case is marked "#BAD".
#include <string>

#include <gtest/gtest.h>

#include "errors.hpp"
#include "scenario/scenario_loader.hpp"

namespace rr {
namespace {

const char* kValid = R"(
[run]
start = "2026-11-10"
horizon_days = 400
paths = 1000
seed = 7
allocation = "priority"

[[material]]
name = "Dy"
china_baseline_t_per_year = 1200
shipping_days = 45

[[material]]
name = "Tb"
china_baseline_t_per_year = 400

[[regime]]
name = "truce"
initial_probability = 1.0
licensing = true
licence_days = { dist = "lognormal", median = 63, sigma = 0.5 }
approval = { dist = "beta", a = 8, b = 2 }
throttle = { Dy = { dist = "beta", a = 8, b = 3 }, Tb = 0.65 }
transition = { truce = 0.98, escalated = 0.02 }

[[regime]]
name = "escalated"
defense_allowed = false
throttle = { Dy = 0.05, Tb = 0.05 }
transition = { escalated = 0.95, truce = 0.05 }

[[event]]
date = "2026-11-10"
to = "escalated"
probability = 0.35

[smuggling]
leakage = { dist = "beta", a = 2, b = 50 }
interdiction = { dist = "beta", a = 3, b = 7 }
delay_days = 60

[[plant]]
name = "MP"
kind = "greenfield"
planned_start = "2026-07-01"
output_t_per_year = { Dy = 150, Tb = 50 }
delay_months = { dist = "lognormal", median = 15, sigma = 0.6 }
cancel_probability = 0.15
offtake = { us_defense = 0.5 }

[[segment]]
name = "us_defense"
defense = true
demand_t_per_year = { Dy = 30, Tb = 10 }
cover_days = { dist = "triangular", min = 60, mode = 90, max = 180 }
target_cover_days = 120

[[segment]]
name = "us_auto"
demand_t_per_year = { Dy = 300 }
cover_days = 56
target_cover_days = 90

[stockpile]
participants = ["us_defense", "us_auto"]
cover_days = 60
release_below_days = 14
max_release_t_per_day = { Dy = 2.0, Tb = 0.7 }
refill = true
)";

/// kValid with @p from replaced by @p to (which carries the #BAD marker).
std::string edit(const std::string& from, const std::string& to) {
  std::string s = kValid;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: '" << from << "' not in the base scenario";
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

int marked_line(const std::string& text) {
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 4, "#BAD") == 0) return line;
    if (text[i] == '\n') ++line;
  }
  return -1;
}

/// Expects the text to be refused with "test.toml:<marked line>:<column>: ..." containing
/// every fragment.
void expect_refused(const std::string& text, std::initializer_list<const char*> fragments) {
  const int line = marked_line(text);
  ASSERT_GT(line, 0) << "test bug: no #BAD marker";
  try {
    load_scenario_text(text, "test.toml");
    FAIL() << "scenario was accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("test.toml:" + std::to_string(line) + ":"), std::string::npos)
        << "message does not name line " << line << ":\n" << msg;
    for (const char* f : fragments) {
      EXPECT_NE(msg.find(f), std::string::npos) << "missing '" << f << "' in:\n" << msg;
    }
  }
}

TEST(ScenarioLoaderTest, AcceptsTheModelExample) {
  const Scenario sc = load_scenario_text(kValid, "test.toml");
  EXPECT_EQ(sc.materials.size(), 2u);
  EXPECT_EQ(sc.regimes.size(), 2u);
  EXPECT_EQ(sc.events[0].day, 0);
  EXPECT_EQ(sc.plants[0].planned_start_day, -132);  // 2026-07-01 is 132 days before start
  EXPECT_EQ(sc.segments[1].demand_t_per_year[1], 0.0);  // Tb not listed: no demand
  EXPECT_EQ(sc.allocation, Allocation::kPriority);
  EXPECT_TRUE(sc.stockpile.has_value());
}

TEST(ScenarioLoaderTest, UnknownKeys) {
  expect_refused(edit("seed = 7", "seed = 7\nsed = 8 #BAD"), {"unknown key \"sed\"", "allowed keys"});
  expect_refused(edit("[smuggling]", "[smugling] #BAD"), {"unknown key \"smugling\""});
  expect_refused(edit("defense = true", "defence = true #BAD"), {"unknown key \"defence\""});
  expect_refused(edit("median = 63, sigma = 0.5 }", "median = 63, sigma = 0.5, mean = 3 } #BAD"),
                 {"unknown key \"mean\""});
}

TEST(ScenarioLoaderTest, ShipmentsAndPricePremiums) {
  expect_refused(edit("shipping_days = 45", "shipping_days = 45\nshipments_per_month = 0 #BAD"),
                 {"shipments_per_month", "1", "28"});
  expect_refused(edit("transition = { truce = 0.98, escalated = 0.02 }",
                      "transition = { truce = 0.98, escalated = 0.02 }\n"
                      "price_premium = { Dy = -1 } #BAD"),
                 {"price_premium.Dy"});
  // A premium is licensing friction: refused where the regime does not license.
  expect_refused(edit("throttle = { Dy = 0.05, Tb = 0.05 }",
                      "throttle = { Dy = 0.05, Tb = 0.05 }\nprice_premium = { Dy = 2 } #BAD"),
                 {"no licensing", "licensing = true"});
}

TEST(ScenarioLoaderTest, LicenceDaysByMaterial) {
  const Scenario sc = load_scenario_text(
      edit("transition = { truce = 0.98, escalated = 0.02 }",
           "transition = { truce = 0.98, escalated = 0.02 }\nlicence_days_by_material = { Tb = 90 }"),
      "test.toml");
  ASSERT_EQ(sc.regimes[0].licence_days.size(), 2u);
  EXPECT_EQ(sc.regimes[0].licence_days[0].kind, DistKind::kLognormal);  // Dy: the regime's
  EXPECT_EQ(sc.regimes[0].licence_days[1].p0, 90.0);                    // Tb: its own
  expect_refused(edit("transition = { truce = 0.98, escalated = 0.02 }",
                      "transition = { truce = 0.98, escalated = 0.02 }\n"
                      "licence_days_by_material = { Sm = 90 } #BAD"),
                 {"unknown material \"Sm\"", "known: \"Dy\", \"Tb\""});
  expect_refused(edit("transition = { truce = 0.98, escalated = 0.02 }",
                      "transition = { truce = 0.98, escalated = 0.02 }\n"
                      "licence_days_by_material = { Tb = -1 } #BAD"),
                 {"licence_days_by_material.Tb"});
  expect_refused(edit("throttle = { Dy = 0.05, Tb = 0.05 }",
                      "throttle = { Dy = 0.05, Tb = 0.05 }\nlicence_days_by_material = { Dy = 9 } #BAD"),
                 {"no licensing", "licensing = true"});
}

TEST(ScenarioLoaderTest, LineStopFillIsAShare) {
  for (const char* bad : {"1.2", "-0.1"}) {
    expect_refused(edit("target_cover_days = 90",
                        std::string("target_cover_days = 90\nline_stop_fill = ") + bad + " #BAD"),
                   {"line_stop_fill", "allowed: a share of the day's demand in [0, 1]"});
  }
}

TEST(ScenarioLoaderTest, UnknownNames) {
  expect_refused(edit("to = \"escalated\"", "to = \"escalate\" #BAD"),
                 {"unknown regime \"escalate\"", "known: \"truce\", \"escalated\""});
  expect_refused(edit("transition = { truce = 0.98, escalated = 0.02 }",
                      "transition = { truce = 0.98, war = 0.02 } #BAD"),
                 {"unknown regime \"war\""});
  expect_refused(edit("offtake = { us_defense = 0.5 }", "offtake = { us_navy = 0.5 } #BAD"),
                 {"unknown segment \"us_navy\""});
  expect_refused(edit("participants = [\"us_defense\", \"us_auto\"]",
                      "participants = [\"us_defense\", \"eu_auto\"] #BAD"),
                 {"unknown segment \"eu_auto\""});
  expect_refused(edit("demand_t_per_year = { Dy = 300 }", "demand_t_per_year = { Nd = 300 } #BAD"),
                 {"unknown material \"Nd\"", "known: \"Dy\", \"Tb\""});
}

TEST(ScenarioLoaderTest, ProbabilitiesOutsideTheUnitInterval) {
  expect_refused(edit("probability = 0.35", "probability = 1.35 #BAD"),
                 {"probability", "allowed: a probability in [0, 1]"});
  expect_refused(edit("cancel_probability = 0.15", "cancel_probability = -0.1 #BAD"),
                 {"cancel_probability"});
  expect_refused(edit("Tb = 0.65 }", "Tb = 1.65 } #BAD"), {"must lie in [0, 1]"});
}

TEST(ScenarioLoaderTest, TransitionRowsMustSumToOne) {
  expect_refused(edit("transition = { escalated = 0.95, truce = 0.05 }",
                      "transition = { escalated = 0.95, truce = 0.06 } #BAD"),
                 {"sums to 1.01", "sum to 1 (within 1e-9)"});
}

TEST(ScenarioLoaderTest, InvalidDistributions) {
  expect_refused(edit("approval = { dist = \"beta\", a = 8, b = 2 }",
                      "approval = { dist = \"beta\", a = 0, b = 2 } #BAD"),
                 {"a must be > 0"});
  expect_refused(edit("sigma = 0.5 }", "sigma = -0.5 } #BAD"), {"sigma", "0 <= sigma"});
  expect_refused(edit("min = 60, mode = 90, max = 180", "min = 60, mode = 200, max = 180 } #BAD\n#"),
                 {"min <= mode <= max"});
  expect_refused(edit("delay_months = { dist = \"lognormal\", median = 15, sigma = 0.6 }",
                      "delay_months = { dist = \"gamma\", median = 15 } #BAD"),
                 {"unknown distribution \"gamma\"", "\"triangular\""});
  expect_refused(edit("leakage = { dist = \"beta\", a = 2, b = 50 }",
                      "leakage = { dist = \"lognormal\", median = 0.1, sigma = 1 } #BAD"),
                 {"a lognormal is unbounded"});
  expect_refused(edit("cover_days = 56", "cover_days = { dist = \"uniform\", min = -5, max = 10 } #BAD"),
                 {"must not go below 0"});
}

TEST(ScenarioLoaderTest, EventOutsideTheHorizon) {
  expect_refused(edit("date = \"2026-11-10\"", "date = \"2028-01-01\" #BAD"),
                 {"outside the horizon", "2026-11-10 to 2027-12-14"});
  expect_refused(edit("date = \"2026-11-10\"", "date = \"2026-11-09\" #BAD"), {"outside the horizon"});
}

TEST(ScenarioLoaderTest, NegativeTonnes) {
  expect_refused(edit("output_t_per_year = { Dy = 150, Tb = 50 }",
                      "output_t_per_year = { Dy = -150, Tb = 50 } #BAD"),
                 {"allowed: tonnes from 0"});
  expect_refused(edit("china_baseline_t_per_year = 400", "china_baseline_t_per_year = -4 #BAD"),
                 {"china_baseline_t_per_year"});
}

TEST(ScenarioLoaderTest, NoMaterials) {
  std::string s = kValid;
  // Drop both [[material]] tables; the refusal points at the top of the document.
  const auto a = s.find("[[material]]");
  const auto b = s.find("[[regime]]");
  s = "#BAD\n" + s.substr(0, a) + s.substr(b);
  try {
    load_scenario_text(s, "test.toml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("at least one material"), std::string::npos) << e.what();
  }
}

TEST(ScenarioLoaderTest, DuplicateNames) {
  expect_refused(edit("name = \"Tb\"", "name = \"Dy\" #BAD"), {"duplicate material name \"Dy\""});
  expect_refused(edit("name = \"us_auto\"", "name = \"us_defense\" #BAD"),
                 {"duplicate segment name \"us_defense\""});
}

TEST(ScenarioLoaderTest, OfftakeAboveOne) {
  expect_refused(edit("offtake = { us_defense = 0.5 }",
                      "offtake = { us_defense = 0.7, us_auto = 0.4 } #BAD"),
                 {"offtake shares sum to 1.1", "at most 1"});
}

TEST(ScenarioLoaderTest, NonFiniteNumbers) {
  expect_refused(edit("china_baseline_t_per_year = 1200", "china_baseline_t_per_year = nan #BAD"),
                 {"finite"});
  expect_refused(edit("target_cover_days = 90", "target_cover_days = inf #BAD"), {"finite"});
}

TEST(ScenarioLoaderTest, MissingThrottleForAMaterial) {
  expect_refused(edit("throttle = { Dy = 0.05, Tb = 0.05 }", "throttle = { Dy = 0.05 } #BAD"),
                 {"no throttle for material \"Tb\""});
}

TEST(ScenarioLoaderTest, BadDatesAndTypes) {
  expect_refused(edit("start = \"2026-11-10\"", "start = \"2026-02-30\" #BAD"),
                 {"not a valid date"});
  expect_refused(edit("horizon_days = 400", "horizon_days = 400.5 #BAD"), {"whole number"});
  expect_refused(edit("refill = true", "refill = \"yes\" #BAD"), {"true or false"});
  expect_refused(edit("allocation = \"priority\"", "allocation = \"fifo\" #BAD"),
                 {"\"pro_rata\", \"priority\""});
}

TEST(ScenarioLoaderTest, TomlSyntaxErrors) {
  expect_refused(edit("shipping_days = 45", "shipping_days = = 45 #BAD"), {"TOML syntax error"});
}

TEST(ScenarioLoaderTest, SweepKeysMustExistAndValuesMustBeValid) {
  const std::string sweep_ok =
      "\n[sweep]\nmode = \"grid\"\n[[sweep.param]]\nkey = \"stockpile.cover_days\"\n"
      "values = [0, 30, 60]\n[[sweep.param]]\nkey = \"segment.us_defense.cover_days.mode\"\n"
      "values = [70, 120]\n";
  const Scenario sc = load_scenario_text(std::string(kValid) + sweep_ok, "test.toml");
  ASSERT_TRUE(sc.sweep.has_value());
  EXPECT_EQ(sc.sweep->params.size(), 2u);

  expect_refused(std::string(kValid) +
                     "\n[sweep]\n[[sweep.param]]\nkey = \"stockpile.cover_dayz\" #BAD\nvalues = [1]\n",
                 {"cannot be swept", "\"stockpile.cover_dayz\" does not exist"});
  expect_refused(std::string(kValid) +
                     "\n[sweep]\n[[sweep.param]]\nkey = \"event.0.probability\"\n"
                     "values = [0.1,\n 1.5] #BAD\n",
                 {"sweep value 1.5", "invalid scenario", "probability in [0, 1]"});
  expect_refused(std::string(kValid) +
                     "\n[sweep]\n[[sweep.param]]\nkey = \"segment.us_defense.cover_days\" #BAD\n"
                     "values = [1]\n",
                 {"names a table"});
}

TEST(ScenarioLoaderTest, ListSweepsZipTheirValues) {
  const std::string list =
      "\n[sweep]\nmode = \"list\"\n[[sweep.param]]\nkey = \"stockpile.cover_days\"\n"
      "values = [0, 30, 60]\n[[sweep.param]]\nkey = \"event.0.probability\"\n"
      "values = [0.1, 0.2, 0.3]\n";
  const Scenario sc = load_scenario_text(std::string(kValid) + list, "test.toml");
  const auto points = grid_points(*sc.sweep);
  ASSERT_EQ(points.size(), 3u);  // zipped, not the 9 of a grid
  EXPECT_EQ(points[1], (std::vector<double>{30, 0.2}));
  expect_refused(std::string(kValid) +
                     "\n[sweep]\nmode = \"list\"\n[[sweep.param]]\nkey = \"stockpile.cover_days\"\n"
                     "values = [0, 30]\n[[sweep.param]] #BAD\nkey = \"event.0.probability\"\n"
                     "values = [0.1, 0.2, 0.3]\n",
                 {"has 3 values", "the same number for every param"});
  // Each point, not only each value, must give a valid scenario.
  expect_refused(std::string(kValid) +
                     "\n[sweep] #BAD\nmode = \"list\"\n[[sweep.param]]\n"
                     "key = \"segment.us_defense.cover_days.mode\"\nvalues = [100, 70]\n"
                     "[[sweep.param]]\nkey = \"segment.us_defense.cover_days.min\"\n"
                     "values = [65, 80]\n",
                 {"sweep point", "invalid scenario"});
}

TEST(ScenarioLoaderTest, ReportsEveryProblemAtOnce) {
  std::string s = edit("probability = 0.35", "probability = 2");
  s = s.replace(s.find("cancel_probability = 0.15"), 25, "cancel_probability = 3.00");
  try {
    load_scenario_text(s, "test.toml");
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("event 0 probability"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cancel_probability"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace rr
