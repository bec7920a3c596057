/// @file float_math.hpp
/// e^x and ln x in single precision without branches, for the demand noise (demand_noise.hpp,
/// rng.hpp's normal_quantile_f), and e^x in double precision for values that are then rounded
/// to whole days (licensing.hpp, which falls back to libm's exp near a rounding boundary).
/// Hand-written because libm's exp, expf and logf are opaque calls the compiler cannot
/// vectorise; these are plain arithmetic and bit operations, so the CPU runs them on all lanes
/// of a PathModel at once and they give the same bits on every lane width. The single-precision
/// ones follow Cephes (S. L. Moshier): a Cody–Waite reduction and a minimax polynomial.
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

/// exp_d's domain: |x| <= kExpDRange (e^700 is about 1e304).
constexpr double kExpDRange = 700.0;

/// e^x in double precision for |x| <= kExpDRange, within 4 ulp of the exact value (tested against
/// libm in tests/kernels/test_rng.cpp): a Cody–Waite reduction x = k ln 2 + r with |r| <=
/// ln 2 / 2 (k rounded by the 1.5 x 2^52 shift, which also leaves k in the low bits), e^r by
/// its Taylor series to r^13 / 13! (the rest is below 1e-17 relative), and the 2^k scale built
/// from those bits with 64-bit integer adds and shifts that AVX2 has.
RR_HD_INLINE double exp_d(double x) {
  constexpr double kShift = 0x1.8p52;
  const double shifted = x * 1.4426950408889634 + kShift;  // k + 1.5 x 2^52, rounded to nearest
  const double k = shifted - kShift;
  // ln 2 in two parts (Cephes' C1, C2): k C1 is exact for |k| < 2^11.
  const double r = (x - k * 6.93145751953125e-1) - k * 1.42860682030941723212e-6;
  double p = 1.0 / 6227020800.0;  // 1 / 13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // The low bits of `shifted` hold k (two's complement); k + 1023 shifted into the exponent
  // field is 2^k, the shift's own high bits falling off the top.
  return p * double_from_bits((double_bits(shifted) + 1023u) << 52);
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
