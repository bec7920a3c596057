// CUDA runtime calls of the CUDA backend: device discovery and selection.
#include <stdexcept>
#include <string>

#include <cuda_runtime.h>

#include "reerisk/backend.hpp"

namespace rr {
namespace cuda_backend {

namespace {
/// Throws with the CUDA error's name and text, the call and where it was made.
void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(status) + " (" +
                           cudaGetErrorString(status) + ") in " + call + " at " + file + ":" +
                           std::to_string(line));
}
}  // namespace

#define RR_CUDA_TRY(call) check((call), #call, __FILE__, __LINE__)

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

void prepare_device(const BatchRequest& request) { RR_CUDA_TRY(cudaSetDevice(request.device)); }

}  // namespace cuda_backend
}  // namespace rr
