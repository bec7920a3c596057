// The CUDA backend's launch: its own kernel, one path per thread (grid-stride), so that the
// launch shape is ours: __launch_bounds__ caps the block at kThreadsPerBlock and leaves ptxas
// the registers that bound allows, and the grid is sized from the occupancy the kernel
// actually reaches. The per-thread state uses CompactCapacity when the scenario fits, which
// shrinks the local memory every resident thread reserves (BENCHMARKS.md has ptxas' numbers),
// unless the batch asks for the full one (GpuStateLayout::kFull, to measure what size costs).
#include <algorithm>
#include <atomic>
#include <cstdint>

#include <cuda_runtime.h>

#include "cuda_check.hpp"
#include "reerisk/backend.hpp"
#include "reerisk/batch_launch.hpp"
#include "reerisk/capacity.hpp"
#include "reerisk/path_model.hpp"

namespace rr {
namespace cuda_backend {

namespace {

constexpr int kThreadsPerBlock = 128;

/// device_bytes_in_use_peak(): the most bytes in use seen while a batch kernel ran.
std::atomic<std::uint64_t> peak_bytes_in_use{0};

void record_bytes_in_use(int device) {
  const std::uint64_t now = device_bytes_in_use(device);
  std::uint64_t seen = peak_bytes_in_use.load();
  while (now > seen && !peak_bytes_in_use.compare_exchange_weak(seen, now)) {
  }
}

/// Simulates paths first_path .. first_path + n_paths - 1, one per thread at a time.
template <class Cap>
__global__ void __launch_bounds__(kThreadsPerBlock)
    simulate_paths(const ModelSpec* spec, TallyLayout layout, std::uint64_t* tally,
                   std::uint64_t seed, std::uint64_t first_path, std::uint64_t n_paths) {
  const PathModel<1, NullObserver, Cap> model(*spec, layout, tally, seed);
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  for (std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       i < n_paths; i += stride) {
    model.run(first_path + i);
  }
}

template <class Cap>
void launch(const BatchLaunch& batch) {
  int device = 0, sms = 0, blocks_per_sm = 0;
  RR_CUDA_TRY(cudaGetDevice(&device));
  RR_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  RR_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, simulate_paths<Cap>,
                                                            kThreadsPerBlock, 0));
  // By default one thread per path up to 16 waves of resident blocks; beyond that threads
  // loop. With gpu_blocks_per_sm the grid is one wave of that many blocks per multiprocessor
  // (at most what fits), whose threads loop over the batch.
  const int fit = std::max(1, blocks_per_sm);
  const int per_sm =
      batch.gpu_blocks_per_sm > 0 ? std::min(batch.gpu_blocks_per_sm, fit) : 16 * fit;
  const std::uint64_t needed = (batch.n_paths + kThreadsPerBlock - 1) / kThreadsPerBlock;
  const std::uint64_t limit = static_cast<std::uint64_t>(std::max(1, sms)) * per_sm;
  const unsigned grid = static_cast<unsigned>(std::min(needed, limit));
  simulate_paths<Cap><<<grid, kThreadsPerBlock>>>(batch.spec, batch.layout, batch.tallies,
                                                  batch.seed, batch.first_path, batch.n_paths);
  RR_CUDA_TRY(cudaGetLastError());
  record_bytes_in_use(device);  // while the kernel runs: its local memory is reserved
  RR_CUDA_TRY(cudaDeviceSynchronize());  // reports a fault inside the kernel here
}

}  // namespace

std::uint64_t device_bytes_in_use_peak() { return peak_bytes_in_use.load(); }

void launch_paths(const BatchLaunch& batch) {
  if (batch.gpu_state == GpuStateLayout::kCompact && fits<CompactCapacity>(*batch.host_spec)) {
    launch<CompactCapacity>(batch);
  } else {
    launch<FullCapacity>(batch);
  }
}

}  // namespace cuda_backend
}  // namespace rr
