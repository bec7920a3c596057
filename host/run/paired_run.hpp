/// @file paired_run.hpp
/// Two scenarios on the same paths (common random numbers), tallied jointly: `reerisk compare`.
///
/// Draws are keyed by (seed, path, purpose, ...), so path i of scenario A and path i of
/// scenario B see the same regime steps, approvals, covers, plant delays and demand noise
/// wherever their scenarios ask for the same draw. Each block of paths is simulated under A,
/// then under B, and the pair's outcomes are tallied together: per segment and material the
/// histogram of max(first stockout day in A, in B), from which the paths out in both by day t
/// follow, and the fixed-point sums of the shortfall difference and its square. When both
/// scenarios give every segment the same demand noise, B replays the daily demand factors A
/// drew for a block (SharedDemandFactors) instead of drawing them again: the same bits.
#pragma once

#include <cstdint>
#include <vector>

#include "reerisk/model_spec.hpp"
#include "run/engine.hpp"

namespace rr {

/// Where each joint counter lives; the two scenarios must share segments, materials and days.
struct PairedLayout {
  std::int32_t H = 0, S = 0, M = 0;
  std::uint64_t stockout_both = 0;   ///< [s][m][H+1]: max(first stockout A, B); H = not both
  std::uint64_t line_stop_both = 0;  ///< [s][m][H+1]: max(first line stop A, B)
  std::uint64_t shortfall_diff = 0;  ///< [s][m]: sum of (B - A) shortfall, kg, two's complement
  std::uint64_t shortfall_diff_sq = 0;  ///< [s][m][2]: sum of its square, kg^2, 128-bit (lo, hi)
  std::uint64_t size = 0;

  PairedLayout() = default;
  explicit PairedLayout(const ModelSpec& spec);
  std::uint64_t sm(int s, int m) const { return static_cast<std::uint64_t>(s) * M + m; }
};

struct PairedResult {
  std::vector<std::uint64_t> tally_a, tally_b;  ///< each scenario's own TallyLayout counters
  std::vector<std::uint64_t> joint;             ///< PairedLayout counters
  std::uint64_t n_paths = 0;
  double wall_seconds = 0.0;
  double path_days_per_second = 0.0;  ///< path-days of both scenarios per second
};

/// Simulates paths [first_path, first_path + n_paths) under @p a and under @p b on the CPU
/// backend (options.seed, threads, batch, progress, stop_signal as for run_paths). The
/// tallies are the same bits at any thread count or batch size, and tally_a equals what
/// run_paths gives for @p a alone.
PairedResult run_paired(const ModelSpec& a, const ModelSpec& b, const RunOptions& options);

/// Adds the 128-bit counter at @p at (lo, hi words) of @p from into @p into.
void add_u128(std::uint64_t* into, const std::uint64_t* from);

}  // namespace rr
