// The CPU backend: the shared batch driver compiled by the host compiler with Thrust's OpenMP
// device system (THRUST_DEVICE_SYSTEM is set by CMake for this target), and its launch: blocks
// of kPathLanes paths handed out to the OpenMP workers one at a time, each worker adding into
// its own tally slot.
#include <omp.h>

#include "simulate_batch.cu"

#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"

namespace rr {
namespace omp_backend {

namespace {

/// Simulates block @p block of the batch (kPathLanes consecutive paths; the last block may be
/// shorter) into tally slot @p slot, in copy @p isa of the model.
struct SimulateBlock {
  BatchLaunch batch;
  CpuIsa isa;

  void operator()(std::uint64_t block, std::uint64_t slot) const {
    const std::uint64_t begin = batch.first_path + block * kPathLanes;
    const std::uint64_t last = batch.first_path + batch.n_paths;
    const std::uint64_t end = begin + kPathLanes < last ? begin + kPathLanes : last;
    run_path_range_cpu(isa, *batch.spec, batch.layout, batch.tallies + slot * batch.layout.size,
                       batch.seed, begin, end, PathEndHook(), batch.stop);
  }
};

}  // namespace

void prepare_device(const BatchRequest& request) {
  omp_set_num_threads(request.threads > 0 ? request.threads : omp_get_max_threads());
}

// Blocks go to whichever worker is free (dynamic schedule), so a core that runs slower (a busy
// neighbour on a VM, a lower clock) takes fewer of them instead of holding up the batch, as a
// fixed share per worker would. The tallies are integer counts, so which slot a path lands in
// does not change their sum: the result is the same bits at any thread count.
void launch_paths(const BatchLaunch& batch) {
  const std::uint64_t blocks = (batch.n_paths + kPathLanes - 1) / kPathLanes;
  const SimulateBlock simulate{batch, cpu_isa_active()};  // may throw: outside the region
  const int workers = static_cast<int>(batch.workers);
#pragma omp parallel num_threads(workers)
  {
    // omp_get_thread_num() < workers: the team is never larger than asked for.
    const std::uint64_t slot = static_cast<std::uint64_t>(omp_get_thread_num());
#pragma omp for schedule(dynamic, 1)
    for (std::uint64_t block = 0; block < blocks; ++block) simulate(block, slot);
  }
}

int max_threads() { return omp_get_max_threads(); }

}  // namespace omp_backend
}  // namespace rr
