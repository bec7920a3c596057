#include "scenario/sweep_plan.hpp"

#include <cmath>

#include "errors.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"

namespace rr {

SweepPlan plan_sweep(const Scenario& sc) {
  SweepPlan plan;
  if (!sc.sweep) {
    plan.values.emplace_back();
  } else if (sc.sweep->mode == "grid") {
    plan.values = grid_points(*sc.sweep);
    for (const SweepParam& p : sc.sweep->params) {
      plan.axes.keys.push_back(p.key);
      plan.axes.values.push_back(p.values);
    }
  } else if (sc.sweep->mode == "list") {
    plan.values = grid_points(*sc.sweep);
  } else {
    const int d = static_cast<int>(sc.sweep->params.size());
    if (sc.sweep->mode == "sobol" && 2 * d > kMaxSobolDims) {
      throw InputError(sc.source_name + ": a sobol design supports at most " +
                       std::to_string(kMaxSobolDims / 2) + " parameters; use mode = \"lhs\"");
    }
    plan.design = saltelli_design(d, static_cast<std::uint64_t>(sc.sweep->points),
                                  sc.sweep->mode == "lhs", sc.seed);
    for (const auto& u : plan.design->rows) {
      std::vector<double> values;
      for (int j = 0; j < d; ++j) {
        const SweepParam& p = sc.sweep->params[j];
        values.push_back(p.log ? std::exp(std::log(p.min) + (std::log(p.max) - std::log(p.min)) * u[j])
                               : p.min + (p.max - p.min) * u[j]);
      }
      plan.values.push_back(values);
    }
  }
  plan.points.resize(plan.values.size());
  for (std::size_t i = 0; i < plan.values.size(); ++i) {
    // Design values for whole-number fields are rounded; values[i] records what was applied.
    plan.points[i].scenario =
        sc.sweep ? scenario_at_point(sc, plan.values[i], plan.is_design(), &plan.values[i]) : sc;
    plan.points[i].spec = build_model_spec(plan.points[i].scenario);
  }
  if (plan.is_design() || (sc.sweep && sc.sweep->mode == "list")) {
    plan.axes.keys = {"point"};
    plan.axes.values.emplace_back();
    for (std::size_t i = 0; i < plan.values.size(); ++i) {
      plan.axes.values[0].push_back(static_cast<double>(i));
    }
    for (std::size_t j = 0; j < sc.sweep->params.size(); ++j) {
      plan.axes.coord_keys.push_back(sc.sweep->params[j].key);
      plan.axes.coord_values.emplace_back();
      for (const auto& v : plan.values) plan.axes.coord_values[j].push_back(v[j]);
    }
  }
  return plan;
}

}  // namespace rr
