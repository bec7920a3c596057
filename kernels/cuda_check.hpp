// RR_CUDA_TRY: the CUDA backend's error check (CUDA translation units only). A failing runtime
// call throws std::runtime_error naming the error, the call and where it was made.
#pragma once

#include <stdexcept>
#include <string>

#include <cuda_runtime.h>

namespace rr {
namespace cuda_backend {

inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(status) + " (" +
                           cudaGetErrorString(status) + ") in " + call + " at " + file + ":" +
                           std::to_string(line));
}

}  // namespace cuda_backend
}  // namespace rr

#define RR_CUDA_TRY(call) ::rr::cuda_backend::check((call), #call, __FILE__, __LINE__)
