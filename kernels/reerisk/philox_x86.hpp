/// @file philox_x86.hpp
/// philox_lanes (rng.hpp) written with the x86 instruction that Philox's rounds are made of:
/// `pmuludq`, the unsigned 32 x 32 -> 64-bit multiply of every 64-bit lane. g++ 12 does not
/// find it in the portable lane loop, whose 32-bit words travel in 64-bit integers: it
/// multiplies all 64 bits, which AVX-512 does with `vpmullq` (three micro-operations), and
/// AVX2 and SSE2, which have no 64-bit multiply, with a chain of about twenty shifts and adds
/// per product. Philox was the largest single cost of the AVX2 copy of the model (issue 24's
/// profile, BENCHMARKS.md).
///
/// The same bits as philox_lanes: the products of the low halves are the same numbers, and the
/// upper halves of x1 and x3 (the products' low words with their high words still attached)
/// are never read, since `pmuludq` reads only the low half of its operands and the outputs keep
/// only the low 32 bits. tests/kernels/test_rng.cpp compares both lane by lane.
///
/// CPU code only, used by the copies of the model that cpu_isa.hpp compiles (SSE2 in the
/// baseline x86-64 copy, AVX2, AVX-512): each function carries the target it needs, so that it
/// can be inlined into those copies and is never called by the others (rng.hpp's
/// philox_lanes_for picks at compile time).
#pragma once

#include <cstdint>
#include <type_traits>

#include "reerisk/lane_paths.hpp"
#include "reerisk/portability.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__CUDACC__)
#define RR_HAVE_X86_PHILOX 1
#include <immintrin.h>
#else
#define RR_HAVE_X86_PHILOX 0
#endif

namespace rr {

/// The SIMD instructions a copy of the model may use beyond what its compiler finds on its
/// own: the generic code (any compiler, the GPU), SSE2 (every x86-64), AVX2, or AVX-512
/// (AVX-512F).
struct SimdGeneric {};
struct SimdSse2 {};
struct SimdAvx2 {};
struct SimdAvx512 {};

/// The Simd type an observer of the path model names (`using simd_isa = SimdAvx2;`): the CPU
/// backend's copies say which one they were compiled for (cpu_paths.cpp); SimdGeneric otherwise.
template <class Observer, class = void>
struct simd_isa_of {
  using type = SimdGeneric;
};
template <class Observer>
struct simd_isa_of<Observer, std::void_t<typename Observer::simd_isa>> {
  using type = typename Observer::simd_isa;
};

RR_KERNEL_CODE_BEGIN

#if RR_HAVE_X86_PHILOX

/// The ten rounds' keys of Philox4x32-10 for a seed (the key after each of Random123's bumps),
/// as 64-bit words. They are the same for every group of lanes, so the lane loops below read
/// them from memory, where a broadcast is one load, rather than bumping them in general
/// registers and broadcasting them from there, a shuffle each, for every group and round.
struct PhiloxRoundKeys {
  std::uint64_t a[10], b[10];
  explicit PhiloxRoundKeys(std::uint64_t seed) {
    auto k0 = static_cast<std::uint32_t>(seed);
    auto k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int r = 0; r < 10; ++r) {
      a[r] = k0;
      b[r] = k1;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
  }
};

/// philox_lanes<W> with SSE2, two lanes per register: every x86-64 CPU has it, so the baseline
/// copy of the model uses it. W must be even.
template <int W>
__attribute__((target("sse2"))) inline void philox_lanes_sse2(std::uint64_t seed,
                                                               LanePaths paths,
                                                               std::uint32_t word2,
                                                               std::uint32_t word3,
                                                               std::uint32_t (&out)[4][W]) {
  static_assert(W % 2 == 0, "two lanes per SSE2 register");
  const PhiloxRoundKeys key(seed);
  const __m128i m0 = _mm_set1_epi64x(0xD2511F53u), m1 = _mm_set1_epi64x(0xCD9E8D57u);
  const __m128i low = _mm_set1_epi64x(0xffffffffu);
  for (int l = 0; l < W; l += 2) {
    const __m128i path =
        paths.list ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(paths.list + l))
                   : _mm_add_epi64(_mm_set1_epi64x(static_cast<long long>(paths.first)),
                                   _mm_set_epi64x(l + 1, l));
    __m128i x0 = _mm_and_si128(path, low), x1 = _mm_srli_epi64(path, 32);
    __m128i x2 = _mm_set1_epi64x(word2), x3 = _mm_set1_epi64x(word3);
    for (int r = 0; r < 10; ++r) {
      const __m128i p0 = _mm_mul_epu32(x0, m0), p1 = _mm_mul_epu32(x2, m1);
      x0 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p1, 32), x1),
                         _mm_set1_epi64x(static_cast<long long>(key.a[r])));
      x2 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p0, 32), x3),
                         _mm_set1_epi64x(static_cast<long long>(key.b[r])));
      x1 = p1;
      x3 = p0;
    }
    const __m128i x[4] = {x0, x1, x2, x3};
    for (int w = 0; w < 4; ++w) {  // the two low words side by side
      _mm_storel_epi64(reinterpret_cast<__m128i*>(&out[w][l]),
                       _mm_shuffle_epi32(x[w], _MM_SHUFFLE(3, 1, 2, 0)));
    }
  }
}

/// philox_lanes<W> with AVX2, four lanes per register. W must be a multiple of 4.
template <int W>
__attribute__((target("avx2"))) inline void philox_lanes_avx2(std::uint64_t seed,
                                                               LanePaths paths,
                                                               std::uint32_t word2,
                                                               std::uint32_t word3,
                                                               std::uint32_t (&out)[4][W]) {
  static_assert(W % 4 == 0, "four lanes per AVX2 register");
  const PhiloxRoundKeys key(seed);
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53u), m1 = _mm256_set1_epi64x(0xCD9E8D57u);
  const __m256i low = _mm256_set1_epi64x(0xffffffffu);
  const __m256i evens = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);  // the low words first
  for (int l = 0; l < W; l += 4) {
    const __m256i path =
        paths.list ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(paths.list + l))
                   : _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(paths.first)),
                                      _mm256_setr_epi64x(l, l + 1, l + 2, l + 3));
    __m256i x0 = _mm256_and_si256(path, low), x1 = _mm256_srli_epi64(path, 32);
    __m256i x2 = _mm256_set1_epi64x(word2), x3 = _mm256_set1_epi64x(word3);
    for (int r = 0; r < 10; ++r) {  // Random123's _philox4x32round with round r's key
      const __m256i p0 = _mm256_mul_epu32(x0, m0), p1 = _mm256_mul_epu32(x2, m1);
      x0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1),
                            _mm256_set1_epi64x(static_cast<long long>(key.a[r])));
      x2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3),
                            _mm256_set1_epi64x(static_cast<long long>(key.b[r])));
      x1 = p1;  // its low word; the high word is never read
      x3 = p0;
    }
    const __m256i x[4] = {x0, x1, x2, x3};
    for (int w = 0; w < 4; ++w) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[w][l]),
                       _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x[w], evens)));
    }
  }
}

// g++ 12 warns of an uninitialised variable inside its own AVX-512 intrinsics, which start
// from _mm512_undefined_epi32() (GCC bug 105593, fixed in g++ 13).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// philox_lanes<W> with AVX-512F, eight lanes per register. W must be a multiple of 8.
template <int W>
__attribute__((target("avx512f"))) inline void philox_lanes_avx512(std::uint64_t seed,
                                                                    LanePaths paths,
                                                                    std::uint32_t word2,
                                                                    std::uint32_t word3,
                                                                    std::uint32_t (&out)[4][W]) {
  static_assert(W % 8 == 0, "eight lanes per AVX-512 register");
  const PhiloxRoundKeys key(seed);
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53u), m1 = _mm512_set1_epi64(0xCD9E8D57u);
  const __m512i low = _mm512_set1_epi64(0xffffffffu);
  for (int l = 0; l < W; l += 8) {
    const __m512i path =
        paths.list ? _mm512_loadu_si512(paths.list + l)
                   : _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(paths.first)),
                                      _mm512_setr_epi64(l, l + 1, l + 2, l + 3, l + 4, l + 5,
                                                        l + 6, l + 7));
    __m512i x0 = _mm512_and_si512(path, low), x1 = _mm512_srli_epi64(path, 32);
    __m512i x2 = _mm512_set1_epi64(word2), x3 = _mm512_set1_epi64(word3);
    for (int r = 0; r < 10; ++r) {
      const __m512i p0 = _mm512_mul_epu32(x0, m0), p1 = _mm512_mul_epu32(x2, m1);
      // 0x96: the three-way exclusive or
      x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1,
                                     _mm512_set1_epi64(static_cast<long long>(key.a[r])), 0x96);
      x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3,
                                     _mm512_set1_epi64(static_cast<long long>(key.b[r])), 0x96);
      x1 = p1;
      x3 = p0;
    }
    const __m512i x[4] = {x0, x1, x2, x3};
    for (int w = 0; w < 4; ++w) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[w][l]), _mm512_cvtepi64_epi32(x[w]));
    }
  }
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // RR_HAVE_X86_PHILOX

RR_KERNEL_CODE_END
}  // namespace rr
