#include "scenario/model_spec_builder.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "reerisk/allocation.hpp"
#include "scenario/calendar.hpp"
#include "errors.hpp"

namespace rr {
namespace {

/// p / q, the weight of an outcome drawn with tilted probability q that the scenario gives p;
/// 0 where q = 0 (the outcome is never drawn; the loader refused q = 0 where p > 0).
double likelihood_ratio(double p, double q) { return q > 0.0 ? p / q : 0.0; }

}  // namespace

std::unique_ptr<ModelSpec> build_model_spec(const Scenario& sc) {
  auto spec = std::make_unique<ModelSpec>();
  ModelSpec& s = *spec;
  // Importance sampling ([rare_event]): the tilted laws replace the scenario's below, and each
  // tilted outcome carries its likelihood ratio (docs/model.md §10).
  const RareEventConfig* tilt = sc.rare_event ? &*sc.rare_event : nullptr;
  s.importance_sampling = tilt != nullptr;
  const auto months = month_start_days(sc.start_day, sc.horizon_days);
  if (months.size() > static_cast<size_t>(kMaxMonths)) {
    throw InputError(sc.source_name + ": horizon spans " + std::to_string(months.size()) +
                     " months; at most " + std::to_string(kMaxMonths) + " are supported");
  }
  s.horizon_days = sc.horizon_days;
  s.n_materials = static_cast<std::int32_t>(sc.materials.size());
  s.n_segments = static_cast<std::int32_t>(sc.segments.size());
  s.n_plants = static_cast<std::int32_t>(sc.plants.size());
  s.n_regimes = static_cast<std::int32_t>(sc.regimes.size());
  s.n_events = static_cast<std::int32_t>(sc.events.size());
  s.n_months = static_cast<std::int32_t>(months.size());
  s.allocation = sc.allocation;
  std::copy(months.begin(), months.end(), s.month_start_day);
  // The calendar 32 days further on holds the same month starts and then, within 31 days of
  // the horizon, the next one.
  s.last_month_end_day = month_start_days(sc.start_day, sc.horizon_days + 32)[months.size()];
  if (sc.pipeline_at_start) {
    const auto before = month_starts_before(sc.start_day, kMaxPipelineMonths);
    s.pipeline_at_start = true;
    s.n_pipeline_months = kMaxPipelineMonths;
    std::copy(before.begin(), before.end(), s.pipeline_month_start_day);
  }

  for (int m = 0; m < s.n_materials; ++m) {
    const MaterialConfig& mat = sc.materials[m];
    s.china_t_per_month[m] = mat.china_baseline_t_per_year / 12.0;
    s.shipping_days[m] = mat.shipping_days;
    s.shipments_per_month[m] = mat.shipments_per_month;
    s.licence_lots[m] = mat.licence_lots;
    s.china_capacity_t_per_month[m] = mat.export_capacity_t_per_year / 12.0;
    s.any_orders = s.any_orders || mat.export_capacity_t_per_year > 0.0;
    s.price_elasticity[m] = mat.price_elasticity;
    s.price_cap[m] = mat.price_cap;
    s.base_price_usd_per_t[m] = mat.base_price_usd_per_kg.value_or(0.0) * 1000.0;
    s.costs = s.costs || mat.base_price_usd_per_kg.has_value();
  }

  const bool any_initial = std::any_of(sc.regimes.begin(), sc.regimes.end(),
                                       [](const RegimeConfig& r) { return r.initial_probability.has_value(); });
  for (int r = 0; r < s.n_regimes; ++r) {
    const RegimeConfig& rc = sc.regimes[r];
    RegimeSpec& rs = s.regimes[r];
    rs.licensing = rc.licensing;
    rs.defense_allowed = rc.defense_allowed;
    rs.approval = rc.approval;
    for (int m = 0; m < s.n_materials; ++m) {
      rs.licence_days[m] = rc.licence_days[m];
      rs.mean_licence_days[m] = rc.licensing ? dist_mean(rc.licence_days[m]) : 0.0;
      rs.throttle[m] = rc.throttle[m];
      rs.price_premium[m] = m < static_cast<int>(rc.price_premium.size())
                                ? rc.price_premium[m] : Dist{DistKind::kFixed, 1.0};
    }
    // A regime without a transition row is absorbing.
    for (int j = 0; j < s.n_regimes; ++j) {
      rs.transition[j] = rc.has_transition ? rc.transition[j] : (j == r ? 1.0 : 0.0);
    }
    if (tilt && !tilt->transition[r].empty()) {
      for (int j = 0; j < s.n_regimes; ++j) {
        rs.transition_weight[j] = likelihood_ratio(rs.transition[j], tilt->transition[r][j]);
        rs.transition[j] = tilt->transition[r][j];
      }
    }
    rs.initial_probability =
        any_initial ? rc.initial_probability.value_or(0.0) : (r == 0 ? 1.0 : 0.0);
  }

  // Events fire in date order; same-day events in file order (stable sort).
  std::vector<int> order(sc.events.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return sc.events[a].day < sc.events[b].day; });
  for (int i = 0; i < s.n_events; ++i) {
    const EventConfig& e = sc.events[order[i]];
    s.events[i].day = static_cast<std::int32_t>(e.day);
    s.events[i].to_regime = e.to;
    s.events[i].probability = e.probability;
    if (tilt && tilt->event_probability[order[i]]) {
      const double q = *tilt->event_probability[order[i]];
      s.events[i].weight_if_jump = likelihood_ratio(e.probability, q);
      s.events[i].weight_if_stay = likelihood_ratio(1.0 - e.probability, 1.0 - q);
      s.events[i].probability = q;
    }
  }

  s.leakage = sc.smuggling.leakage;
  s.interdiction = sc.smuggling.interdiction;
  s.smuggling_delay_days = sc.smuggling.delay_days;

  for (int p = 0; p < s.n_plants; ++p) {
    const PlantConfig& pc = sc.plants[p];
    PlantSpec& ps = s.plants[p];
    for (int m = 0; m < s.n_materials; ++m) ps.output_t_per_day[m] = pc.output_t_per_year[m] / 365.0;
    ps.planned_start_day = static_cast<double>(pc.planned_start_day);
    ps.delay_months = pc.delay_months;
    if (tilt && tilt->delay_months[p]) {
      ps.delay_tilted = true;
      ps.delay_months_untilted = pc.delay_months;
      ps.delay_months = *tilt->delay_months[p];
    }
    ps.cancel_probability = pc.cancel_probability;
    if (tilt && tilt->cancel_probability[p]) {
      const double q = *tilt->cancel_probability[p];
      ps.weight_if_cancelled = likelihood_ratio(pc.cancel_probability, q);
      ps.weight_if_built = likelihood_ratio(1.0 - pc.cancel_probability, 1.0 - q);
      ps.cancel_probability = q;
    }
    ps.ramp_months = pc.ramp_months;
    ps.first_year_cap = pc.first_year_cap;
    ps.outage_probability_per_month = pc.outage_probability_per_month;
    ps.outage_days = pc.outage_days;
    for (int g = 0; g < s.n_segments; ++g) ps.offtake[g] = pc.offtake[g];
  }

  for (int g = 0; g < s.n_segments; ++g) {
    const SegmentConfig& gc = sc.segments[g];
    SegmentSpec& gs = s.segments[g];
    gs.defense = gc.defense;
    gs.priority = gc.priority;
    for (int m = 0; m < s.n_materials; ++m) gs.demand_t_per_day[m] = gc.demand_t_per_year[m] / 365.0;
    gs.demand_cv = gc.demand_cv;
    gs.cover_days = gc.cover_days;
    if (tilt && tilt->cover_days[g]) {
      gs.cover_tilted = true;
      gs.cover_days_untilted = gc.cover_days;
      gs.cover_days = *tilt->cover_days[g];
    }
    gs.target_cover_days = gc.target_cover_days;
    gs.line_stop_fill = gc.line_stop_fill;
    gs.shortfall_cost_usd_per_t = gc.shortfall_cost_usd_per_t.value_or(0.0);
    s.costs = s.costs || gc.shortfall_cost_usd_per_t.has_value();
    gs.response_elasticity = gc.response_elasticity;
    gs.demand_floor_share = gc.demand_floor_share;
    gs.response_lag_months = gc.response_lag_months;
    s.any_demand_response = s.any_demand_response || gc.response_elasticity > 0.0;
  }

  if (sc.stockpile) {
    const StockpileConfig& sp = *sc.stockpile;
    s.has_stockpile = true;
    s.stockpile_release_below_days = sp.release_below_days;
    for (int m = 0; m < s.n_materials; ++m) {
      s.stockpile_max_release_t_per_day[m] = sp.max_release_t_per_day[m];
    }
    s.stockpile_refill = sp.refill;
    for (int g : sp.participants) s.segments[g].stockpile_participant = true;
    for (int m = 0; m < s.n_materials; ++m) {
      double ceiling = 0.0;  // the kernel's former sum, term by term: the same bits
      for (int g = 0; g < s.n_segments; ++g) {
        if (s.segments[g].stockpile_participant) {
          ceiling += sp.cover_days[m] * s.segments[g].demand_t_per_day[m];
        }
      }
      s.stockpile_ceiling_t[m] = ceiling;
    }
  }
  // Derived lookup lists.
  std::int32_t priority[kMaxSegments] = {};
  for (int g = 0; g < s.n_segments; ++g) priority[g] = s.segments[g].priority;
  s.allocation_order = make_allocation_order(s.allocation, priority, s.n_segments);
  for (int m = 0; m < s.n_materials; ++m) {
    for (int p = 0; p < s.n_plants; ++p) {
      if (s.plants[p].output_t_per_day[m] > 0.0) s.producers[m][s.n_producers[m]++] = p;
    }
  }
  for (int p = 0; p < s.n_plants; ++p) {
    for (int g = 0; g < s.n_segments; ++g) {
      if (s.plants[p].offtake[g] > 0.0) s.offtakers[p][s.n_offtakers[p]++] = g;
    }
  }
  for (int g = 0; g < s.n_segments; ++g) {
    const SegmentSpec& seg = s.segments[g];
    for (int m = 0; m < s.n_materials; ++m) {
      s.demand_t[m][g] = seg.demand_t_per_day[m];
      s.target_t[m][g] = seg.target_cover_days * seg.demand_t_per_day[m];
      s.release_trigger_t[m][g] = s.has_stockpile && seg.stockpile_participant
                                      ? s.stockpile_release_below_days * seg.demand_t_per_day[m]
                                      : 0.0;
    }
    const double cv = seg.demand_cv;
    const double sigma = cv > 0.0 ? std::sqrt(std::log1p(cv * cv)) : 0.0;
    s.demand_sigma[g] = static_cast<float>(sigma);
    s.demand_drift[g] = static_cast<float>(0.5 * sigma * sigma);
    s.any_demand_noise = s.any_demand_noise || sigma > 0.0;
    for (int r = 0; r < s.n_regimes; ++r) {
      s.eligible[r][0][g] = !seg.defense;                                  // smuggled
      s.eligible[r][1][g] = sc.segments[g].china_licences &&                // China legal
                            (!seg.defense || s.regimes[r].defense_allowed);
      s.eligible[r][2][g] = true;                                          // non-China
    }
    for (int b = 0; b < kPoolBuckets; ++b) {
      int yes = 0;
      for (int r = 0; r < s.n_regimes; ++r) yes += s.eligible[r][b][g] ? 1 : 0;
      s.eligibility[b][g] = yes == 0 ? kNeverEligible
                          : yes == s.n_regimes ? kAlwaysEligible : kEligibleByRegime;
    }
  }
  const std::int8_t never = kNeverEligible;
  for (int m = 0; m < s.n_materials; ++m) {
    for (int g = 0; g < s.n_segments; ++g) {
      for (int b = 0; b < kPoolBuckets; ++b) {
        s.pool_eligibility[m][b][g] = s.target_t[m][g] > 0.0 ? s.eligibility[b][g] : never;
      }
      s.release_eligibility[m][g] =
          s.release_trigger_t[m][g] > 0.0 ? s.eligibility[2][g] : never;  // non-China
    }
  }
  return spec;
}

}  // namespace rr
