/// @file path_sample.hpp
/// Per-path drivers and outcomes of the first N paths (`run --keep-paths N`), for users'
/// own regressions of outcomes on drawn parameters.
#pragma once

#include <cstdint>
#include <vector>

#include "reerisk/model_spec.hpp"

namespace rr {

/// Columns of the per-path table, row-major with the path first ([path][...]).
struct PathSample {
  std::uint64_t n = 0;
  std::vector<std::int32_t> initial_regime;      ///< [path]
  std::vector<std::int32_t> regime_episodes;     ///< [path]
  std::vector<std::int32_t> months_in_regime;    ///< [path][regime]
  std::vector<double> leakage, interdiction;     ///< [path]
  std::vector<double> cover_days;                ///< [path][segment]
  std::vector<std::int32_t> plant_start_day;     ///< [path][plant] actual start (day index)
  std::vector<double> plant_ramp_days;           ///< [path][plant]
  std::vector<std::uint8_t> plant_cancelled;     ///< [path][plant]
  std::vector<std::int32_t> first_stockout_day;  ///< [path][segment][material]; H = never
  std::vector<std::int32_t> stockout_days;       ///< [path][segment][material]
  std::vector<double> shortfall_t;               ///< [path][segment][material]
  std::vector<double> smuggled_t, seized_t;      ///< [path][material]
  /// The likelihood-ratio weight of each path ([rare_event], docs/model.md §10; 1 otherwise):
  /// the mean over paths of weight x outcome estimates the scenario's expectation of any outcome.
  std::vector<double> weight;                    ///< [path]
};

/// Re-simulates paths [0, n) on the host with the run's seed and records them. Draws are
/// keyed by path, so these are the same paths the run simulated (bit for bit for the CPU
/// backend; within floating-point rounding for the GPU).
PathSample sample_paths(const ModelSpec& spec, std::uint64_t seed, std::uint64_t n);

}  // namespace rr
