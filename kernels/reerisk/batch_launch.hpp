/// @file batch_launch.hpp
/// What simulate_batch.cu hands a backend to simulate a batch: the paths, and the device-side
/// scenario and tally slots it has set up. Each backend launches the path model its own way:
/// the CPU in blocks of kPathLanes paths handed to whichever OpenMP worker is free
/// (backend_omp.cpp), the GPU one path per thread in its own kernel (path_kernel.cu).
#pragma once

#include <atomic>
#include <cstdint>

#include "reerisk/backend.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

struct BatchLaunch {
  const ModelSpec* spec = nullptr;       ///< the scenario in the backend's memory
  const ModelSpec* host_spec = nullptr;  ///< the same in host memory (for sizes)
  TallyLayout layout;
  std::uint64_t* tallies = nullptr;      ///< `workers` slots of layout.size counters, zeroed
  std::uint64_t workers = 1;             ///< tally slots: CPU threads, or 1 shared on the GPU
  std::uint64_t seed = 0;
  std::uint64_t first_path = 0;
  std::uint64_t n_paths = 0;
  const std::atomic<int>* stop = nullptr;  ///< CPU only (BatchRequest::stop)
  int gpu_blocks_per_sm = 0;               ///< GPU only (BatchRequest::gpu_blocks_per_sm)
  GpuStateLayout gpu_state = GpuStateLayout::kCompact;  ///< GPU only (BatchRequest::gpu_state)
};

}  // namespace rr
