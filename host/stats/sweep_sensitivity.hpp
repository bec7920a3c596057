/// @file sweep_sensitivity.hpp
/// Sobol indices of a design sweep's outcomes, and their ranking table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/design.hpp"
#include "io/result_file.hpp"
#include "scenario/scenario.hpp"

namespace rr {

/// Bootstrap resamples for the indices' intervals.
constexpr int kSensitivityBootstrap = 500;

/// First-order and total indices, per parameter, segment and material, of P(first stockout
/// within the horizon) and of the mean stockout days, from the points of a Saltelli design
/// (points in the design's row order).
SensitivityResult compute_sensitivity(const SweepConfig& sweep, const SaltelliDesign& design,
                                      const std::vector<PointResult>& points, std::uint64_t seed);

/// Per segment and material, the parameters ranked by their total index of P(stockout by the
/// horizon), with first-order and total indices and intervals. @p labels names the cells.
std::string format_sensitivity_ranking(const SensitivityResult& result, const Summary& labels);

}  // namespace rr
