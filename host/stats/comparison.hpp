/// @file comparison.hpp
/// Two scenarios on the same paths, reduced: per segment and material, each scenario's
/// P(first stockout / line stop by day t) and their paired difference B - A with intervals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run/paired_run.hpp"
#include "stats/paired_difference.hpp"
#include "stats/summary.hpp"

namespace rr {

/// One outcome (first stockout or first line stop) of one segment x material, by day.
struct PairedCurve {
  std::vector<std::uint64_t> out_a, out_b, out_both;  ///< [H]: paths with the event by day t
  std::vector<Proportion> p_a, p_b;                   ///< [H]: Wilson intervals
  std::vector<Difference> delta;                      ///< [H]: paired (Newcombe) B - A
  std::vector<Difference> delta_unpaired;             ///< [H]: as if the runs were independent
  /// The day-t entries for "within the first @p days days" (days 0 .. days-1).
  std::size_t index_within(std::int32_t days) const;
};

struct CellComparison {
  std::string segment, material;
  bool has_demand = true;
  PairedCurve stockout, line_stop;
  double shortfall_mean_t_a = 0.0, shortfall_mean_t_b = 0.0;
  Difference shortfall_delta_t;  ///< mean per-path shortfall B - A, normal interval
};

struct Comparison {
  std::uint64_t paths = 0;
  std::int32_t horizon_days = 0;
  std::vector<CellComparison> cells;  ///< segment-major
  Summary a, b;                       ///< each scenario's own outputs
};

/// Reduces a paired run of @p a (scenario A) and @p b.
Comparison compare_tallies(const Scenario& sa, const ModelSpec& a, const Scenario& sb,
                           const ModelSpec& b, const PairedResult& r);

/// The table `reerisk compare` prints: Delta P(out within 90/180/365 days and the horizon)
/// with paired intervals, the change in mean shortfall, and the same for line stops.
std::string format_comparison_table(const Comparison& c, const std::string& name_a,
                                    const std::string& name_b);

}  // namespace rr
