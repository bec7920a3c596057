/// @file backend.hpp
/// The boundary between host code and the simulation backends. Plain std types only:
/// no Thrust type crosses it (Thrust's cpp_integration rule), so host/ never needs nvcc.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "reerisk/model_spec.hpp"

namespace rr {

/// The GPU kernel's per-thread state (capacity.hpp): kCompact, sized for CompactCapacity, when
/// the scenario fits it (else the full one), or kFull, sized by the model limits, always. The
/// tallies are the same; the choice is a knob for measuring what the state's size costs
/// (tools/bench, tools/gpu_check.sh).
enum class GpuStateLayout : int { kCompact = 0, kFull = 1 };

/// One batch of consecutive paths.
struct BatchRequest {
  std::uint64_t seed = 0;
  std::uint64_t first_path = 0;  ///< global index of the first path
  std::uint64_t n_paths = 0;
  int threads = 1;               ///< CPU worker threads (ignored on the GPU)
  int device = 0;                ///< CUDA device ordinal (ignored on the CPU)
  /// Blocks per multiprocessor the GPU kernel's grid is sized for (its threads then loop over
  /// the batch's paths); 0 = as many as fit. Fewer resident threads share the multiprocessor's
  /// L1 cache, which holds the paths' local-memory state, among fewer paths: a tuning knob for
  /// tools/bench (ignored on the CPU).
  int gpu_blocks_per_sm = 0;
  GpuStateLayout gpu_state = GpuStateLayout::kCompact;  ///< ignored on the CPU
  /// When set and non-zero, the CPU workers stop before their next path, so a signal stops a
  /// batch within one path's time; the caller must then discard the batch's tally. The GPU
  /// cannot poll host memory and finishes its batch.
  const std::atomic<int>* stop = nullptr;
};

namespace omp_backend {
/// Simulates a batch on the CPU (OpenMP) and adds its counters to @p tally
/// (sized TallyLayout(spec).size).
void simulate_batch(const ModelSpec& spec, const BatchRequest& request,
                    std::vector<std::uint64_t>& tally);
/// Hardware threads OpenMP would use by default.
int max_threads();
}  // namespace omp_backend

namespace cuda_backend {
/// Whether this build contains the CUDA backend.
bool compiled();
/// Number of usable CUDA devices; 0 with a reason in @p why when there is none.
int device_count(std::string* why);
/// Name of CUDA device @p device ("" when unavailable).
std::string device_name(int device);
/// Simulates a batch on CUDA device request.device and adds its counters to @p tally.
void simulate_batch(const ModelSpec& spec, const BatchRequest& request,
                    std::vector<std::uint64_t>& tally);
/// Bytes in use on CUDA device @p device now (its total less its free memory, as
/// cudaMemGetInfo reports them: every process's allocations and the CUDA contexts); 0 without
/// a device.
std::uint64_t device_bytes_in_use(int device);
/// The most bytes in use on any device that this process has seen while one of its batch
/// kernels was running (read after each launch, when the kernel's local memory is reserved);
/// 0 before the first batch.
std::uint64_t device_bytes_in_use_peak();
}  // namespace cuda_backend

}  // namespace rr
