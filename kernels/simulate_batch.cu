// The driver of a batch of paths, shared by both backends: nvcc compiles it for the CUDA
// backend; g++ compiles the same text through backend_omp.cpp with Thrust's OpenMP device
// system. It copies the scenario to the device, hands the backend zeroed tally slots
// (launch_paths, per backend) and adds the slots into the caller's tally.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include "reerisk/backend.hpp"
#include "reerisk/batch_launch.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {
namespace RR_BACKEND_NAMESPACE {

/// Selects the CUDA device or sets the OpenMP thread count; defined per backend in
/// cuda_device.cu and backend_omp.cpp.
void prepare_device(const BatchRequest& request);

/// Simulates the batch's paths into its tally slots; defined per backend in path_kernel.cu and
/// backend_omp.cpp. Returns when the slots are final.
void launch_paths(const BatchLaunch& batch);

void simulate_batch(const ModelSpec& spec, const BatchRequest& request,
                    std::vector<std::uint64_t>& tally) {
  const TallyLayout layout(spec);
  if (request.n_paths == 0) return;
  const std::uint64_t workers =
      kTallyIsShared ? 1 : std::max<std::uint64_t>(1, std::min<std::uint64_t>(
                                                          request.threads, request.n_paths));
  prepare_device(request);

  // Copied from host memory (one memcpy for a trivially copyable type), not filled by a kernel
  // that would carry the 17 KB ModelSpec as a parameter.
  thrust::device_vector<ModelSpec> d_spec(&spec, &spec + 1);
#if defined(__CUDACC__)
  thrust::device_vector<std::uint64_t> d_tally(workers * layout.size, 0);
  std::uint64_t* const slots = thrust::raw_pointer_cast(d_tally.data());
#else
  // On the CPU the backend's memory is host memory: the slots are kept from batch to batch
  // (thread_local keeps concurrent runs apart; the memory is one batch's, held until the
  // calling thread ends) and read in place, because allocating them afresh each batch cost
  // about 2% at 1 thread and 5% at 2 in page faults (BENCHMARKS.md).
  static thread_local std::vector<std::uint64_t> kept_slots;
  kept_slots.assign(workers * layout.size, 0);
  std::uint64_t* const slots = kept_slots.data();
#endif
  BatchLaunch batch;
  batch.spec = thrust::raw_pointer_cast(d_spec.data());
  batch.host_spec = &spec;
  batch.layout = layout;
  batch.tallies = slots;
  batch.workers = workers;
  batch.seed = request.seed;
  batch.first_path = request.first_path;
  batch.n_paths = request.n_paths;
  batch.stop = kTallyIsShared ? nullptr : request.stop;
  batch.gpu_blocks_per_sm = request.gpu_blocks_per_sm;
  batch.gpu_state = request.gpu_state;
  launch_paths(batch);

#if defined(__CUDACC__)
  std::vector<std::uint64_t> host(d_tally.size());
  thrust::copy(d_tally.begin(), d_tally.end(), host.begin());
  const std::uint64_t* const counted = host.data();
#else
  const std::uint64_t* const counted = slots;
#endif
  for (std::uint64_t w = 0; w < workers; ++w) {
    const std::uint64_t* slot = counted + w * layout.size;
    for (std::uint64_t i = 0; i < layout.size; ++i) tally[i] += slot[i];
  }
}

}  // namespace RR_BACKEND_NAMESPACE
}  // namespace rr
