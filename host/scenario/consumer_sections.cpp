// The consumers of a scenario: segments and the strategic stockpile.
#include "scenario/scenario_reader.hpp"

#include <set>

namespace rr {

void ScenarioReader::read_segments(Scenario& sc) {
  const auto list = tables("segment");
  if (list.empty()) fail(root_, "no [[segment]]: a scenario needs at least one consumer segment");
  if (list.size() > static_cast<size_t>(kMaxSegments)) {
    fail(*root_.get("segment"), "too many segments (" + std::to_string(list.size()) +
                                    "); allowed: at most " + std::to_string(kMaxSegments));
  }
  for (const toml::table* t : list) {
    check_keys(*t, "[[segment]]", {"name", "defense", "china_licences", "priority", "demand_t_per_year",
                                   "demand_cv", "cover_days", "target_cover_days",
                                   "response_elasticity", "demand_floor_share",
                                   "response_lag_months", "line_stop_fill",
                                   "shortfall_cost_usd_per_t"});
    SegmentConfig s;
    s.name = name_of(*t, "segment");
    const std::string w = "segment \"" + s.name + "\"";
    s.defense = boolean(*t, "defense", w + " defense").value_or(false);
    s.china_licences = boolean(*t, "china_licences", w + " china_licences").value_or(true);
    s.priority = static_cast<std::int32_t>(
        integer(*t, "priority", w + " priority", false, 0, 1000000).value_or(1));
    s.demand_t_per_year = per_material<double>(
        *t, "demand_t_per_year", w + " demand_t_per_year", true, 0.0,
        [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
    s.demand_cv = number(*t, "demand_cv", w + " demand_cv", false, 0, 10,
                         "a coefficient of variation from 0 to 10").value_or(0);
    s.cover_days = dist(*t, "cover_days", w + " cover_days", Support::kNonNegative, true);
    s.target_cover_days = number(*t, "target_cover_days", w + " target_cover_days", true, 0,
                                 36500, "days from 0 to 36500").value_or(0);
    s.response_elasticity = number(*t, "response_elasticity", w + " response_elasticity", false,
                                   0, 10, "an elasticity from 0 (no response) to 10").value_or(0);
    s.demand_floor_share = number(*t, "demand_floor_share", w + " demand_floor_share", false, 0,
                                  1, "a share of base demand in [0, 1]").value_or(0);
    s.response_lag_months = static_cast<std::int32_t>(
        integer(*t, "response_lag_months", w + " response_lag_months", false, 1,
                kMaxResponseLag).value_or(3));
    s.line_stop_fill = number(*t, "line_stop_fill", w + " line_stop_fill", false, 0, 1,
                              "a share of the day's demand in [0, 1]").value_or(0.8);
    s.shortfall_cost_usd_per_t = number(*t, "shortfall_cost_usd_per_t",
                                        w + " shortfall_cost_usd_per_t", false, 0, 1e12,
                                        "US dollars per tonne from 0 to 1e12");
    sc.segments.push_back(s);
  }
}

void ScenarioReader::read_stockpile(Scenario& sc) {
  const toml::table* t = table_at(root_, "stockpile", false, "the scenario");
  if (!t) return;
  check_keys(*t, "[stockpile]", {"participants", "cover_days", "release_below_days",
                                 "max_release_t_per_day", "refill"});
  StockpileConfig sp;
  const toml::node* parts = t->get("participants");
  if (!parts) {
    fail(*t, "missing \"participants\" (stockpile.participants, a list of segment names)");
  } else if (const toml::array* arr = parts->as_array()) {
    std::set<int> seen;
    for (const toml::node& e : *arr) {
      if (!e.is_string()) {
        fail(e, "stockpile.participants must list segment names (strings)");
        continue;
      }
      const int s = lookup(segment_names_, e.as_string()->get(), e.source(), "segment");
      if (s >= 0 && seen.insert(s).second) sp.participants.push_back(s);
    }
    if (arr->empty()) fail(*parts, "stockpile.participants is empty; name at least one segment");
  } else {
    fail(*parts, "stockpile.participants must be a list of segment names");
  }
  // One number for every material, or a table with one entry per material (what
  // `reerisk size` answers).
  if (const toml::node* c = t->get("cover_days"); c && c->is_table()) {
    sp.cover_days = per_material<double>(
        *t, "cover_days", "stockpile.cover_days", true, -1.0,
        [&](const toml::node& v, const std::string& what) {
          double x = 0;
          if (!number_of(v, what, x)) return 0.0;
          if (x < 0 || x > 36500) fail(v, what + " is " + fmt(x) + "; allowed: days from 0 to 36500");
          return x;
        });
    for (size_t m = 0; m < sp.cover_days.size(); ++m) {
      if (sp.cover_days[m] < 0) {
        fail(*c, "stockpile.cover_days has no entry for material \"" + material_names_[m] +
                     "\"; give one for every material, or one number for all");
        sp.cover_days[m] = 0;
      }
    }
  } else {
    sp.cover_days.assign(material_names_.size(),
                         number(*t, "cover_days", "stockpile.cover_days", true, 0, 36500,
                                "days from 0 to 36500 (or a table keyed by material)")
                             .value_or(0));
  }
  sp.release_below_days = number(*t, "release_below_days", "stockpile.release_below_days",
                                 false, 0, 36500, "days from 0 to 36500").value_or(0);
  sp.max_release_t_per_day = per_material<double>(
      *t, "max_release_t_per_day", "stockpile.max_release_t_per_day", true, -1.0,
      [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
  if (t->get("max_release_t_per_day") && t->get("max_release_t_per_day")->is_table()) {
    for (size_t m = 0; m < sp.max_release_t_per_day.size(); ++m) {
      if (sp.max_release_t_per_day[m] < 0) {
        fail(*t->get("max_release_t_per_day"),
             "stockpile.max_release_t_per_day has no entry for material \"" +
                 material_names_[m] + "\"; give one for every material (0 = never released)");
        sp.max_release_t_per_day[m] = 0;
      }
    }
  }
  sp.refill = boolean(*t, "refill", "stockpile.refill").value_or(false);
  sc.stockpile = sp;
}

}  // namespace rr
