/// @file dist.hpp
/// The distributions of MODEL.md §4 as trivially copyable values, and their samplers.
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/portability.hpp"
#include "reerisk/rng.hpp"

namespace rr {

/// The distribution families a scenario may use.
enum class DistKind : std::int32_t {
  kFixed = 0,       ///< p0 = value
  kBeta = 1,        ///< p0 = a, p1 = b
  kLognormal = 2,   ///< p0 = median, p1 = sigma (of the log)
  kTriangular = 3,  ///< p0 = min, p1 = mode, p2 = max
  kUniform = 4,     ///< p0 = min, p1 = max
  kBernoulli = 5,   ///< p0 = p
};

/// A distribution with its parameters (validated by the scenario loader).
struct Dist {
  DistKind kind = DistKind::kFixed;
  double p0 = 0.0;
  double p1 = 0.0;
  double p2 = 0.0;
};

RR_KERNEL_CODE_BEGIN

/// Gamma(shape a, scale 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma
/// variables", ACM TOMS 26(3). Hand-written because neither Random123 nor Thrust provides a
/// device-side gamma sampler; for a < 1 it uses the boost Gamma(a) = Gamma(a+1) U^(1/a).
RR_HD_INLINE double sample_gamma(double a, Stream& s) {
  double boost = 1.0;
  if (a < 1.0) {
    boost = pow(s.uniform(), 1.0 / a);
    a += 1.0;
  }
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    const double x = s.normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = s.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return boost * d * v;
    if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) return boost * d * v;
  }
}

/// One draw from @p dist using the stream @p s.
RR_HD_INLINE double sample(const Dist& dist, Stream& s) {
  switch (dist.kind) {
    case DistKind::kFixed:
      return dist.p0;
    case DistKind::kBeta: {
      const double x = sample_gamma(dist.p0, s);
      const double y = sample_gamma(dist.p1, s);
      // With tiny shapes both gammas can underflow to 0; Beta(a, b) then tends to
      // Bernoulli(a / (a + b)), so draw that instead of returning 0/0.
      if (!(x + y > 0.0)) return s.uniform() < dist.p0 / (dist.p0 + dist.p1) ? 1.0 : 0.0;
      return x / (x + y);
    }
    case DistKind::kLognormal:
      return dist.p0 * exp(dist.p1 * s.normal());
    case DistKind::kTriangular: {
      // Inverse CDF of the triangular distribution.
      const double lo = dist.p0, mode = dist.p1, hi = dist.p2;
      if (hi <= lo) return lo;
      const double u = s.uniform();
      const double fc = (mode - lo) / (hi - lo);
      if (u < fc) return lo + sqrt(u * (hi - lo) * (mode - lo));
      return hi - sqrt((1.0 - u) * (hi - lo) * (hi - mode));
    }
    case DistKind::kUniform:
      return dist.p0 + (dist.p1 - dist.p0) * s.uniform();
    case DistKind::kBernoulli:
      return s.uniform() < dist.p0 ? 1.0 : 0.0;
  }
  return dist.p0;
}

/// Convenience: the draw for (seed, path, purpose, entity, step).
RR_HD_INLINE double sample(const Dist& dist, std::uint64_t seed, std::uint64_t path,
                           Purpose purpose, std::uint32_t entity, std::uint32_t step) {
  if (dist.kind == DistKind::kFixed) return dist.p0;
  Stream s(seed, path, purpose, entity, step);
  return sample(dist, s);
}

/// Bernoulli(p) for (seed, path, purpose, entity, step). p <= 0 is never, p >= 1 always.
RR_HD_INLINE bool bernoulli(double p, std::uint64_t seed, std::uint64_t path, Purpose purpose,
                            std::uint32_t entity, std::uint32_t step) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  Stream s(seed, path, purpose, entity, step);
  return s.uniform() < p;
}

RR_KERNEL_CODE_END
}  // namespace rr
