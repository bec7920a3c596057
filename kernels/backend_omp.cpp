// The CPU backend: the shared batch driver compiled by the host compiler with Thrust's OpenMP
// device system (THRUST_DEVICE_SYSTEM is set by CMake for this target), and its launch: one
// contiguous chunk of paths per OpenMP worker, each with a private tally slot, simulated
// kPathLanes paths at a time.
#include <omp.h>

#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "simulate_batch.cu"

#include "reerisk/path_model.hpp"

namespace rr {
namespace omp_backend {

namespace {

/// Polls BatchRequest::stop between blocks of paths.
struct StopRequested {
  const std::atomic<int>* flag;
  bool operator()() const { return flag && flag->load(std::memory_order_relaxed) != 0; }
};

/// Simulates chunk @p chunk of the batch (a contiguous range of paths) into its tally slot.
struct SimulateChunk {
  BatchLaunch batch;
  std::uint64_t paths_per_chunk;

  RR_CPU_ISA_DISPATCH void operator()(std::uint64_t chunk) const {
    const std::uint64_t begin = batch.first_path + chunk * paths_per_chunk;
    const std::uint64_t last = batch.first_path + batch.n_paths;
    const std::uint64_t end = begin + paths_per_chunk < last ? begin + paths_per_chunk : last;
    run_path_range<kPathLanes>(*batch.spec, batch.layout,
                               batch.tallies + chunk * batch.layout.size, batch.seed, begin, end,
                               NullObserver(), StopRequested{batch.stop});
  }
};

}  // namespace

void prepare_device(const BatchRequest& request) {
  omp_set_num_threads(request.threads > 0 ? request.threads : omp_get_max_threads());
}

void launch_paths(const BatchLaunch& batch) {
  const std::uint64_t per_chunk = (batch.n_paths + batch.workers - 1) / batch.workers;
  thrust::for_each(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                   thrust::counting_iterator<std::uint64_t>(batch.workers),
                   SimulateChunk{batch, per_chunk});
}

int max_threads() { return omp_get_max_threads(); }

}  // namespace omp_backend
}  // namespace rr
