/// @file rng.hpp
/// Counter-based random numbers (Random123 Philox4x32-10) keyed by what is simulated.
///
/// A draw is a pure function of (seed, path index, purpose, entity, step): the path's future
/// does not depend on the backend, the thread that runs it, the batch it is in or which rank
/// of a sharded run simulates it (docs/model.md §3). Sweep points reuse the same keys, which gives
/// common random numbers for free.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include "reerisk/float_math.hpp"
#include "reerisk/lane_lists.hpp"
#include "reerisk/lane_paths.hpp"
#include "reerisk/philox_x86.hpp"
#include "reerisk/portability.hpp"

namespace rr {

/// What a draw is for. Each purpose owns its own counter space, so adding draws for one
/// mechanism never shifts the draws of another. Values are part of the output contract:
/// never renumber, only append.
enum class Purpose : std::uint32_t {
  kRegimeInitial = 1,   ///< initial regime state (step 0)
  kRegimeStep = 2,      ///< monthly Markov transition (step = month index)
  kEvent = 3,           ///< scheduled event fires (entity = event index)
  kThrottle = 4,        ///< monthly throttle (entity = material, step = month)
  kApprovalShare = 5,   ///< q of a regime episode (step = episode number)
  kApproval = 6,        ///< batch approved? (entity = material, step = month)
  kLicenceDays = 7,     ///< licence lead time (entity = material, step = month)
  kLeakage = 8,         ///< smuggled share of blocked volume (once per path)
  kInterdiction = 9,    ///< seizure probability (once per path)
  kSeizure = 10,        ///< batch seized? (entity = material, step = month)
  kPlantDelay = 11,     ///< commissioning delay (entity = plant)
  kPlantCancel = 12,    ///< cancellation (entity = plant)
  kPlantRamp = 13,      ///< ramp duration (entity = plant)
  kPlantOutage = 14,    ///< outage starts? (entity = plant, step = month)
  kPlantOutageDays = 15,///< outage length (entity = plant, step = month)
  kCover = 16,          ///< initial inventory cover (entity = segment)
  kDemand = 17,         ///< daily demand factors (step = day; segment s takes normal s)
  kPipelineShare = 18,  ///< q of the pre-start regime (pipeline_at_start)
  kPipelineThrottle = 19,  ///< pre-start throttle (entity = material, step = months back)
  kPipelineApproval = 20,  ///< pre-start batch approved? (entity, step as above)
  kPipelineLicenceDays = 21,  ///< pre-start licence lead time
  kPipelineSeizure = 22,   ///< pre-start smuggled batch seized?
  kDesign = 23,            ///< Latin-hypercube designs (host only; path slot = point/axis)
  kPricePremium = 24,      ///< licensing price premium (entity = material, step = episode)
};

using Philox = r123::Philox4x32_R<10>;

RR_KERNEL_CODE_BEGIN

/// AS 241's central branch, normal_quantile(0.5 + q) for |q| <= 0.425 (85% of uniforms): two
/// polynomials and a division, no branch, so lanes of a PathModel evaluate it in SIMD registers
/// (first_normal_lanes) with the bits the one-path function gives.
RR_HD_INLINE double normal_quantile_central(double q) {
  const double r = 0.180625 - q * q;
  return q *
         (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r +
               6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r +
             1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
           1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
         (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r +
               3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r +
             5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
           4.2313330701600911252e+1) * r + 1.0);
}

/// Standard normal quantile by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3),
/// 1988), accurate to about 1e-16. Hand-written: neither Random123 nor Thrust has a device-side
/// normal quantile, and inversion needs one uniform per normal and, for 85% of draws, no
/// transcendental function at all (Box–Muller needs log, sqrt and cos for every pair).
RR_HD_INLINE double normal_quantile(double p) {
  const double q = p - 0.5;
  if (fabs(q) <= 0.425) return normal_quantile_central(q);
  double r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
              2.41780725177450611770e-1) * r + 1.27045825245236838258e+0) * r +
            3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
          4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
              1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r +
            6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
          2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
              1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r +
            2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
          5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
              1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r +
            1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
          5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0.0 ? -x : x;
}

/// Uniform in (0, 1) in single precision from one 32-bit word: the top 23 bits with the lowest
/// set, times 2^-24, i.e. odd multiples of 2^-24. The same value as Random123's
/// u01fixedpt<float>, written with a signed conversion so that four lanes vectorise.
RR_HD_INLINE float uniform_f_from_word(std::uint32_t word) {
  return static_cast<float>(static_cast<std::int32_t>((word >> 8) | 1u)) * 0x1p-24f;
}

// PPND7 (normal_quantile_f) in pieces.

/// PPND7's central branch at q = p - 1/2, as a numerator and a denominator.
RR_HD_INLINE void ppnd7_central_f(float q, float& num, float& den) {
  const float c = 0.180625f - q * q;
  num = q * (((5.9109374720e+1f * c + 1.5929113202e+2f) * c + 5.0434271938e+1f) * c +
             3.3871327179e+0f);
  den = ((6.7187563600e+1f * c + 7.8757757664e+1f) * c + 1.7895169469e+1f) * c + 1.0f;
}

/// The value PPND7's tails take the logarithm of: min(p, 1 - p), where q = p - 1/2.
RR_HD_INLINE float ppnd7_tail_argument_f(float p, float q) { return q < 0.0f ? p : 1.0f - p; }

/// PPND7's tail branch for r = sqrt(-ln min(p, 1 - p)) <= 5, as a numerator and a denominator
/// of |z|.
RR_HD_INLINE void ppnd7_tail_f(float r, float& num, float& den) {
  const float a = r - 1.6f;
  num = ((1.7023821103e-1f * a + 1.3067284816e+0f) * a + 2.7568153900e+0f) * a + 1.4234372777e+0f;
  den = (1.2021132975e-1f * a + 7.3700164250e-1f) * a + 1.0f;
}

/// r of ppnd7_tail_f from the tail argument @p t.
RR_HD_INLINE float ppnd7_tail_r_f(float t) { return sqrtf(-log_f(t)); }

/// Whether PPND7 takes its central branch at q = p - 1/2.
RR_HD_INLINE bool ppnd7_is_central_f(float q) { return fabsf(q) <= 0.425f; }

/// z from the branches' numerators and denominators: one division for whichever applies
/// (-(x / y) == (-x) / y exactly).
RR_HD_INLINE float ppnd7_select_f(float q, float central_num, float central_den, float tail_num,
                                  float tail_den) {
  const bool central = ppnd7_is_central_f(q);
  const float num = central ? central_num : (q < 0.0f ? -tail_num : tail_num);
  const float den = central ? central_den : tail_den;
  return num / den;
}

/// Standard normal quantile in single precision: Wichura's PPND7 (the AS 241 companion,
/// accurate to about 1e-7), for p on the uniforms' grid (uniform_f_from_word: [2^-24,
/// 1 - 2^-24]). The daily demand noise uses it: one draw per segment per day is the hottest
/// random number of the model, a demand factor needs no more than float precision, and on the
/// GPU float arithmetic is several times cheaper than double. Here both branches of PPND7
/// (|q| <= 0.425 and the tails, with log_f) are evaluated and one is selected, without a branch
/// (one GPU thread, and a CPU path run on its own); CPU lanes evaluate the same pieces
/// above in passes, the tail only on the draws that take it (demand_noise.hpp). On the grid
/// r = sqrt(-ln min(p, 1 - p)) <= 4.08, so PPND7's third rational function (r > 5, p below
/// 1.4e-11) is never needed and is left out (tests/kernels/test_rng.cpp compares every point
/// of the grid with the full PPND7).
RR_HD_INLINE float normal_quantile_f(float p) {
  const float q = p - 0.5f;
  float central_num, central_den, tail_num, tail_den;
  ppnd7_central_f(q, central_num, central_den);
  ppnd7_tail_f(ppnd7_tail_r_f(ppnd7_tail_argument_f(p, q)), tail_num, tail_den);
  return ppnd7_select_f(q, central_num, central_den, tail_num, tail_den);
}

/// Counter word 2 of a stream's block (Stream's layout): purpose, entity and block number.
RR_HD_INLINE std::uint32_t stream_word2(Purpose purpose, std::uint32_t entity, std::uint32_t block) {
  return (static_cast<std::uint32_t>(purpose) << 24) | ((entity & 0xffffu) << 8) | (block & 0xffu);
}

/// A reproducible sequence of uniforms for one (seed, path, purpose, entity, step).
///
/// Counter layout: word 0/1 = path index (64 bit), word 2 = purpose (8 bit) | entity (16 bit)
/// | block (8 bit), word 3 = step. Key = the 64-bit seed. Each Philox block yields four 32-bit
/// words; a sampler that needs more (rejection loops) moves on to the next block. 256 blocks
/// (1024 uniforms) per stream is far more than any sampler here uses with non-negligible
/// probability; past that the stream wraps around, which is documented in docs/model.md.
class Stream {
 public:
  RR_HD Stream(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint32_t entity,
               std::uint32_t step)
      : used_(4), block_(0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32),
             stream_word2(purpose, entity, 0), step}};
  }

  /// Next raw 32-bit word.
  RR_HD std::uint32_t next_u32() {
    if (used_ == 4) {
      Philox::ctr_type c = ctr_;
      c.v[2] |= (block_ & 0xffu);
      ++block_;
      out_ = Philox()(c, key_);
      used_ = 0;
    }
    return out_.v[used_++];
  }

  /// Uniform in the open interval (0, 1), 2^-32 spaced (Random123's u01fixedpt).
  RR_HD double uniform() { return r123::u01fixedpt<double>(next_u32()); }

  /// Standard normal by inversion of one uniform (AS 241). The uniforms' 2^-32 grid bounds
  /// the draws to |z| < 6.3 (a tail mass of 3e-10 is folded onto that bound).
  RR_HD double normal() { return normal_quantile(uniform()); }

  /// Uniform in (0, 1) in single precision (uniform_f_from_word).
  RR_HD float uniform_f() { return uniform_f_from_word(next_u32()); }

  /// Standard normal in single precision (PPND7); |z| <= 5.3 on the uniforms' grid.
  RR_HD float normal_f() { return normal_quantile_f(uniform_f()); }

 private:
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type out_;
  int used_;
  std::uint32_t block_;
};

/// Philox4x32-10 of @p W counters that differ only in the path index (counter words 0 and 1
/// are lane l's path paths[l]; words 2 and 3 are shared), keyed by @p seed: for each
/// lane the block `Stream(seed, path, ...)` would produce at the same counter, bit for bit
/// (tests/kernels/test_rng.cpp checks it against Random123). The rounds are written out lane by
/// lane, structure of arrays, so the CPU compiler runs W lanes' 32x32->64 multiplies in SIMD
/// registers; Random123's Philox takes one counter at a time. @p out is [word][lane].
///
/// With several lanes the 32-bit words travel in 64-bit integers whose upper halves are zero:
/// the products then need no widening, and the SIMD code none of the shuffles that pack 32-bit
/// lanes into 64-bit ones and back (2.2x faster on AVX-512 in a micro-benchmark). One lane (a
/// GPU thread) keeps 32-bit words, whose product is one wide multiply there. Both give the same
/// bits.
template <int W>
RR_HD_INLINE void philox_lanes(std::uint64_t seed, LanePaths paths, std::uint32_t word2,
                               std::uint32_t word3, std::uint32_t (&out)[4][W]) {
  using Word = typename std::conditional<(W > 1), std::uint64_t, std::uint32_t>::type;
  constexpr std::uint64_t kLow = 0xffffffffu;
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed);
  const std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32);
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) {
    const std::uint64_t path = paths[l];
    Word x0 = static_cast<std::uint32_t>(path), x1 = static_cast<std::uint32_t>(path >> 32);
    Word x2 = word2, x3 = word3;
    std::uint32_t a = k0, b = k1;
    for (int r = 0; r < 10; ++r) {  // Random123's _philox4x32round, then its key bump
      const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * (x0 & kLow);
      const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * (x2 & kLow);
      const Word y0 = static_cast<Word>(p1 >> 32) ^ x1 ^ a;
      const Word y2 = static_cast<Word>(p0 >> 32) ^ x3 ^ b;
      x1 = static_cast<Word>(p1 & kLow);
      x3 = static_cast<Word>(p0 & kLow);
      x0 = y0;
      x2 = y2;
      a += 0x9E3779B9u;
      b += 0xBB67AE85u;
    }
    out[0][l] = static_cast<std::uint32_t>(x0);
    out[1][l] = static_cast<std::uint32_t>(x1);
    out[2][l] = static_cast<std::uint32_t>(x2);
    out[3][l] = static_cast<std::uint32_t>(x3);
  }
}

/// philox_lanes<W> with the instructions @p Simd allows: the same bits whichever it takes.
template <int W, class Simd>
RR_HD_INLINE void philox_lanes_for(std::uint64_t seed, LanePaths paths,
                                   std::uint32_t word2, std::uint32_t word3,
                                   std::uint32_t (&out)[4][W]) {
#if RR_HAVE_X86_PHILOX
  if constexpr (std::is_same<Simd, SimdAvx512>::value && W % 8 == 0) {
    philox_lanes_avx512<W>(seed, paths, word2, word3, out);
    return;
  } else if constexpr ((std::is_same<Simd, SimdAvx512>::value ||
                        std::is_same<Simd, SimdAvx2>::value) && W % 4 == 0) {
    philox_lanes_avx2<W>(seed, paths, word2, word3, out);
    return;
  } else if constexpr (!std::is_same<Simd, SimdGeneric>::value && W % 2 == 0) {
    philox_lanes_sse2<W>(seed, paths, word2, word3, out);
    return;
  }
#endif
  philox_lanes<W>(seed, paths, word2, word3, out);
}

/// For each lane l, the first uniform of the stream (seed, paths[l], purpose, entity,
/// step): what `Stream(...).uniform()` returns as its first draw, for W paths at once (one
/// philox_lanes block). The month starts draw their Bernoulli and uniform decisions this way.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void first_uniform_lanes(std::uint64_t seed, LanePaths paths,
                                      Purpose purpose, std::uint32_t entity, std::uint32_t step,
                                      double (&u)[W]) {
  std::uint32_t word[4][W];
  philox_lanes_for<W, Simd>(seed, paths, stream_word2(purpose, entity, 0), step, word);
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) u[l] = r123::u01fixedpt<double>(word[0][l]);
}

/// For each lane l, the standard normal AS 241 gives for the uniform of the 32-bit word
/// @p word[l] (Stream::normal()'s value for that word): the central branch for all lanes at
/// once, then the tails (about 15% of lanes, with a logarithm) lane by lane. Where @p needed
/// is given, a lane whose flag is 0 gets no tail, and its z is not to be read.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void normals_from_words(const std::uint32_t (&word)[W], double (&z)[W],
                                     const std::int32_t* needed = nullptr) {
  std::int32_t in_tail[W];
  int tails = 0;
  RR_SIMD_LANES_ANY(tails)
  for (int l = 0; l < W; ++l) {
    const double q = r123::u01fixedpt<double>(word[l]) - 0.5;
    z[l] = normal_quantile_central(q);
    in_tail[l] = !(fabs(q) <= 0.425);
    tails |= in_tail[l];
  }
  if (tails) {
    if (needed) {
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) in_tail[l] &= needed[l] != 0;
    }
    // The lanes in a tail (a lane is in one at random), listed in Simd's instructions.
    std::int32_t tail_lane[W + 16];
    const int n_tails = list_flagged<W, Simd>(in_tail, tail_lane);
    for (int k = 0; k < n_tails; ++k) {
      const int l = tail_lane[k];
      z[l] = normal_quantile(r123::u01fixedpt<double>(word[l]));
    }
  }
}

/// For each lane l, the first normal of the stream (seed, paths[l], purpose, entity, step),
/// what `Stream(...).normal()` returns as its first draw, for W paths at once.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void first_normal_lanes(std::uint64_t seed, LanePaths paths,
                                     Purpose purpose, std::uint32_t entity, std::uint32_t step,
                                     double (&z)[W]) {
  std::uint32_t word[4][W];
  philox_lanes_for<W, Simd>(seed, paths, stream_word2(purpose, entity, 0), step, word);
  normals_from_words<W, Simd>(word[0], z);
}

RR_KERNEL_CODE_END
}  // namespace rr
