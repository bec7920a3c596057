/// @file summary.hpp
/// The outputs of docs/model.md §2, derived from a run's integer tally.
#pragma once

#include <cstdint>
#include <array>
#include <string>
#include <vector>

#include "reerisk/model_spec.hpp"
#include "scenario/scenario.hpp"
#include "stats/statistics.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

/// Quantile levels reported for every distribution.
constexpr double kQuantileLevels[4] = {0.50, 0.90, 0.95, 0.99};
/// Quantile levels of fill rates, whose bad tail is the low one.
constexpr double kFillQuantileLevels[4] = {0.01, 0.05, 0.10, 0.50};

/// Outcomes of one segment x material.
struct SegmentMaterialSummary {
  std::string segment;
  std::string material;
  bool has_demand = true;  ///< false: the segment uses none of the material (left out of the table)
  double demand_t_per_day = 0.0;  ///< the scenario's mean daily demand (an input, echoed)
  std::vector<Proportion> p_stockout_by_day;  ///< [H]: first stockout on or before day t
  std::vector<Proportion> p_in_stockout;      ///< [H]: in stockout on day t
  double stockout_days_mean = 0.0;
  std::int64_t stockout_days_quantile[4] = {};  ///< exact (day resolution)
  double shortfall_mean_t = 0.0;
  double shortfall_quantile_t[4] = {};          ///< upper edge of the quantile's bin
  /// Line stops (days meeting less than the segment's line_stop_fill of demand), as the
  /// stockout fields above.
  double line_stop_fill = 0.0;
  std::vector<Proportion> p_line_stop_by_day;   ///< [H]: first line stop on or before day t
  std::vector<Proportion> p_in_line_stop;       ///< [H]: in a line stop on day t
  double line_stop_days_mean = 0.0;
  std::int64_t line_stop_days_quantile[4] = {};
  /// Time to survive (docs/model.md §6 "Time to survive, time to recover"): days from the
  /// disruption's first day to the first line stop, over the survive_paths paths that have a
  /// line stop; exact mean and quantiles (-1 without such paths).
  std::uint64_t survive_paths = 0;
  double survive_days_mean = 0.0;
  std::int64_t survive_days_quantile[4] = {-1, -1, -1, -1};
  /// Time to recover: line-stop spell lengths in days, recover_spells that ended and
  /// recover_censored still going at the horizon; mean of the ended ones and Kaplan-Meier
  /// quantiles over both (-1 where the estimate does not reach the level).
  std::uint64_t recover_spells = 0;
  std::uint64_t recover_censored = 0;
  double recover_days_mean = 0.0;
  std::int64_t recover_days_quantile[4] = {-1, -1, -1, -1};
  /// Fill rate over the horizon (met / demanded per path): exact mean, quantiles at
  /// kFillQuantileLevels (lower bin edges, conservative), and each month's mean.
  double fill_rate_mean = 1.0;
  double fill_rate_quantile[4] = {};
  std::vector<double> fill_rate_month_mean;     ///< [K]

  /// P(first stockout within the first @p days days), i.e. on day 0 .. days-1.
  Proportion within(std::int32_t days) const;
  /// P(first line stop within the first @p days days).
  Proportion line_stop_within(std::int32_t days) const;
};

/// A cost per path in US dollars over the horizon: exact mean, quantiles at kQuantileLevels
/// (upper edges of the log bins, conservative), and CVaR95, the mean of the worst 5% of paths
/// (exact per-bin sums; the bin holding the 95th percentile contributes its mean).
struct CostSummary {
  double mean = 0.0;
  double quantile[4] = {};
  double cvar95 = 0.0;
};

/// Everything a run reports, per scenario.
struct Summary {
  std::uint64_t paths = 0;
  std::int32_t horizon_days = 0;
  /// Importance sampling ([rare_event], docs/model.md §10): every probability, quantile and
  /// mean below is then a weighted estimate of the scenario's law, and the weights' health is
  /// here; the plain counts (survive_paths, recover_spells, smuggled_batches, plant_cancelled,
  /// plant_start_month, ...) count the paths drawn from the tilted law.
  bool importance_sampling = false;
  double weight_mean = 1.0;
  double effective_paths = 0.0;
  std::uint64_t weight_clamped = 0;
  std::string weight_warning;  ///< "" when the weights are healthy
  std::vector<SegmentMaterialSummary> cells;  ///< segment-major
  /// Costs (docs/model.md §6 "What a shortfall costs"), when the scenario asks for them: per
  /// segment, [0] procurement (receipts x price multiplier x base price), [1] shortfall.
  bool costs = false;
  std::vector<std::string> cost_segments;
  std::vector<std::array<CostSummary, 2>> segment_costs;
  std::vector<std::vector<double>> regime_occupancy;  ///< [month][regime] fraction
  std::vector<double> smuggled_mean_t, seized_mean_t;  ///< per material
  std::vector<std::uint64_t> smuggled_batches, seized_batches;  ///< per material
  std::vector<std::vector<std::vector<double>>> price_quantiles;  ///< [month][material][q]
  /// China's licensed exports per material and month (tonnes leaving China, before seizure,
  /// without smuggling): mean and quantiles over paths, and both as a share of the
  /// material's pre-control monthly baseline (china_baseline_t_per_year / 12).
  std::vector<std::vector<double>> china_shipped_mean_t;                 ///< [month][material]
  std::vector<std::vector<std::vector<double>>> china_shipped_quantile_t;  ///< [month][material][q]
  std::vector<std::vector<double>> china_shipped_share_mean;             ///< [month][material]
  std::vector<std::vector<std::vector<double>>> china_shipped_share_quantile;  ///< [month][material][q]
  /// Mean tonnes consumed (demand met) per segment, material and month: [cell][month], cells
  /// segment-major as in `cells`.
  std::vector<std::vector<double>> delivered_mean_t;
  std::vector<std::uint64_t> plant_cancelled;         ///< per plant
  std::vector<std::vector<std::uint64_t>> plant_start_month;  ///< [plant][K+2]
  /// Each plant's output per quarter of the run (all its materials, tonnes): mean and
  /// quantiles over paths.
  std::vector<std::vector<double>> plant_output_mean_t;                 ///< [quarter][plant]
  std::vector<std::vector<std::vector<double>>> plant_output_quantile_t;  ///< [quarter][plant][q]
};

/// The CostSummary of a histogram over the USD bins and its per-bin sums (kUSD).
CostSummary cost_summary(const std::uint64_t* counts, const std::uint64_t* sums);

/// Upper edge (tonnes) of tonnage bin @p b; the lower edge for the open top bin.
double tonne_bin_upper_edge(int b);
/// Upper edge of price bin @p b for a material with price cap @p cap.
double price_bin_upper_edge(int b, double cap);

/// Derives the §2 outputs from a tally.
Summary summarize(const Scenario& scenario, const ModelSpec& spec,
                  const std::vector<std::uint64_t>& tally);

/// The widest 95% Wilson half-width of P(first stockout within the horizon) over all segments
/// and materials of a tally (the --until-halfwidth criterion); the weighted interval's
/// half-width for an importance-sampled run.
double widest_horizon_halfwidth(const ModelSpec& spec, const std::vector<std::uint64_t>& tally);

/// The rare-event table `reerisk run` prints for an importance-sampled run: per segment x
/// material, P(first stockout) and P(first line stop) within 365 days and by the horizon,
/// in scientific notation with 95% intervals and relative half-widths, and the weights' health.
std::string format_rare_event_table(const Summary& summary);

/// The readable table `reerisk run` prints: per segment x material, P(stockout) within 90,
/// 180, 365 days and by the horizon with 95% intervals, median and P90 stockout days, mean
/// shortfall.
std::string format_summary_table(const Summary& summary);

}  // namespace rr
