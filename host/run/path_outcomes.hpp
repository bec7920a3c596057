/// @file path_outcomes.hpp
/// The first stockout day of chosen paths, each path on its own: what `reerisk size` needs to
/// re-run only the paths whose outcome at a new stockpile size it does not know yet
/// (run/stockpile_search.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "reerisk/model_spec.hpp"

namespace rr {

/// Simulates the paths @p paths (ascending, no repeats) of @p spec on the CPU backend with
/// @p threads threads (0: all) and returns their first stockout days,
/// [i][segment][material] for the i-th listed path (the horizon: never). Each path gives the
/// bits it gives in any run with @p seed (kernels' reerisk/lane_paths.hpp).
/// @throws Interrupted when @p stop is raised; std::runtime_error when a path ran out of
///         transit nodes (check_transit_overflow, as every run).
std::vector<std::int32_t> first_stockouts_of_paths(const ModelSpec& spec, std::uint64_t seed,
                                                   const std::vector<std::uint64_t>& paths,
                                                   int threads,
                                                   const std::atomic<int>* stop = nullptr);

}  // namespace rr
