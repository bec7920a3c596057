// The supply side of a scenario: control regimes, scheduled events, smuggling and plants.
#include "scenario/scenario_reader.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "scenario/calendar.hpp"

namespace rr {

void ScenarioReader::read_regimes(Scenario& sc) {
  const auto list = tables("regime");
  if (list.empty()) fail(root_, "no [[regime]]: a scenario needs at least one control regime");
  if (list.size() > static_cast<size_t>(kMaxRegimes)) {
    fail(*root_.get("regime"), "too many regimes (" + std::to_string(list.size()) +
                                   "); allowed: at most " + std::to_string(kMaxRegimes));
  }
  double initial_sum = 0;
  bool any_initial = false;
  for (const toml::table* t : list) {
    check_keys(*t, "[[regime]]", {"name", "initial_probability", "defense_allowed", "licensing",
                                  "licence_days", "licence_days_by_material", "approval",
                                  "throttle", "price_premium", "transition"});
    RegimeConfig r;
    r.name = name_of(*t, "regime");
    const std::string w = "regime \"" + r.name + "\"";
    r.initial_probability = number(*t, "initial_probability", w + " initial_probability", false,
                                   0, 1, "a probability in [0, 1]");
    if (r.initial_probability) {
      any_initial = true;
      initial_sum += *r.initial_probability;
    }
    r.defense_allowed = boolean(*t, "defense_allowed", w + " defense_allowed").value_or(true);
    r.licensing = boolean(*t, "licensing", w + " licensing").value_or(false);
    const Dist licence_days = dist(*t, "licence_days", w + " licence_days", Support::kNonNegative,
                                   r.licensing);
    // A material whose licences take their own time (docs/model.md §6 "China batches").
    r.licence_days = per_material<Dist>(*t, "licence_days_by_material",
                                        w + " licence_days_by_material", false, licence_days,
                                        [&](const toml::node& v, const std::string& what) {
                                          return dist(v, what, Support::kNonNegative);
                                        });
    if (t->get("licence_days_by_material") && !r.licensing) {
      fail(*t->get("licence_days_by_material"),
           w + " gives licence_days_by_material but has no licensing; allowed: only with licensing = true");
    }
    r.approval = dist(*t, "approval", w + " approval", Support::kUnit, r.licensing,
                      Dist{DistKind::kFixed, 1.0});
    r.throttle = per_material<Dist>(*t, "throttle", w + " throttle", true,
                                    Dist{DistKind::kFixed, -1.0},
                                    [&](const toml::node& v, const std::string& what) {
                                      return dist(v, what, Support::kUnit);
                                    });
    if (t->get("throttle") && t->get("throttle")->is_table()) {
      for (size_t m = 0; m < r.throttle.size(); ++m) {
        if (r.throttle[m].kind == DistKind::kFixed && r.throttle[m].p0 == -1.0) {
          fail(*t->get("throttle"), w + " has no throttle for material \"" + material_names_[m] +
                                        "\"; give one for every material (1.0 = no throttle)");
        }
      }
    }
    // A price factor of licensing friction (docs/model.md §6 "Price"); it needs licensing.
    r.price_premium = per_material<Dist>(*t, "price_premium", w + " price_premium", false,
                                         Dist{DistKind::kFixed, 1.0},
                                         [&](const toml::node& v, const std::string& what) {
                                           return dist(v, what, Support::kNonNegative);
                                         });
    if (t->get("price_premium") && !r.licensing) {
      fail(*t->get("price_premium"), w + " gives a price_premium but has no licensing; allowed: "
                                         "a price_premium only where licensing = true");
    }
    r.has_transition = t->get("transition") != nullptr;
    r.transition = shares_by_name(*t, "transition", regime_names_, "regime", w + " transition",
                                  "a probability in [0, 1]", "monthly probabilities",
                                  [&](const toml::node& n, double sum) {
                                    if (std::fabs(sum - 1.0) > 1e-9) {
                                      fail(n, w + " transition row sums to " + fmt(sum) +
                                                  "; allowed: probabilities that sum to 1 "
                                                  "(within 1e-9)");
                                    }
                                  });
    sc.regimes.push_back(r);
  }
  if (any_initial && std::fabs(initial_sum - 1.0) > 1e-9) {
    fail(*list.front(), "initial_probability over all regimes sums to " + fmt(initial_sum) +
                            "; allowed: a sum of 1 (within 1e-9), or none given (first regime)");
  }
}

void ScenarioReader::read_events(Scenario& sc) {
  const auto list = tables("event");
  if (list.size() > static_cast<size_t>(kMaxEvents)) {
    fail(*root_.get("event"), "too many events (" + std::to_string(list.size()) +
                                  "); allowed: at most " + std::to_string(kMaxEvents));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const toml::table& t = *list[i];
    check_keys(t, "[[event]]", {"name", "date", "to", "probability"});
    EventConfig e;
    // A name is optional; it lets a scenario that extends this one change or drop the event.
    if (t.get("name")) {
      e.name = name_of(t, "event");
      if (!e.name.empty() && !seen.insert(e.name).second) {
        fail(*t.get("name"), "duplicate event name \"" + e.name + "\"; names must be unique");
      }
    }
    const std::string w = e.name.empty() ? "event " + std::to_string(i) : "event \"" + e.name + "\"";
    if (auto d = date(t, "date", w + " date")) {
      e.date = d->first;
      e.day = d->second - start_day_;
      if (e.day < 0 || e.day >= horizon_) {
        fail(*t.get("date"), w + " date " + e.date + " lies outside the horizon; allowed: " +
                                 iso_date(start_day_) + " to " +
                                 iso_date(start_day_ + horizon_ - 1));
      }
    }
    if (auto to = string(t, "to", w + " to (a regime name)", true)) {
      e.to = std::max(0, lookup(regime_names_, *to, t.get("to")->source(), "regime"));
    }
    e.probability = number(t, "probability", w + " probability", false, 0, 1,
                           "a probability in [0, 1]").value_or(1.0);
    sc.events.push_back(e);
  }
}

void ScenarioReader::read_smuggling(Scenario& sc) {
  const toml::table* t = table_at(root_, "smuggling", false, "the scenario");
  if (!t) return;
  check_keys(*t, "[smuggling]", {"leakage", "interdiction", "delay_days"});
  sc.smuggling.leakage = dist(*t, "leakage", "smuggling.leakage", Support::kUnit, false);
  sc.smuggling.interdiction =
      dist(*t, "interdiction", "smuggling.interdiction", Support::kUnit, false);
  sc.smuggling.delay_days = static_cast<std::int32_t>(
      integer(*t, "delay_days", "smuggling.delay_days", false, 0, 3650).value_or(0));
}

void ScenarioReader::read_plants(Scenario& sc) {
  const auto list = tables("plant");
  if (list.size() > static_cast<size_t>(kMaxPlants)) {
    fail(*root_.get("plant"), "too many plants (" + std::to_string(list.size()) +
                                  "); allowed: at most " + std::to_string(kMaxPlants));
  }
  std::set<std::string> seen;
  for (const toml::table* t : list) {
    check_keys(*t, "[[plant]]", {"name", "kind", "planned_start", "output_t_per_year",
                                 "delay_months", "cancel_probability", "ramp_months",
                                 "first_year_cap", "outage_probability_per_month",
                                 "outage_days", "offtake"});
    PlantConfig p;
    p.name = name_of(*t, "plant");
    if (!p.name.empty() && !seen.insert(p.name).second) {
      fail(*t->get("name"), "duplicate plant name \"" + p.name + "\"; names must be unique");
    }
    const std::string w = "plant \"" + p.name + "\"";
    if (auto k = string(*t, "kind", w + " kind", false)) {
      if (*k != "greenfield" && *k != "brownfield") {
        fail(*t->get("kind"), w + " kind \"" + *k + "\" is unknown; allowed: \"greenfield\", \"brownfield\"");
      }
      p.kind = *k;
    }
    if (auto d = date(*t, "planned_start", w + " planned_start")) {
      p.planned_start = d->first;
      p.planned_start_day = d->second - start_day_;
    }
    p.output_t_per_year = per_material<double>(
        *t, "output_t_per_year", w + " output_t_per_year", true, 0.0,
        [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
    p.delay_months = dist(*t, "delay_months", w + " delay_months", Support::kNonNegative, false);
    p.cancel_probability = number(*t, "cancel_probability", w + " cancel_probability", false,
                                  0, 1, "a probability in [0, 1]").value_or(0);
    p.ramp_months = dist(*t, "ramp_months", w + " ramp_months", Support::kNonNegative, false);
    p.first_year_cap = number(*t, "first_year_cap", w + " first_year_cap", false, 0, 1,
                              "a share of nameplate in [0, 1]").value_or(1.0);
    p.outage_probability_per_month =
        number(*t, "outage_probability_per_month", w + " outage_probability_per_month", false,
               0, 1, "a probability in [0, 1]").value_or(0);
    p.outage_days = dist(*t, "outage_days", w + " outage_days", Support::kNonNegative, false);
    p.offtake = shares_by_name(*t, "offtake", segment_names_, "segment", w + " offtake",
                               "a share in [0, 1]", "shares",
                               [&](const toml::node& n, double sum) {
                                 if (sum > 1.0 + 1e-9) {
                                   fail(n, w + " offtake shares sum to " + fmt(sum) +
                                               "; allowed: a total of at most 1 (the rest "
                                               "goes to the open market)");
                                 }
                               });
    sc.plants.push_back(p);
  }
}

}  // namespace rr
