// [rare_event]: the tilted laws of importance sampling (docs/model.md §10).
#include "scenario/scenario_reader.hpp"

#include <cmath>

namespace rr {
namespace {

/// Why a tilted probability @p q of an outcome the scenario gives probability @p p leaves the
/// likelihood ratio undefined, or "" when it does not: the tilted law must give every outcome
/// the scenario's law can produce a chance (q > 0 where p > 0).
std::string undefined_weight(double p, double q) {
  if (p > 0.0 && q == 0.0) {
    return "the tilt gives it probability 0 where the scenario gives " + fmt(p) +
           ", so paths that take it could not be weighted; allowed: a tilted probability > 0 "
           "wherever the scenario's is";
  }
  return "";
}

}  // namespace

void ScenarioReader::read_rare_event(Scenario& sc) {
  const toml::table* t = table_at(root_, "rare_event", false, "the scenario");
  if (!t) return;
  check_keys(*t, "[rare_event]", {"transition", "event_probability", "cancel_probability",
                                   "cover_days", "delay_months"});
  RareEventConfig re;
  re.transition.assign(sc.regimes.size(), {});
  re.event_probability.assign(sc.events.size(), std::nullopt);
  re.cancel_probability.assign(sc.plants.size(), std::nullopt);
  re.cover_days.assign(sc.segments.size(), std::nullopt);
  re.delay_months.assign(sc.plants.size(), std::nullopt);

  if (const toml::node* n = t->get("transition")) {
    const toml::table* rows = n->as_table();
    if (!rows) {
      fail(*n, "rare_event.transition must be a table of tilted rows keyed by regime name, "
               "e.g. { truce = { truce = 0.9, escalated = 0.1 } }");
    }
    static const toml::table kNone;
    for (auto&& [k, v] : rows ? *rows : kNone) {
      const std::string from(k.str());
      const int r = lookup(regime_names_, from, k.source(), "regime");
      if (r < 0 || static_cast<size_t>(r) >= sc.regimes.size()) continue;
      const std::string w = "rare_event.transition." + from;
      if (!v.is_table()) {
        fail(v, w + " must be a table of monthly probabilities keyed by regime name");
        continue;
      }
      std::vector<double> q(regime_names_.size(), 0.0);
      double sum = 0.0;
      for (auto&& [to, x] : *v.as_table()) {
        const std::string name(to.str());
        const int i = lookup(regime_names_, name, to.source(), "regime");
        double value;
        if (!number_of(x, w + "." + name, value) || i < 0) continue;
        if (value < 0.0 || value > 1.0) {
          fail(x, w + "." + name + " is " + fmt(value) + "; allowed: a probability in [0, 1]");
          continue;
        }
        q[i] = value;
        sum += value;
      }
      if (std::fabs(sum - 1.0) > 1e-9) {
        fail(v, w + " sums to " + fmt(sum) + "; allowed: probabilities that sum to 1 (within 1e-9)");
      }
      const std::vector<double>& p = sc.regimes[r].transition;
      if (!sc.regimes[r].has_transition) {
        fail(v, w + " tilts the row of regime \"" + from + "\", which has no transition (it is "
                    "absorbing); allowed: rows of regimes that give a transition");
        continue;
      }
      for (size_t j = 0; j < q.size() && j < p.size(); ++j) {
        const std::string why = undefined_weight(p[j], q[j]);
        if (!why.empty()) fail(v, w + "." + regime_names_[j] + ": " + why);
      }
      re.transition[r] = q;
    }
  }

  // A table keyed by event, plant or segment name: each(index or -1, value, what) per entry.
  const auto each_named = [&](const char* key, const char* kind, const char* values,
                              const std::vector<std::string>& names, auto each) {
    const toml::node* n = t->get(key);
    if (!n) return;
    const std::string w = std::string("rare_event.") + key;
    const toml::table* tbl = n->as_table();
    if (!tbl) {
      fail(*n, w + " must be a table of " + values + " keyed by " + kind + " name");
      return;
    }
    for (auto&& [k, v] : *tbl) {
      const std::string name(k.str());
      each(lookup(names, name, k.source(), kind), v, w + "." + name);
    }
  };

  // Events and plants: a tilted probability of a yes/no draw.
  const auto read_probability = [&](auto scenario_p, std::vector<std::optional<double>>& out) {
    return [&, scenario_p](int i, const toml::node& v, const std::string& w) {
      double q;
      if (!number_of(v, w, q) || i < 0) return;
      if (q < 0.0 || q > 1.0) {
        fail(v, w + " is " + fmt(q) + "; allowed: a probability in [0, 1]");
        return;
      }
      const double p = scenario_p(i);
      std::string why = undefined_weight(p, q);
      if (why.empty()) why = undefined_weight(1.0 - p, 1.0 - q);  // the "no" outcome
      if (!why.empty()) fail(v, w + " = " + fmt(q) + ": " + why);
      out[i] = q;
    };
  };
  std::vector<std::string> event_names, plant_names, segment_names;
  for (const auto& e : sc.events) event_names.push_back(e.name);
  for (const auto& p : sc.plants) plant_names.push_back(p.name);
  for (const auto& g : sc.segments) segment_names.push_back(g.name);
  each_named("event_probability", "event", "probabilities", event_names,
             read_probability([&](int i) { return sc.events[i].probability; }, re.event_probability));
  each_named("cancel_probability", "plant", "probabilities", plant_names,
             read_probability([&](int i) { return sc.plants[i].cancel_probability; },
                              re.cancel_probability));

  // Segments' covers and plants' delays: a tilted distribution of the same family and support.
  const auto read_law = [&](auto scenario_law, std::vector<std::optional<Dist>>& out) {
    return [&, scenario_law](int i, const toml::node& v, const std::string& w) {
      const Dist q = dist(v, w, Support::kNonNegative);
      if (i < 0) return;
      const Dist p = scenario_law(i);
      const bool lognormals = p.kind == DistKind::kLognormal && q.kind == DistKind::kLognormal &&
                              p.p1 > 0.0 && q.p1 > 0.0;
      const bool triangulars = p.kind == DistKind::kTriangular &&
                               q.kind == DistKind::kTriangular && p.p0 < p.p2 &&
                               q.p0 == p.p0 && q.p2 == p.p2;
      if (!lognormals && !triangulars) {
        fail(v, w + " cannot tilt the scenario's law of it; allowed: a lognormal (sigma > 0) "
                    "where the scenario's is a lognormal with sigma > 0, or a triangular with "
                    "the scenario's min and max (" + fmt(p.p0) + ", " + fmt(p.p2) + ") where it "
                    "is a triangular, so that the likelihood ratio is defined wherever the "
                    "scenario's law has mass");
        return;
      }
      out[i] = q;
    };
  };
  each_named("cover_days", "segment", "distributions", segment_names,
             read_law([&](int i) { return sc.segments[i].cover_days; }, re.cover_days));
  each_named("delay_months", "plant", "distributions", plant_names,
             read_law([&](int i) { return sc.plants[i].delay_months; }, re.delay_months));
  sc.rare_event = std::move(re);
}

}  // namespace rr
