/// @file demand_noise.hpp
/// The daily demand factors: one lognormal with mean 1 per segment per day, the model's most
/// frequent random draw (docs/model.md §6). Written so that a CPU compiler evaluates several paths'
/// factors at once in SIMD registers and a GPU thread does it in float arithmetic.
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/float_math.hpp"
#include "reerisk/lane_lists.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/philox_x86.hpp"
#include "reerisk/portability.hpp"
#include "reerisk/rng.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

static_assert(kMaxSegments % 4 == 0, "demand factors are drawn four segments at a time");

/// One lane's factor exp(sigma z - drift) from its word of the stream.
RR_HD_INLINE float lognormal_factor(std::uint32_t word, float sigma, float drift) {
  return exp_f(sigma * normal_quantile_f(uniform_f_from_word(word)) - drift);
}

/// lognormal_factor for four segments' words and W > 1 lanes, in passes over all of them
/// instead of one pass whose every element is a chain of ~25 dependent multiplies and adds
/// (log_f, PPND7's polynomials, the division, exp_f): a short chain per element lets the CPU
/// overlap many elements, where a long one left it waiting on latency (without FMA, which
/// -ffp-contract=off forbids, every Horner step is a multiply then an add). PPND7's tail
/// (log_f, a square root, its rational function), which 15% of draws take, runs only on
/// those: they are listed (list_flagged, in @p Simd's instructions), gathered, evaluated
/// densely and put back. Each element gets exactly lognormal_factor's arithmetic (the division
/// of ppnd7_select_f for whichever branch applies), so the bits are the same.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void lognormal_factors_in_passes(const std::uint32_t (&word)[4][W], const float* sigma4,
                                              const float* drift4, float (*factor)[W]) {
  constexpr int kN = 4 * W;
  const std::uint32_t* words = &word[0][0];
  float q[kN], z[kN], tail_arg[kN];
  std::int32_t in_tail[kN];
  RR_SIMD_LANES
  for (int k = 0; k < kN; ++k) {  // the central branch everywhere, and which draws need the tail
    const float p = uniform_f_from_word(words[k]);
    q[k] = p - 0.5f;
    float num, den;
    ppnd7_central_f(q[k], num, den);
    z[k] = num / den;
    tail_arg[k] = ppnd7_tail_argument_f(p, q[k]);
    in_tail[k] = !ppnd7_is_central_f(q[k]);
  }
  std::int32_t tail_at[kN + 16];
  const int n_tail = list_flagged<kN, Simd>(in_tail, tail_at);
  float tail_q[kN], tail_t[kN], tail_z[kN];
  for (int j = 0; j < n_tail; ++j) {
    tail_q[j] = q[tail_at[j]];
    tail_t[j] = tail_arg[tail_at[j]];
  }
  RR_SIMD_LANES
  for (int j = 0; j < n_tail; ++j) {
    float num, den;
    ppnd7_tail_f(ppnd7_tail_r_f(tail_t[j]), num, den);
    tail_z[j] = (tail_q[j] < 0.0f ? -num : num) / den;
  }
  for (int j = 0; j < n_tail; ++j) z[tail_at[j]] = tail_z[j];
  for (int i = 0; i < 4; ++i) {
    const float sigma = sigma4[i], drift = drift4[i];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) factor[i][l] = exp_f(sigma * z[i * W + l] - drift);
  }
}

/// Fills @p factor[s][l] with exp(sigma_s z - drift_s) for segments s < n and lanes l < W,
/// where z is the s-th normal of the day's demand stream (purpose kDemand, step @p day) of path
/// paths[l]: the PPND7 inversion of word s % 4 of the stream's block s / 4. @p sigma and
/// @p drift must be readable (and 0 past n) up to n rounded up to a multiple of four, as are
/// ModelSpec's arrays, and @p factor must have that many rows; a segment with sigma 0 (and
/// drift 0) gets exactly 1 without a draw, and a block of four such segments draws nothing
/// (the others' normals are the same words whatever their neighbours).
///
/// Philox (philox_lanes), PPND7 (normal_quantile_f) and exp_f have no branches, so the CPU
/// evaluates W paths' factors in SIMD registers; @p Simd names the instructions Philox and the
/// listing of PPND7's tail draws may use beyond what the compiler finds (philox_x86.hpp,
/// lane_lists.hpp), which changes no bit.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void lognormal_demand_factors(std::uint64_t seed, LanePaths paths,
                                           std::uint32_t day, int n, const float* sigma,
                                           const float* drift, float (*factor)[W]) {
  for (int base = 0; base < n; base += 4) {
    const float* sigma4 = sigma + base;
    const float* drift4 = drift + base;
    bool noisy[4];
    int n_noisy = 0;
    for (int i = 0; i < 4; ++i) {
      noisy[i] = sigma4[i] != 0.0f || drift4[i] != 0.0f;
      n_noisy += noisy[i];
      if (noisy[i]) continue;
      for (int l = 0; l < W; ++l) factor[base + i][l] = 1.0f;
    }
    if (n_noisy == 0) continue;
    std::uint32_t word[4][W];
    philox_lanes_for<W, Simd>(
        seed, paths, stream_word2(Purpose::kDemand, 0, static_cast<std::uint32_t>(base / 4)),
        day, word);
    if constexpr (W > 1) {
      if (n_noisy == 4) {
        lognormal_factors_in_passes<W, Simd>(word, sigma4, drift4, factor + base);
        continue;
      }
    }
    for (int i = 0; i < 4; ++i) {  // the same arithmetic, segment by segment
      if (!noisy[i]) continue;
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        factor[base + i][l] = lognormal_factor(word[i][l], sigma4[i], drift4[i]);
      }
    }
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
