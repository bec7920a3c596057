/// @file stockpile_search.hpp
/// `reerisk size`: the smallest strategic stockpile, per material, that keeps the chance of a
/// first stockout within a window at or below a target for every named segment.
///
/// The search variable is the stockpile's cover in whole days of the participants' mean daily
/// demand (the scenario's `stockpile.cover_days`, per material). Every evaluation is a full run
/// of the same paths with the same seed (common random numbers), so the risk curve is a fixed
/// function of the size on these paths and a run at the answer reproduces its risk exactly.
/// Materials do not interact in the model (each has its own pools, plants, prices and
/// stockpile; the regime path is drawn independently of them), so one run evaluates a
/// different size for every material at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reerisk/model_spec.hpp"
#include "run/engine.hpp"
#include "stats/statistics.hpp"

namespace rr {

struct SizeRequest {
  double alpha = 0.05;          ///< target: P(first stockout within `within_days`) <= alpha
  std::int32_t within_days = 0;  ///< days 0 .. within_days-1 (the horizon when 0)
  std::vector<int> segments;     ///< segment indices held to the target
};

/// One evaluation of the risk curve: the cover tried per material and the risk found.
struct SizeEvaluation {
  std::vector<std::int32_t> cover_days;  ///< [material]
  std::vector<Proportion> risk;          ///< [material]: the worst named segment's P
  std::vector<Proportion> segment_risk;  ///< [segment][material] of the named segments
  std::uint64_t paths_simulated = 0;     ///< all paths, or (by path) those not yet known
};

/// Per material: the answer and its 95% interval (test inversion of the Wilson intervals).
struct MaterialSize {
  bool needed = false;      ///< a named segment uses the material
  bool reachable = false;   ///< an unlimited stockpile meets the target
  std::int32_t days = -1;   ///< smallest cover meeting the target (-1: unreachable)
  /// The 95% interval: the smallest covers at which the lower (days_lo) and the upper
  /// (days_hi) Wilson bound of the risk meet the target; -1 where none within the unlimited
  /// cover does.
  std::int32_t days_lo = -1;
  std::int32_t days_hi = -1;
  double daily_demand_t = 0.0;  ///< the participants' mean daily demand (1 day of cover)
  std::int32_t unlimited_days = 0;  ///< a cover no release can exhaust within the horizon
  Proportion risk_at_size;     ///< at `days`
  Proportion risk_unlimited;   ///< the best achievable risk
  Proportion risk_without;     ///< with no stockpile of this material
};

struct SizeResult {
  std::vector<MaterialSize> materials;
  std::vector<SizeEvaluation> curve;  ///< every evaluation, in the order run
  std::uint64_t n_paths = 0;
  std::int32_t evaluated_days = 0;  ///< how far each evaluation ran (stop_at_month_end)
  double wall_seconds = 0.0;
  /// Paths simulated over the whole search (each to evaluated_days): its cost in runs of the
  /// window is paths_simulated / n_paths.
  std::uint64_t paths_simulated = 0;
  bool by_path = false;   ///< size_stockpile_by_path: only the paths not yet known re-run
  bool verified = false;  ///< every path re-run at the answer, none contradicting its record
  bool monotone = true;   ///< false: a path broke the monotone rule; the search re-ran whole
};

/// The stockpile ceiling in tonnes for @p cover_days of material @p m: cover_days x each
/// participant's mean daily demand, summed in segment order (as the scenario loader does, so
/// a run with stockpile.cover_days set to the answer gives the same bits).
double stockpile_ceiling_t(const ModelSpec& spec, int m, double cover_days);

/// Stops @p spec at the first month start on or after day @p days (where none comes before
/// the horizon, @p spec is left as it is). A path's days before the new horizon are the same
/// bits as in the whole run, since nothing in the model looks past the day it simulates
/// (docs/model.md §1), so a search over first stockouts within @p days runs only that far.
void stop_at_month_end(ModelSpec& spec, std::int32_t days);

/// Empties material @p m from @p spec: no demand, target or release trigger in any segment, no
/// China flow, plant output or stockpile; a plant left making nothing never starts, and a
/// segment left demanding nothing draws no demand noise. Materials do not interact in the model (own pools,
/// batches, prices and stockpile; the draws of the others are keyed by their own index), so
/// the other materials' days keep their bits, unless a path ran out of transit nodes (the
/// `overflow` count), which fewer batches can change; and the emptied material costs next to
/// nothing per day.
void leave_out_material(ModelSpec& spec, int m);

/// Runs the search with a whole run per evaluation. Each evaluation runs to the end of the month in which the window ends and
/// leaves out the materials no named segment uses (those get needed = false). @p run_one(spec)
/// simulates the request's paths of a spec and returns its tally (the engine in the CLI, a
/// test's runner in tests). @p on_evaluation is told of each evaluation (progress).
SizeResult size_stockpile(const ModelSpec& spec, const SizeRequest& request,
                          std::uint64_t n_paths,
                          const std::function<std::vector<std::uint64_t>(const ModelSpec&)>& run_one,
                          const std::function<void(const SizeEvaluation&)>& on_evaluation = {});

/// Simulates the listed paths (ascending) of a spec and returns their first stockout days,
/// [i][segment][material] (run/path_outcomes.hpp on the CPU).
using PathRunner = std::function<std::vector<std::int32_t>(const ModelSpec&,
                                                           const std::vector<std::uint64_t>&)>;

/// The same search, re-running at each cover only the paths whose outcome there is not known.
///
/// A path's outcome (out within the window or not, per named segment and material) falls with
/// the stockpile: on the same draws, a larger stockpile releases the same until the smaller
/// one is empty, and more after. So a path out at cover c is out at every smaller cover, and
/// one not out at c is not out at any larger one. Each path keeps, per cell, the largest cover
/// tried where it was out and the smallest where it was not; an evaluation at cover c re-runs
/// only the paths with c strictly between the two, and counts the others from them. The first
/// evaluation (no stockpile) runs every path, the search's first step only those out without
/// one, the unlimited stockpile those out at the first step, and each later one the paths
/// whose first-stockout threshold lies inside the brackets being shrunk: the counts are those
/// whole runs would give, wherever the rule holds.
///
/// The rule is a property of the shipped model that tests check path by path, not a theorem
/// (the refill competes with the segments for the pools). So, at the end, every path runs
/// once more at the answer: the risk reported there is a whole run's, and if any path there
/// contradicts its record the search is redone with whole runs (monotone = false), as
/// size_stockpile does.
SizeResult size_stockpile_by_path(const ModelSpec& spec, const SizeRequest& request,
                                  std::uint64_t n_paths, const PathRunner& run_listed,
                                  const std::function<void(const SizeEvaluation&)>& on_evaluation = {});

}  // namespace rr
