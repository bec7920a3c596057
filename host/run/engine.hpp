/// @file engine.hpp
/// Runs the paths of a scenario on the chosen backend, batch by batch, into one tally.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reerisk/backend.hpp"
#include "reerisk/model_spec.hpp"

namespace rr {

enum class BackendChoice { kAuto, kCpu, kCuda };

/// The backend a run will use, and why.
struct BackendSelection {
  bool cuda = false;
  std::string name;    ///< "cpu" or "cuda"
  std::string device;  ///< GPU name, or "CPU (N threads)"
  std::string note;    ///< e.g. why auto fell back to the CPU ("" when nothing to say)
};

/// What a GPU run of @p spec should tell its user about the kernel's per-thread state: "" when
/// the scenario fits the compact state (kernels' reerisk/capacity.hpp), else which of its sizes
/// exceed it and that each GPU thread keeps the full state instead (the same tallies, more
/// local memory per thread).
std::string gpu_state_note(const ModelSpec& spec);

/// "CPU (N threads, x86-64-v4)": the thread count (0 = all cores) and the copy of the model
/// runs use (kernels' reerisk/cpu_isa.hpp).
/// @throws InputError when REERISK_CPU_ISA names a copy this CPU or build cannot run.
std::string cpu_device_name(int threads);

/// Picks the backend for @p choice. auto: CUDA when a device is present, else the CPU with a
/// note saying why. cuda: throws std::runtime_error with a clear sentence when no GPU is usable.
BackendSelection select_backend(BackendChoice choice, int threads);

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint64_t first_path = 0;   ///< global index of the first path (shards, halves)
  std::uint64_t n_paths = 0;
  std::uint64_t batch = 0;        ///< paths per batch; 0 = backend default
  int threads = 0;                ///< CPU threads; 0 = all
  int device = 0;                 ///< CUDA device ordinal
  int gpu_blocks_per_sm = 0;      ///< the GPU grid's blocks per multiprocessor; 0 = all that fit
  GpuStateLayout gpu_state = GpuStateLayout::kCompact;  ///< the GPU kernel's per-thread state
  /// Called after each batch with (paths done, paths total).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  /// Polled before every path on the CPU and between batches; when it becomes non-zero the
  /// run stops with Interrupted (a batch cut short is dropped).
  const std::atomic<int>* stop_signal = nullptr;
  /// Asked after each batch with the tally so far; returning true ends the run early (a
  /// precision target reached). Batches are fixed, so the stopping point is reproducible.
  std::function<bool(const std::vector<std::uint64_t>&)> done_early;
};

struct RunResult {
  std::vector<std::uint64_t> tally;  ///< TallyLayout(spec) counters, summed over all paths
  std::uint64_t n_paths = 0;         ///< paths simulated (fewer than asked when done early)
  double wall_seconds = 0.0;
  double path_days_per_second = 0.0;
};

/// Paths held more batches in transit than a path may (kMaxPending): their results would be
/// wrong, so the run stops.
struct TransitOverflow : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws TransitOverflow when @p overflowed paths (a tally's `overflow` count) had more
/// batches in transit than a path holds.
void check_transit_overflow(std::uint64_t overflowed);

/// Simulates paths [first_path, first_path + n_paths) of @p spec.
/// @throws Interrupted when stop_signal is raised, std::runtime_error on backend failure.
RunResult run_paths(const ModelSpec& spec, const BackendSelection& backend,
                    const RunOptions& options);

}  // namespace rr
