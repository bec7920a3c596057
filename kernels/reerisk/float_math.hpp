/// @file float_math.hpp
/// e^x and ln x in single precision without branches, for the demand noise (demand_noise.hpp,
/// rng.hpp's normal_quantile_f). Hand-written because libm's expf and logf are opaque calls the
/// compiler cannot vectorise; these are plain arithmetic and bit operations, so the CPU runs
/// them on all lanes of a PathModel at once and they give the same bits on every lane width.
/// Both follow Cephes (S. L. Moshier): a Cody–Waite reduction and a minimax polynomial.
#pragma once

#include <cstdint>

#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// e^x in single precision, within 2 ulp, for |x| <= 87 (outside, the 2^k scale overflows;
/// the demand factor's exponent stays within |x| < 10 because the loader caps demand_cv at 10).
/// Cephes' expf polynomial with the 2^k scale built from the exponent bits. exp_f(0) is
/// exactly 1.
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

/// ln x in single precision, within 2 ulp, for positive normal x (the demand noise takes it of
/// uniforms in [2^-24, 1)). Cephes' logf: x = m 2^e with m in [sqrt(1/2), sqrt(2)), the
/// exponent and mantissa taken from the bits, then ln(m) by a degree-9 polynomial in m - 1.
RR_HD_INLINE float log_f(float x) {
  const std::uint32_t bits = float_bits(x);
  std::int32_t e = static_cast<std::int32_t>((bits >> 23) & 0xffu) - 126;  // x = f 2^e, f in [0.5, 1)
  float f = float_from_bits((bits & 0x807fffffu) | 0x3f000000u);
  const bool low = f < 0.707106781186547524f;  // fold f into [sqrt(1/2), sqrt(2))
  e = low ? e - 1 : e;
  f = low ? f + f - 1.0f : f - 1.0f;
  const float z = f * f;
  float y = ((((((((7.0376836292e-2f * f - 1.1514610310e-1f) * f + 1.1676998740e-1f) * f -
                  1.2420140846e-1f) * f + 1.4249322787e-1f) * f - 1.6668057665e-1f) * f +
               2.0000714765e-1f) * f - 2.4999993993e-1f) * f + 3.3333331174e-1f) * f * z;
  const float fe = static_cast<float>(e);
  y += -2.12194440e-4f * fe;  // ln 2 in two parts, as in exp_f
  y += -0.5f * z;
  return f + y + 0.693359375f * fe;
}

RR_KERNEL_CODE_END
}  // namespace rr
