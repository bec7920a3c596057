// The CPU backend: the same driver as the CUDA backend, compiled by the host compiler with
// Thrust's OpenMP device system (THRUST_DEVICE_SYSTEM is set by CMake for this target).
#include <omp.h>

#include "simulate_batch.cu"

namespace rr {
namespace omp_backend {

void prepare_device(const BatchRequest& request) {
  omp_set_num_threads(request.threads > 0 ? request.threads : omp_get_max_threads());
}

int max_threads() { return omp_get_max_threads(); }

}  // namespace omp_backend
}  // namespace rr
