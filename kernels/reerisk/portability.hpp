/// @file portability.hpp
/// The only file that knows which compiler and backend build the path model.
/// Everything else uses RR_HD and the helpers below.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define RR_HD __host__ __device__
#else
#define RR_HD
#endif
#define RR_HD_INLINE RR_HD inline

// Each backend library compiles the same kernel sources; the backend namespace keeps the
// two instantiations (nvcc/CUDA and g++/OpenMP) apart so they can link into one binary.
#if defined(__CUDACC__)
#define RR_BACKEND_NAMESPACE cuda_backend
#define RR_BACKEND_NAME "cuda"
#else
#define RR_BACKEND_NAMESPACE omp_backend
#define RR_BACKEND_NAME "cpu"
#endif

namespace rr {

/// Adds @p value to a tally counter. On the GPU many threads share one tally, so the add is
/// atomic; on the CPU every OpenMP thread owns a private tally, so a plain add is exact.
RR_HD_INLINE void tally_add(std::uint64_t* counter, std::uint64_t value) {
#if defined(__CUDA_ARCH__)
  atomicAdd(reinterpret_cast<unsigned long long*>(counter),
            static_cast<unsigned long long>(value));
#else
  *counter += value;
#endif
}

}  // namespace rr

namespace rr {

/// Whether all threads of a batch add into one shared tally (GPU: atomics) or each worker
/// owns a private copy (CPU: plain adds, summed after the batch).
#if defined(__CUDACC__)
constexpr bool kTallyIsShared = true;
#else
constexpr bool kTallyIsShared = false;
#endif

}  // namespace rr
