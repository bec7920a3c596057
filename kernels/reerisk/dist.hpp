/// @file dist.hpp
/// The distributions of docs/model.md §4 as trivially copyable values, and their samplers.
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

/// The mean of @p d (the lognormal's is median x exp(sigma^2 / 2)).
RR_HD_INLINE double dist_mean(const Dist& d) {
  switch (d.kind) {
    case DistKind::kBeta: return d.p0 / (d.p0 + d.p1);
    case DistKind::kLognormal: return d.p0 * exp(0.5 * d.p1 * d.p1);
    case DistKind::kTriangular: return (d.p0 + d.p1 + d.p2) / 3.0;
    case DistKind::kUniform: return 0.5 * (d.p0 + d.p1);
    case DistKind::kFixed:
    case DistKind::kBernoulli:
    default: return d.p0;
  }
}

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

/// The lognormal @p dist (median p0, sigma p1) at the standard normal @p z.
RR_HD_INLINE double lognormal_at(const Dist& dist, double z) { return dist.p0 * exp(dist.p1 * z); }

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
      return lognormal_at(dist, s.normal());
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

/// Advances @p s past one sample(dist, s) without computing it: the draws after it are then
/// those sample() would have left. One word for the one-uniform inversions, none for a fixed
/// value; a beta's gamma rejection loops have no fixed length, so it is drawn.
RR_HD_INLINE void skip_sample(const Dist& dist, Stream& s) {
  switch (dist.kind) {
    case DistKind::kFixed:
      return;
    case DistKind::kBeta:
      (void)sample(dist, s);
      return;
    case DistKind::kTriangular:
      if (dist.p2 <= dist.p0) return;  // sample() returns lo without a draw
      (void)s.next_u32();
      return;
    case DistKind::kLognormal:
    case DistKind::kUniform:
    case DistKind::kBernoulli:
      (void)s.next_u32();
      return;
  }
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

/// For each lane l < W, `sample(dist_of(l), seed, paths[l], purpose, entity, step)`, with
/// the same bits, where the lanes' draws are Beta distributions with both shapes >= 1 (the
/// throttles of the shipped scenarios): Marsaglia–Tsang's first candidates of the two gammas
/// (the stream's first block: normal, uniform, normal, uniform) are computed for all lanes at
/// once, and a lane whose candidates are not both accepted by the squeeze (a few percent), or
/// whose distribution is another one, is sampled lane by lane.
template <int W, class Simd = SimdGeneric, class DistOf>
RR_HD_INLINE void sample_lanes(DistOf dist_of, std::uint64_t seed, LanePaths paths,
                               Purpose purpose, std::uint32_t entity, std::uint32_t step,
                               double (&out)[W]) {
  std::int32_t fast[W];
  double shape[2][W];
  int any_fast = 0;
  for (int l = 0; l < W; ++l) {
    const Dist& d = dist_of(l);
    fast[l] = d.kind == DistKind::kBeta && d.p0 >= 1.0 && d.p1 >= 1.0;
    shape[0][l] = fast[l] ? d.p0 : 1.0;
    shape[1][l] = fast[l] ? d.p1 : 1.0;
    any_fast |= fast[l];
    out[l] = fast[l] ? 0.0 : sample(d, seed, paths[l], purpose, entity, step);
  }
  if (!any_fast) return;
  std::uint32_t word[4][W];
  philox_lanes_for<W, Simd>(seed, paths, stream_word2(purpose, entity, 0), step, word);
  double z[2][W];  // the gammas' candidate normals: words 0 and 2
  normals_from_words<W, Simd>(word[0], z[0]);
  normals_from_words<W, Simd>(word[2], z[1]);
  std::int32_t slow[W];
  int any_slow = 0;
  RR_SIMD_LANES_ANY(any_slow)
  for (int l = 0; l < W; ++l) {
    double g[2];
    std::int32_t ok = 1;
    for (int i = 0; i < 2; ++i) {  // sample_gamma's first candidate, as it computes it
      const double d = shape[i][l] - 1.0 / 3.0;
      const double c = 1.0 / sqrt(9.0 * d);
      const double x = z[i][l];
      double v = 1.0 + c * x;
      ok &= v > 0.0;
      v = v * v * v;
      const double u = r123::u01fixedpt<double>(word[2 * i + 1][l]);
      const double x2 = x * x;
      ok &= u < 1.0 - 0.0331 * x2 * x2;
      g[i] = d * v;  // boost * d * v with boost 1 (shape >= 1)
    }
    slow[l] = fast[l] & (ok ^ 1);
    any_slow |= slow[l];
    const double beta = g[0] / (g[0] + g[1]);
    out[l] = fast[l] ? beta : out[l];  // slow lanes are redone below
  }
  if (any_slow) {
    for (int l = 0; l < W; ++l) {
      if (slow[l]) out[l] = sample(dist_of(l), seed, paths[l], purpose, entity, step);
    }
  }
}

/// Rounds to the nearest whole day, saturating far outside any horizon (a NaN to the top).
/// Written as selects, so that lanes round in SIMD.
RR_HD_INLINE std::int32_t round_days(double days) {
  const double clamped = days < 1e9 ? (days > -1e9 ? days : -1e9) : 1e9;
  return static_cast<std::int32_t>(floor(clamped + 0.5));
}

RR_KERNEL_CODE_END
}  // namespace rr
