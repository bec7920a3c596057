/// @file path_weight.hpp
/// Likelihood-ratio weights of importance sampling, as exact integer tallies.
///
/// A rare-event run ([rare_event], docs/model.md §10) draws some drivers from tilted laws and
/// weights each path by the likelihood ratio w = prod p(draw) / q(draw) of the draws it made.
/// Estimates need sums of w and w^2 over paths; summed as doubles they would depend on the
/// order of the additions, i.e. on threads, batches and ranks. So each per-path value is cut
/// into kWeightLimbs fixed-point limbs of kWeightLimbBits bits, and tally word k sums limb k
/// over the paths. Each word stays exact for up to 2^(64 - kWeightLimbBits) = 2^40 paths, and
/// words of disjoint path ranges simply add up, like every other counter of the tally.
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/dist.hpp"
#include "reerisk/portability.hpp"

namespace rr {

constexpr int kWeightLimbBits = 24;
constexpr int kWeightLimbs = 5;
/// Limbs below the binary point: values are held to 2^-72 (w^2 of w = 1e-8 to 2e-6 relative).
constexpr int kWeightFractionLimbs = 3;
/// Values at or above 2^48 (w^2 of w >= 2^24) do not fit; such paths are tallied as clamped.
constexpr double kWeightLimit = 281474976710656.0;  // 2^48
/// What a clamped value becomes: the largest that fits.
constexpr double kWeightValueClamp = 281474976710655.0;  // 2^48 - 1
/// What a clamped weight becomes: the largest whose square fits.
constexpr double kWeightClamp = 16777215.0;  // 2^24 - 1
/// Paths a rare-event run may hold before a tally word could overflow.
constexpr std::uint64_t kMaxWeightedPaths = std::uint64_t{1} << (64 - kWeightLimbBits);

RR_KERNEL_CODE_BEGIN

/// The density of triangular(lo, mode, hi) at @p x (lo < hi).
RR_HD_INLINE double triangular_density(double lo, double mode, double hi, double x) {
  if (x < lo || x > hi) return 0.0;
  if (x < mode) return 2.0 * (x - lo) / ((hi - lo) * (mode - lo));
  if (x > mode) return 2.0 * (hi - x) / ((hi - lo) * (hi - mode));
  return 2.0 / (hi - lo);
}

/// The likelihood ratio p(x) / q(x) of a draw @p x from the tilted law @p q of a continuous
/// driver whose scenario law is @p p: two lognormals (sigma > 0), or two triangulars with the
/// same support (the loader allows nothing else, so that q > 0 wherever p > 0). 0 where q(x) = 0
/// (never drawn).
RR_HD_INLINE double density_ratio(const Dist& p, const Dist& q, double x) {
  if (p.kind == DistKind::kLognormal) {
    const double lx = log(x);
    const double zp = (lx - log(p.p0)) / p.p1;
    const double zq = (lx - log(q.p0)) / q.p1;
    return q.p1 / p.p1 * exp(0.5 * (zq * zq - zp * zp));  // the 1 / x of both densities cancels
  }
  const double fq = triangular_density(q.p0, q.p1, q.p2, x);
  return fq > 0.0 ? triangular_density(p.p0, p.p1, p.p2, x) / fq : 0.0;
}

/// The limbs of @p v in [0, kWeightLimit), most significant first. Exact down to 2^-72
/// (truncated below): every step scales by a power of two and removes a whole part.
RR_HD_INLINE void weight_limbs(double v, std::uint32_t limbs[kWeightLimbs]) {
  const double scale = 16777216.0;  // 2^24
  double x = v / scale;             // the top limb's unit is 2^24
  for (int k = 0; k < kWeightLimbs; ++k) {
    const double whole = floor(x);
    limbs[k] = static_cast<std::uint32_t>(whole);
    x = (x - whole) * scale;
  }
}

/// The value of a tally's limb words (most significant first), as a double.
RR_HD_INLINE double weight_value(const std::uint64_t words[kWeightLimbs]) {
  double v = 0.0;
  double unit = 1.0;
  for (int k = 0; k < kWeightFractionLimbs; ++k) unit /= 16777216.0;
  for (int k = kWeightLimbs - 1; k >= 0; --k) {  // least significant first
    v += static_cast<double>(words[k]) * unit;
    unit *= 16777216.0;
  }
  return v;
}

RR_KERNEL_CODE_END
}  // namespace rr
