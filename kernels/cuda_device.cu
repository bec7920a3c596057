// CUDA runtime calls of the CUDA backend: device discovery and selection.
#include <cstddef>
#include <cstdint>
#include <string>

#include <cuda_runtime.h>

#include "cuda_check.hpp"
#include "reerisk/backend.hpp"

namespace rr {
namespace cuda_backend {

bool compiled() { return true; }

int device_count(std::string* why) {
  int n = 0;
  const cudaError_t status = cudaGetDeviceCount(&n);
  if (status != cudaSuccess) {
    if (why) *why = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky-free error so later probes start clean
    return 0;
  }
  if (n == 0 && why) *why = "the CUDA runtime reports no device";
  return n;
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    return "";
  }
  return prop.name;
}

std::uint64_t device_bytes_in_use(int device) {
  std::size_t free = 0, total = 0;
  if (cudaSetDevice(device) != cudaSuccess || cudaMemGetInfo(&free, &total) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return total - free;
}

void prepare_device(const BatchRequest& request) { RR_CUDA_TRY(cudaSetDevice(request.device)); }

}  // namespace cuda_backend
}  // namespace rr
