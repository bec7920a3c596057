// The one translation unit that drives the path model over a batch of paths. nvcc compiles it
// for the CUDA backend; g++ compiles the same text through backend_omp.cpp with Thrust's
// OpenMP device system. Only the launch shape differs (reerisk/portability.hpp).
#include <algorithm>
#include <cstdint>
#include <vector>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "reerisk/backend.hpp"
#include "reerisk/path_model.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {
namespace RR_BACKEND_NAMESPACE {

/// Selects the CUDA device or sets the OpenMP thread count; defined per backend in
/// cuda_device.cu and backend_omp.cpp.
void prepare_device(const BatchRequest& request);

namespace {

/// Polls BatchRequest::stop on the CPU; a GPU thread cannot poll host memory and finishes.
struct StopRequested {
  const std::atomic<int>* flag;
  RR_HD bool operator()() const {
#if defined(__CUDA_ARCH__)
    return false;
#else
    return flag && flag->load(std::memory_order_relaxed) != 0;
#endif
  }
};

/// Simulates the paths of one chunk into that chunk's tally slot. On the GPU a chunk is one
/// path and all chunks share one slot; on the CPU a chunk is a contiguous range of paths
/// owned by one thread with a private slot, run kPathLanes paths at a time.
struct SimulateChunk {
  const ModelSpec* spec;
  TallyLayout layout;
  std::uint64_t* tallies;
  std::uint64_t tally_stride;
  std::uint64_t seed;
  std::uint64_t first_path;
  std::uint64_t end_path;
  std::uint64_t paths_per_chunk;
  const std::atomic<int>* stop;  ///< polled between paths on the CPU (BatchRequest::stop)

  RR_CPU_ISA_DISPATCH RR_HD void operator()(std::uint64_t chunk) const {
    const std::uint64_t begin = first_path + chunk * paths_per_chunk;
    const std::uint64_t end =
        begin + paths_per_chunk < end_path ? begin + paths_per_chunk : end_path;
    run_path_range<kPathLanes>(*spec, layout, tallies + chunk * tally_stride, seed, begin, end,
                               NullObserver(), StopRequested{stop});
  }
};

}  // namespace

void simulate_batch(const ModelSpec& spec, const BatchRequest& request,
                    std::vector<std::uint64_t>& tally) {
  const TallyLayout layout(spec);
  if (request.n_paths == 0) return;
  const std::uint64_t workers =
      kTallyIsShared ? 1 : std::max<std::uint64_t>(1, std::min<std::uint64_t>(
                                                          request.threads, request.n_paths));
  const std::uint64_t per_chunk =
      kTallyIsShared ? 1 : (request.n_paths + workers - 1) / workers;
  const std::uint64_t chunks = kTallyIsShared ? request.n_paths : workers;
  prepare_device(request);

  // Copied from host memory (one memcpy for a trivially copyable type), not filled by a kernel
  // that would carry the 17 KB ModelSpec as a parameter.
  thrust::device_vector<ModelSpec> d_spec(&spec, &spec + 1);
  thrust::device_vector<std::uint64_t> d_tally(workers * layout.size, 0);
  SimulateChunk body{thrust::raw_pointer_cast(d_spec.data()),
                     layout,
                     thrust::raw_pointer_cast(d_tally.data()),
                     kTallyIsShared ? 0 : layout.size,
                     request.seed,
                     request.first_path,
                     request.first_path + request.n_paths,
                     per_chunk,
                     kTallyIsShared ? nullptr : request.stop};
  thrust::for_each(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                   thrust::counting_iterator<std::uint64_t>(chunks), body);

  std::vector<std::uint64_t> host(d_tally.size());
  thrust::copy(d_tally.begin(), d_tally.end(), host.begin());
  for (std::uint64_t w = 0; w < workers; ++w) {
    const std::uint64_t* slot = host.data() + w * layout.size;
    for (std::uint64_t i = 0; i < layout.size; ++i) tally[i] += slot[i];
  }
}

}  // namespace RR_BACKEND_NAMESPACE
}  // namespace rr
