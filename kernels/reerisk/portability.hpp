/// @file portability.hpp
/// The only file that knows which compiler and backend build the path model.
/// Everything else uses RR_HD and the helpers below.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#endif

#if defined(__CUDACC__)
#define RR_HD __host__ __device__
#else
#define RR_HD
#endif
#define RR_HD_INLINE RR_HD inline
// A helper only some runs take (importance sampling's weighted tallies): on the GPU it stays a
// call, since inlined at each of its many sites it costs the kernel registers and spills on the
// paths that never take it; the CPU's compilers inline as they see fit.
#if defined(__CUDACC__)
#define RR_HD_COLD __host__ __device__ __noinline__
#else
#define RR_HD_COLD
#endif

#define RR_PRAGMA(x) _Pragma(#x)

// A loop over a PathModel's lanes (path_model.hpp) whose iterations are independent: on the CPU
// `omp simd` (enabled by -fopenmp-simd on every target that includes the model) makes g++
// vectorise it, where its cost model would otherwise unroll the lanes into scalar code.
// _ANY(flag) also ORs `flag |= ...` across the lanes, _SUM(a, ...) adds `a += ...` (integers).
// On the GPU a thread has one lane. Other host compilers (clang builds the fuzzers) get plain
// loops: clang warns about every `omp simd` loop it cannot vectorise under the sanitizers.
#if defined(__CUDACC__) || !defined(__GNUC__) || defined(__clang__)
#define RR_SIMD_LANES
#define RR_SIMD_LANES_ANY(flag)
#define RR_SIMD_LANES_SUM(...)
#else
#define RR_SIMD_LANES RR_PRAGMA(omp simd)
#define RR_SIMD_LANES_ANY(flag) RR_PRAGMA(omp simd reduction(| : flag))
#define RR_SIMD_LANES_SUM(...) RR_PRAGMA(omp simd reduction(+ : __VA_ARGS__))
#endif

// The CPU's copies of the path model (AVX-512, AVX2, baseline) and the choice between them:
// reerisk/cpu_isa.hpp.

// Each backend library compiles the same kernel sources; the backend namespace keeps the
// two instantiations (nvcc/CUDA and g++/OpenMP) apart so they can link into one binary.
#if defined(__CUDACC__)
#define RR_BACKEND_NAMESPACE cuda_backend
#define RR_BACKEND_NAME "cuda"
#else
#define RR_BACKEND_NAMESPACE omp_backend
#define RR_BACKEND_NAME "cpu"
#endif

// The model's functions live in an inline namespace per compiler pass. nvcc's host pass and
// g++ both emit them as weak symbols; without distinct names the linker would keep one copy
// for both backends, possibly the one nvcc's host compiler optimised less (found in a
// profile: the CPU backend ran the nvcc host copy of the day loop, unvectorised). The data
// types the backends exchange (ModelSpec, TallyLayout, BatchRequest) stay in rr itself.
#if defined(__CUDACC__)
#define RR_KERNEL_CODE_BEGIN inline namespace kernels_cuda {
#else
#define RR_KERNEL_CODE_BEGIN inline namespace kernels_cpu {
#endif
#define RR_KERNEL_CODE_END }

namespace rr {
RR_KERNEL_CODE_BEGIN

/// The value of type @p To with the bit pattern of @p x, as C++20's std::bit_cast (memcpy
/// of a scalar compiles to a register move on the CPU and the GPU).
template <class To, class From>
RR_HD_INLINE To bit_cast_of(const From& x) {
  static_assert(sizeof(To) == sizeof(From), "a bit cast keeps the size");
  To y;
  std::memcpy(&y, &x, sizeof y);
  return y;
}

/// The float whose IEEE-754 bit pattern is @p bits, and back; the same for doubles.
RR_HD_INLINE float float_from_bits(std::uint32_t bits) { return bit_cast_of<float>(bits); }
RR_HD_INLINE std::uint32_t float_bits(float x) { return bit_cast_of<std::uint32_t>(x); }
RR_HD_INLINE double double_from_bits(std::uint64_t bits) { return bit_cast_of<double>(bits); }
RR_HD_INLINE std::uint64_t double_bits(double x) { return bit_cast_of<std::uint64_t>(x); }

/// Adds @p value to a tally counter. On the GPU many threads share one tally, so the add is
/// atomic, and warp-aggregated: the threads of a warp that add to the same counter at the same
/// time (the month's regime and price bins, the path count, "never ran out") sum their values
/// and one of them issues the atomic. On the CPU every OpenMP thread owns a private tally, so
/// a plain add is exact.
RR_HD_INLINE void tally_add(std::uint64_t* counter, std::uint64_t value) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 700
  namespace cg = cooperative_groups;
  const cg::coalesced_group peers = cg::labeled_partition(cg::coalesced_threads(), counter);
  const unsigned long long total = cg::reduce(peers, static_cast<unsigned long long>(value),
                                              cg::plus<unsigned long long>());
  if (peers.thread_rank() == 0) atomicAdd(reinterpret_cast<unsigned long long*>(counter), total);
#elif defined(__CUDA_ARCH__)
  atomicAdd(reinterpret_cast<unsigned long long*>(counter),
            static_cast<unsigned long long>(value));
#else
  *counter += value;
#endif
}

RR_KERNEL_CODE_END
}  // namespace rr

namespace rr {

/// Whether all threads of a batch add into one shared tally (GPU: atomics) or each worker
/// owns a private copy (CPU: plain adds, summed after the batch).
#if defined(__CUDACC__)
constexpr bool kTallyIsShared = true;
#else
constexpr bool kTallyIsShared = false;
#endif

/// Paths one worker simulates in lockstep (PathModel's lanes, path_model.hpp). On the CPU the
/// daily arithmetic of kPathLanes paths runs in SIMD registers (eight AVX-512 registers of
/// doubles per array); more lanes share the per-day control work among more paths and give
/// the out-of-order core more independent work in the allocation's division chains. Measured
/// on the baseline, one core: 8 lanes 7.5e6, 16 lanes 1.29e7, 32 lanes 1.41e7 path-days/s
/// (an earlier model); with the transit calendar, 64 lanes are 5.5% faster than 32 and 128
/// lanes 3% (BENCHMARKS.md). The state of 64 paths is about 400 KB, on the worker's stack.
/// A GPU thread runs one path.
#if defined(__CUDACC__)
constexpr int kPathLanes = 1;
#else
constexpr int kPathLanes = 64;
#endif

}  // namespace rr
