/// @file lane_lists.hpp
/// The list of the elements whose flag is set, in order (a stream compaction), for the CPU
/// copies of the model: a vector pass over many lanes flags the few elements that need a
/// costly branch (PPND7's tail in the demand noise, 15% of draws), and the branch then runs
/// densely on the listed ones only. g++ does not vectorise a compaction, and in the AVX-512
/// copy its scalar loop (a store and an add per element, chained through the count) cost more
/// than the tail it saved (BENCHMARKS.md, twenty-seventh session), so the x86 copies list
/// eight (AVX2, with a table of the 256 index patterns) or sixteen (AVX-512, `vpcompressd`)
/// elements per group of a few instructions.
#pragma once

#include <cstdint>
#include <type_traits>

#include "reerisk/philox_x86.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Writes to @p at the indices k < @p n with @p flag[k] (0 or 1) set, in increasing order, and
/// returns how many. @p at must have room for n + 16 entries: the SIMD forms store whole
/// groups and may write past the count.
RR_HD_INLINE int list_flagged_generic(const std::int32_t* flag, int n, std::int32_t* at) {
  int count = 0;
  for (int k = 0; k < n; ++k) {  // without a branch per element
    at[count] = k;
    count += flag[k];
  }
  return count;
}

#if RR_HAVE_X86_PHILOX

/// Row m: the positions of the set bits of m, in increasing order, then zeros.
struct SetBitPositions {
  std::uint8_t row[256][8];
  constexpr SetBitPositions() : row{} {
    for (int m = 0; m < 256; ++m) {
      int j = 0;
      for (int b = 0; b < 8; ++b) {
        if (m & (1 << b)) row[m][j++] = static_cast<std::uint8_t>(b);
      }
    }
  }
};
inline constexpr SetBitPositions kSetBitPositions{};

/// list_flagged_generic with AVX2, eight elements at a time. @p n must be a multiple of 8.
__attribute__((target("avx2,popcnt"))) inline int list_flagged_avx2(const std::int32_t* flag,
                                                                    int n, std::int32_t* at) {
  int count = 0;
  for (int k = 0; k < n; k += 8) {
    const __m256i f = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(flag + k));
    // 0 - 1 sets the sign bit that movemask reads
    const __m256i sign = _mm256_sub_epi32(_mm256_setzero_si256(), f);
    const int m = _mm256_movemask_ps(_mm256_castsi256_ps(sign));
    const __m128i positions =
        _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kSetBitPositions.row[m]));
    const __m256i index = _mm256_add_epi32(_mm256_cvtepu8_epi32(positions), _mm256_set1_epi32(k));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(at + count), index);
    count += _mm_popcnt_u32(static_cast<unsigned>(m));
  }
  return count;
}

/// list_flagged_generic with AVX-512F, sixteen elements at a time. @p n must be a multiple of 16.
__attribute__((target("avx512f,popcnt"))) inline int list_flagged_avx512(const std::int32_t* flag,
                                                                        int n, std::int32_t* at) {
  int count = 0;
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int k = 0; k < n; k += 16) {
    const __m512i f = _mm512_loadu_si512(flag + k);
    const __mmask16 m = _mm512_test_epi32_mask(f, f);
    _mm512_mask_compressstoreu_epi32(at + count, m, _mm512_add_epi32(iota, _mm512_set1_epi32(k)));
    count += _mm_popcnt_u32(static_cast<unsigned>(m));
  }
  return count;
}

#endif  // RR_HAVE_X86_PHILOX

/// list_flagged_generic in the instructions @p Simd allows (philox_x86.hpp's tags). N is the
/// number of elements, known at compile time.
template <int N, class Simd = SimdGeneric>
RR_HD_INLINE int list_flagged(const std::int32_t* flag, std::int32_t* at) {
#if RR_HAVE_X86_PHILOX
  if constexpr (std::is_same<Simd, SimdAvx512>::value && N % 16 == 0) {
    return list_flagged_avx512(flag, N, at);
  } else if constexpr (std::is_same<Simd, SimdAvx2>::value && N % 8 == 0) {
    return list_flagged_avx2(flag, N, at);
  }
#endif
  return list_flagged_generic(flag, N, at);
}

RR_KERNEL_CODE_END
}  // namespace rr
