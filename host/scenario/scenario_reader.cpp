// The sections that set up a run: [run], [[material]] and [sweep] (scenario_reader.hpp).
#include "scenario/scenario_reader.hpp"

#include <set>


namespace rr {

Scenario ScenarioReader::read() {
  Scenario sc;
  check_keys(root_, "the top level",
             {"run", "material", "regime", "event", "smuggling", "plant", "segment",
              "stockpile", "rare_event", "sweep"});
  read_run(sc);
  read_materials(sc);
  collect_names("regime", regime_names_);
  collect_names("segment", segment_names_);
  read_regimes(sc);
  read_events(sc);
  read_smuggling(sc);
  read_segments(sc);
  read_plants(sc);
  read_stockpile(sc);
  read_rare_event(sc);
  read_sweep(sc);
  if (sc.rare_event && sc.sweep) {
    fail(*root_.get("rare_event"), "[rare_event] with a [sweep]: a sweep's summaries and "
                                   "sensitivities are not weighted yet; allowed: one of the two "
                                   "(run each point with --set instead)");
  }
  check_cost_inputs(sc);
  return sc;
}

void ScenarioReader::check_cost_inputs(const Scenario& sc) {
  // Costs are asked for by any price or any shortfall cost; then every material a segment
  // uses needs its price (docs/model.md §6 "What a shortfall costs").
  bool asked = false;
  for (const auto& m : sc.materials) asked |= m.base_price_usd_per_kg.has_value();
  for (const auto& g : sc.segments) asked |= g.shortfall_cost_usd_per_t.has_value();
  if (!asked) return;
  const auto list = tables("material");
  for (size_t m = 0; m < sc.materials.size() && m < list.size(); ++m) {
    bool used = false;
    for (const auto& g : sc.segments) used |= m < g.demand_t_per_year.size() && g.demand_t_per_year[m] > 0;
    if (used && !sc.materials[m].base_price_usd_per_kg) {
      fail(*list[m], "material \"" + sc.materials[m].name +
                         "\" has no base_price_usd_per_kg; the cost outputs (asked for by a "
                         "base_price_usd_per_kg or shortfall_cost_usd_per_t elsewhere) need the "
                         "pre-control price of every material a segment uses");
    }
  }
}

void ScenarioReader::read_run(Scenario& sc) {
  const toml::table* run = table_at(root_, "run", true, "the scenario");
  if (!run) return;
  check_keys(*run, "[run]",
             {"start", "horizon_days", "paths", "seed", "allocation", "pipeline_at_start"});
  sc.pipeline_at_start =
      boolean(*run, "pipeline_at_start", "run.pipeline_at_start").value_or(false);
  if (auto d = date(*run, "start", "run.start")) {
    sc.start = d->first;
    sc.start_day = d->second;
  }
  sc.horizon_days = static_cast<std::int32_t>(
      integer(*run, "horizon_days", "run.horizon_days", true, 1, kMaxHorizonDays).value_or(1));
  horizon_ = sc.horizon_days;
  start_day_ = sc.start_day;
  sc.paths = static_cast<std::uint64_t>(
      integer(*run, "paths", "run.paths", false, 1, std::int64_t(1) << 62).value_or(100000));
  sc.seed = static_cast<std::uint64_t>(
      integer(*run, "seed", "run.seed", false, 0, INT64_MAX).value_or(1));
  if (auto a = string(*run, "allocation", "run.allocation", false)) {
    if (*a == "pro_rata") {
      sc.allocation = Allocation::kProRata;
    } else if (*a == "priority") {
      sc.allocation = Allocation::kPriority;
    } else {
      fail(*run->get("allocation"),
           "run.allocation \"" + *a + "\" is unknown; allowed: \"pro_rata\", \"priority\"");
    }
  }
}

void ScenarioReader::read_materials(Scenario& sc) {
  const auto list = tables("material");
  if (list.empty()) fail(root_, "no [[material]]: a scenario needs at least one material");
  if (list.size() > static_cast<size_t>(kMaxMaterials)) {
    fail(*root_.get("material"), "too many materials (" + std::to_string(list.size()) +
                                     "); allowed: at most " + std::to_string(kMaxMaterials));
  }
  std::set<std::string> seen;
  for (const toml::table* t : list) {
    check_keys(*t, "[[material]]", {"name", "china_baseline_t_per_year", "shipping_days",
                                    "shipments_per_month", "licence_lots", "export_capacity_t_per_year",
                                    "price_elasticity", "price_cap", "base_price_usd_per_kg"});
    MaterialConfig m;
    m.name = name_of(*t, "material");
    if (!m.name.empty() && !seen.insert(m.name).second) {
      fail(*t->get("name"), "duplicate material name \"" + m.name + "\"; names must be unique");
    }
    const std::string w = "material \"" + m.name + "\"";
    m.china_baseline_t_per_year = number(*t, "china_baseline_t_per_year", w + " china_baseline_t_per_year",
                                         true, 0, 1e7, "tonnes per year from 0 to 1e7").value_or(0);
    m.shipping_days = static_cast<std::int32_t>(
        integer(*t, "shipping_days", w + " shipping_days", false, 0, 3650).value_or(0));
    m.shipments_per_month = static_cast<std::int32_t>(
        integer(*t, "shipments_per_month", w + " shipments_per_month", false, 1, 28).value_or(1));
    m.licence_lots = static_cast<std::int32_t>(
        integer(*t, "licence_lots", w + " licence_lots", false, 1, kMaxLicenceLots).value_or(1));
    m.export_capacity_t_per_year =
        number(*t, "export_capacity_t_per_year", w + " export_capacity_t_per_year", false, 1e-6,
               1e7, "tonnes per year above 0, at most 1e7 (leave it out for a fixed baseline flow)")
            .value_or(0.0);
    m.price_elasticity = number(*t, "price_elasticity", w + " price_elasticity", false, 1e-6,
                                1e6, "a number > 0").value_or(1.0);
    m.price_cap = number(*t, "price_cap", w + " price_cap", false, 1.0, 1e6,
                         "a number >= 1").value_or(10.0);
    m.base_price_usd_per_kg = number(*t, "base_price_usd_per_kg", w + " base_price_usd_per_kg",
                                     false, 0, 1e9, "US dollars per kg from 0 to 1e9");
    sc.materials.push_back(m);
    material_names_.push_back(m.name);
  }
}

void ScenarioReader::read_sweep(Scenario& sc) {
  const toml::table* t = table_at(root_, "sweep", false, "the scenario");
  if (!t) return;
  check_keys(*t, "[sweep]", {"mode", "param", "points"});
  SweepConfig sw;
  sw.mode = string(*t, "mode", "sweep.mode", false).value_or("grid");
  if (sw.mode != "grid" && sw.mode != "list" && sw.mode != "sobol" && sw.mode != "lhs") {
    fail(*t->get("mode"), "sweep.mode \"" + sw.mode +
                              "\" is unknown; allowed: \"grid\", \"list\", \"sobol\", \"lhs\"");
  }
  // grid: the Cartesian product of the values; list: point i takes every param's i-th value.
  const bool grid = sw.mode == "grid" || sw.mode == "list";
  if (!grid) {
    sw.points = integer(*t, "points", "sweep.points", true, 1, 1000000).value_or(1);
  }
  const toml::node* pn = t->get("param");
  const toml::array* params = pn ? pn->as_array() : nullptr;
  if (!params || params->empty()) {
    fail(pn ? *pn : static_cast<const toml::node&>(*t),
         "[sweep] needs at least one [[sweep.param]] with a key and its values");
    sc.sweep = sw;
    return;
  }
  for (const toml::node& e : *params) {
    const toml::table* pt = e.as_table();
    if (!pt) {
      fail(e, "each sweep.param must be a table ([[sweep.param]])");
      continue;
    }
    SweepParam p;
    if (grid) {
      check_keys(*pt, "[[sweep.param]] (" + sw.mode + ")", {"key", "values"});
    } else {
      check_keys(*pt, "[[sweep.param]] (" + sw.mode + ")", {"key", "min", "max", "log"});
    }
    p.key = string(*pt, "key", "sweep.param.key", true).value_or("");
    if (p.key.empty()) continue;
    if (grid) {
      const toml::node* vn = pt->get("values");
      const toml::array* vals = vn ? vn->as_array() : nullptr;
      if (!vals || vals->empty()) {
        fail(vn ? *vn : static_cast<const toml::node&>(*pt),
             "sweep.param \"" + p.key + "\" needs values = [ ... ] (a non-empty list of numbers)");
      } else {
        for (const toml::node& v : *vals) {
          double x;
          if (number_of(v, "sweep value for \"" + p.key + "\"", x)) {
            p.values.push_back(x);
            sweep_values_.push_back({p.key, x, &v});
          }
        }
      }
    } else {
      p.min = number(*pt, "min", "sweep.param.min", true, -1e300, 1e300, "a finite number").value_or(0);
      p.max = number(*pt, "max", "sweep.param.max", true, -1e300, 1e300, "a finite number").value_or(0);
      p.log = boolean(*pt, "log", "sweep.param.log").value_or(false);
      if (p.min > p.max) fail(*pt, "sweep.param \"" + p.key + "\" needs min <= max");
      if (p.log && p.min <= 0) fail(*pt, "sweep.param \"" + p.key + "\" with log = true needs min > 0");
      if (pt->get("min")) sweep_values_.push_back({p.key, p.min, pt->get("min")});
      if (pt->get("max")) sweep_values_.push_back({p.key, p.max, pt->get("max")});
    }
    sweep_keys_.push_back({p.key, pt->get("key")});
    if (sw.mode == "list" && !sw.params.empty() && !p.values.empty() &&
        p.values.size() != sw.params.front().values.size()) {
      fail(*pt, "sweep.param \"" + p.key + "\" has " + std::to_string(p.values.size()) +
                    " values and \"" + sw.params.front().key + "\" has " +
                    std::to_string(sw.params.front().values.size()) +
                    "; allowed: in mode = \"list\", the same number for every param");
    }
    sw.params.push_back(p);
  }
  sc.sweep = sw;
}

}  // namespace rr
