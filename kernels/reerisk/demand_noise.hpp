/// @file demand_noise.hpp
/// The daily demand factors: one lognormal with mean 1 per segment per day, the model's most
/// frequent random draw (MODEL.md §6). Written so that a CPU compiler evaluates several paths'
/// factors at once in SIMD registers and a GPU thread does it in float arithmetic.
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/model_spec.hpp"
#include "reerisk/portability.hpp"
#include "reerisk/rng.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

static_assert(kMaxSegments % 4 == 0, "demand factors are drawn four segments at a time");

/// e^x in single precision, within 2 ulp, for |x| <= 87 (outside, the 2^k scale overflows;
/// the demand factor's exponent stays within |x| < 10 because the loader caps demand_cv at 10).
/// Cephes' expf polynomial (S. Moshier) with the 2^k scale built from the exponent bits.
/// Hand-written because libm's expf is an opaque call the compiler cannot vectorise: this
/// one has no branch, so four segments run in one SSE register. exp_f(0) is exactly 1.
RR_HD_INLINE float exp_f(float x) {
  // k = round(x / ln 2); x / ln 2 + 128.5 > 0, where truncation is floor.
  const std::int32_t k =
      static_cast<std::int32_t>(x * 1.44269504088896341f + 128.5f) - 128;
  const float kf = static_cast<float>(k);
  const float r = x - kf * 0.693359375f - kf * -2.12194440e-4f;  // Cody–Waite: ln 2 in two parts
  const float p =
      (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r +
         4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1.0f;
  return p * float_from_bits(static_cast<std::uint32_t>(k + 127) << 23);
}

/// Fills @p factor[s][l] with exp(sigma_s z - drift_s) for segments s < n and lanes l < W,
/// where z is the s-th normal of the day's demand stream (purpose kDemand, step @p day) of path
/// first_path + l: the PPND7 inversion of word s % 4 of the stream's block s / 4. @p sigma and
/// @p drift must be readable (and 0 past n) up to n rounded up to a multiple of four, as are
/// ModelSpec's arrays, and @p factor must have that many rows; a segment with sigma 0 gets
/// exactly 1.
///
/// Philox (philox_lanes), the central branch of PPND7 and exp_f run on all lanes without
/// branches, so the CPU evaluates W paths' factors in SIMD registers; the 15% of normals in a
/// tail are then redone one by one with the full quantile.
template <int W>
RR_HD_INLINE void lognormal_demand_factors(std::uint64_t seed, std::uint64_t first_path,
                                           std::uint32_t day, int n, const float* sigma,
                                           const float* drift, float (*factor)[W]) {
  for (int base = 0; base < n; base += 4) {
    std::uint32_t word[4][W];
    philox_lanes<W>(seed, first_path,
                    stream_word2(Purpose::kDemand, 0, static_cast<std::uint32_t>(base / 4)), day,
                    word);
    float p[4][W], z[4][W];
    int tail = 0;
    for (int i = 0; i < 4; ++i) {
      RR_SIMD_LANES_ANY(tail)
      for (int l = 0; l < W; ++l) {
        p[i][l] = uniform_f_from_word(word[i][l]);
        const float q = p[i][l] - 0.5f;
        z[i][l] = normal_quantile_central_f(q);
        tail |= fabsf(q) > 0.425f;
      }
    }
    if (tail) {
      for (int i = 0; i < 4; ++i) {
        for (int l = 0; l < W; ++l) {
          if (fabsf(p[i][l] - 0.5f) > 0.425f) z[i][l] = normal_quantile_f(p[i][l]);
        }
      }
    }
    for (int i = 0; i < 4; ++i) {
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        factor[base + i][l] = exp_f(sigma[base + i] * z[i][l] - drift[base + i]);
      }
    }
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
