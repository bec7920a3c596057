/// @file result_file.hpp
/// Self-describing HDF5 result files (layout: docs/output-format.md), written atomically.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "reerisk/model_spec.hpp"
#include "stats/path_sample.hpp"
#include "stats/sensitivity.hpp"
#include "scenario/scenario.hpp"
#include "stats/summary.hpp"

namespace rr {

/// Identifies reerisk result files; readers refuse anything else.
constexpr const char* kResultFiletype = "reerisk-result";
/// Bumped on every layout change; readers refuse newer versions (2: the CF time coordinates).
constexpr int kResultFormatVersion = 2;

/// How a result was produced (root attributes).
struct ResultMetadata {
  std::uint64_t seed = 0;
  std::uint64_t first_path = 0;
  std::uint64_t n_paths = 0;        ///< paths per point (the cap under --until-halfwidth)
  std::uint64_t total_paths = 0;    ///< paths of the whole run a shard belongs to (0: n_paths)
  double until_halfwidth = 0.0;     ///< precision target, 0 when all paths ran
  std::string backend;
  std::string device;
  std::string started_utc;  ///< when the simulation started (ISO 8601)
  double wall_seconds = 0.0;
  double path_days_per_second = 0.0;
  /// Peak memory of the process that simulated (the root rank under MPI; the largest shard's
  /// in a merged file): its resident memory, and the bytes in use on its GPU while the batch
  /// kernels ran (every allocation on that device, the CUDA context included); 0 when not
  /// measured (the device figure on the CPU backend).
  std::uint64_t peak_host_bytes = 0;
  std::uint64_t peak_device_bytes = 0;
};

/// One simulated scenario: the base scenario or one sweep point.
struct PointResult {
  Scenario scenario;
  std::unique_ptr<ModelSpec> spec;
  std::vector<std::uint64_t> tally;
  Summary summary;
};

/// The sweep dimensions (none for a single run). A grid has one dimension per swept key
/// (keys, values); a design has one dimension "point" (values 0 .. n-1) labelled by the
/// value of each key at each point (coord_keys, coord_values).
struct SweepAxes {
  std::vector<std::string> keys;
  std::vector<std::vector<double>> values;
  std::vector<std::string> coord_keys;
  std::vector<std::vector<double>> coord_values;
};

/// Sobol indices of a design sweep, per parameter x segment x material (param-major).
struct SensitivityResult {
  std::vector<std::string> params;
  std::vector<SobolIndex> p_stockout;     ///< of P(first stockout within the horizon)
  std::vector<SobolIndex> stockout_days;  ///< of the mean stockout days per path
  /// Per segment x material: the variance of P(stockout by the horizon) over the design, and
  /// the Monte Carlo variance of one point's estimate (p(1-p)/paths). When the first is not
  /// well above the second, the indices measure sampling noise, not the parameters.
  std::vector<double> p_stockout_variance, p_stockout_noise;
};

/// The current time as ISO 8601 UTC ("2026-11-23T07:49:38Z").
std::string utc_now();

/// Refuses (InputError) an output path whose directory does not exist, or that exists
/// while @p force is false, before any simulation starts.
void check_output_path(const std::string& path, bool force);

/// Writes a result file: to a temporary file "<path>.tmp-<pid>" beside @p path, flushed and
/// fsync'ed, then renamed over @p path. On any failure, or when @p stop_signal is raised
/// before the rename, the temporary file is removed and @p path is untouched (throws), so a
/// file at @p path is always complete. Temporary files left by killed runs (their process is
/// gone) are removed first. @p points holds one result per grid point in row-major order of
/// @p axes (a single point without axes for a plain run); every dataset gets the sweep axes as
/// leading dimensions. @p sample, when given, adds the per-path table (path_* datasets) of the
/// first point.
void write_result_file(const std::string& path, const Scenario& scenario,
                       const std::vector<PointResult>& points, const SweepAxes& axes,
                       const ResultMetadata& meta, bool force,
                       const std::atomic<int>* stop_signal = nullptr,
                       const PathSample* sample = nullptr,
                       const SensitivityResult* sensitivity = nullptr);

}  // namespace rr
