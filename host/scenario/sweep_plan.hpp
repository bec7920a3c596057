/// @file sweep_plan.hpp
/// The points a run simulates: the scenario itself, every point of a grid, or the rows of a
/// Saltelli design, each resolved to a validated scenario and its ModelSpec.
#pragma once

#include <optional>
#include <vector>

#include "scenario/design.hpp"
#include "io/result_file.hpp"
#include "scenario/scenario.hpp"

namespace rr {

struct SweepPlan {
  std::vector<PointResult> points;          ///< scenario and spec filled; tallies empty
  std::vector<std::vector<double>> values;  ///< the swept keys' values at each point, as applied
  SweepAxes axes;                           ///< how the points are laid out in the file
  std::optional<SaltelliDesign> design;     ///< for sobol/lhs designs
  bool is_design() const { return design.has_value(); }
};

/// Plans the points of @p scenario: one point without [sweep]; the grid in row-major order;
/// or the Saltelli rows A, B, AB_1 .. AB_d for `mode = "sobol" | "lhs"` (values mapped from
/// the unit cube to [min, max], log-uniform with `log = true`; whole-number fields rounded).
/// @throws InputError when a design has too many parameters or a point is invalid.
SweepPlan plan_sweep(const Scenario& scenario);

}  // namespace rr
