// Stands in for the CUDA backend in builds without the CUDA toolkit, so that host code can
// ask for it and get a clear answer instead of a link error.
#include <stdexcept>

#include "reerisk/backend.hpp"

namespace rr {
namespace cuda_backend {

bool compiled() { return false; }

int device_count(std::string* why) {
  if (why) *why = "this reerisk was built without the CUDA toolkit (CPU backend only)";
  return 0;
}

std::string device_name(int) { return ""; }

void simulate_batch(const ModelSpec&, const BatchRequest&, std::vector<std::uint64_t>&) {
  throw std::runtime_error("the CUDA backend is not part of this build");
}

std::uint64_t device_bytes_in_use(int) { return 0; }

std::uint64_t device_bytes_in_use_peak() { return 0; }

}  // namespace cuda_backend
}  // namespace rr
