// Counter-based RNG: Random123 known answers, purity of the stream keys, and every sampler
// of docs/model.md §4 against its moments and CDF.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "reerisk/demand_noise.hpp"
#include "reerisk/dist.hpp"
#include "reerisk/philox_x86.hpp"
#include "reerisk/rng.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

// Known-answer vectors for Philox4x32-10 from Random123's kat_vectors file
// (format: counter[4] key[2] -> output[4]).
TEST(RngTest, Philox4x32x10KnownAnswers) {
  struct Kat {
    Philox::ctr_type ctr;
    Philox::key_type key;
    std::uint32_t expect[4];
  };
  const Kat kats[] = {
      {{{0u, 0u, 0u, 0u}}, {{0u, 0u}}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       {{0xffffffffu, 0xffffffffu}},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       {{0xa4093822u, 0x299f31d0u}},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const Kat& k : kats) {
    const Philox::ctr_type out = Philox()(k.ctr, k.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], k.expect[i]) << "word " << i;
  }
}

// The lane-parallel Philox (philox_lanes, used for the demand noise) gives, lane by lane, the
// words of Random123's Philox4x32-10 at the same counter: the known-answer vectors above,
// and streams whose path index crosses the 32-bit boundary within the lanes, with 64-bit seeds.
TEST(RngTest, PhiloxLanesMatchRandom123) {
  std::uint32_t kat[4][1];
  philox_lanes<1>(0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffu, 0xffffffffu, kat);
  EXPECT_EQ(kat[0][0], 0x408f276du);
  EXPECT_EQ(kat[3][0], 0x6d5451fdu);
  philox_lanes<1>(0x299f31d0a4093822ull, 0x85a308d3243f6a88ull, 0x13198a2eu, 0x03707344u, kat);
  EXPECT_EQ(kat[0][0], 0xd16cfe09u);
  EXPECT_EQ(kat[1][0], 0x94fdccebu);
  EXPECT_EQ(kat[2][0], 0x5001e420u);
  EXPECT_EQ(kat[3][0], 0x24126ea1u);
  for (std::uint64_t seed : {1ull, 20261110ull, 0x123456789abcdefull}) {
    const std::uint64_t first = (std::uint64_t(7) << 32) - 5;
    std::uint32_t words[4][16];
    philox_lanes<16>(seed, first, stream_word2(Purpose::kThrottle, 3, 2), 41, words);
    for (int l = 0; l < 16; ++l) {
      Stream s(seed, first + l, Purpose::kThrottle, 3, 41);
      for (int i = 0; i < 8; ++i) s.next_u32();  // blocks 0 and 1
      for (int i = 0; i < 4; ++i) EXPECT_EQ(words[i][l], s.next_u32()) << "lane " << l;
    }
  }
}

// philox_x86.hpp's SSE2, AVX2 and AVX-512 forms of philox_lanes give its words bit for bit: for
// keys and paths spread over all 64 bits, and for lanes that straddle the 32-bit carry of the
// path index. Skipped for a form this CPU cannot run.
template <int W, class Simd>
void expect_simd_form_matches_portable_one() {
  std::uint64_t seed = 0x9E3779B97F4A7C15ull, path = (std::uint64_t(9) << 32) - W / 2;
  for (int k = 0; k < 500; ++k) {
    const std::uint32_t word2 = stream_word2(Purpose::kDemand, 0, k % 3), word3 = k * 7u;
    std::uint32_t portable[4][W], simd[4][W];
    philox_lanes<W>(seed, path, word2, word3, portable);
    philox_lanes_for<W, Simd>(seed, path, word2, word3, simd);
    for (int i = 0; i < 4; ++i) {
      for (int l = 0; l < W; ++l) {
        ASSERT_EQ(simd[i][l], portable[i][l]) << "word " << i << " lane " << l << " try " << k;
      }
    }
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
    path = k % 2 ? seed ^ (seed >> 29) : (std::uint64_t(k) << 32) - W / 2;
  }
}

TEST(RngTest, Sse2PhiloxMatchesThePortableOne) {
#if RR_HAVE_X86_PHILOX
  expect_simd_form_matches_portable_one<2, SimdSse2>();
  expect_simd_form_matches_portable_one<8, SimdSse2>();
  expect_simd_form_matches_portable_one<64, SimdSse2>();
#else
  GTEST_SKIP() << "no x86 SIMD forms of Philox in this build";
#endif
}

TEST(RngTest, Avx2PhiloxMatchesThePortableOne) {
#if RR_HAVE_X86_PHILOX
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  expect_simd_form_matches_portable_one<4, SimdAvx2>();
  expect_simd_form_matches_portable_one<8, SimdAvx2>();
  expect_simd_form_matches_portable_one<64, SimdAvx2>();
#else
  GTEST_SKIP() << "no x86 SIMD forms of Philox in this build";
#endif
}

TEST(RngTest, Avx512PhiloxMatchesThePortableOne) {
#if RR_HAVE_X86_PHILOX
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has no AVX-512";
  expect_simd_form_matches_portable_one<8, SimdAvx512>();
  expect_simd_form_matches_portable_one<64, SimdAvx512>();
  // Four lanes do not fill an AVX-512 register: the AVX2 form takes them.
  expect_simd_form_matches_portable_one<4, SimdAvx512>();
#else
  GTEST_SKIP() << "no x86 SIMD forms of Philox in this build";
#endif
}

// The month starts' lane draws (first_uniform_lanes, first_normal_lanes, sample_lanes) must
// give, lane by lane, exactly what one path's Stream and sample() give: the regression file's
// hash depends on it, and a GPU thread (one lane) must draw the same numbers.
TEST(RngTest, LaneDrawsMatchOnePathAtATime) {
  constexpr int W = 64;
  const std::uint64_t seed = 20261110, first = 1000003;
  for (std::uint32_t step = 0; step < 40; ++step) {
    double u[W], z[W];
    first_uniform_lanes<W>(seed, first, Purpose::kApproval, 2, step, u);
    first_normal_lanes<W>(seed, first, Purpose::kLicenceDays, 1, step, z);
    for (int l = 0; l < W; ++l) {
      EXPECT_EQ(u[l], Stream(seed, first + l, Purpose::kApproval, 2, step).uniform());
      EXPECT_EQ(z[l], Stream(seed, first + l, Purpose::kLicenceDays, 1, step).normal());
    }
  }
  // Beta shapes >= 1 take the SIMD path unless a candidate is rejected; shapes < 1, other
  // families and fixed values go lane by lane. Mixed in one call, as regimes mix lanes.
  const Dist dists[] = {{DistKind::kBeta, 8.0, 3.0},   {DistKind::kBeta, 1.5, 8.0},
                        {DistKind::kBeta, 1.0, 1.0},   {DistKind::kBeta, 0.5, 2.0},
                        {DistKind::kLognormal, 63.0, 0.5}, {DistKind::kFixed, 0.65},
                        {DistKind::kUniform, 0.2, 0.4}};
  const int n_dists = sizeof(dists) / sizeof(dists[0]);
  int fast_ones = 0;
  for (std::uint32_t step = 0; step < 200; ++step) {
    double x[W];
    const auto dist_of = [&](int l) -> const Dist& { return dists[(l + step) % n_dists]; };
    sample_lanes<W>(dist_of, seed, first, Purpose::kThrottle, 1, step, x);
    for (int l = 0; l < W; ++l) {
      const double expected = sample(dist_of(l), seed, first + l, Purpose::kThrottle, 1, step);
      ASSERT_EQ(x[l], expected) << "step " << step << " lane " << l;
      fast_ones += dist_of(l).kind == DistKind::kBeta && dist_of(l).p0 >= 1.0;
    }
  }
  EXPECT_GT(fast_ones, 5000);
}

// The licence lots ask normals_from_words only for the lanes whose lot is approved: each of
// those lanes, tail or not, must get the normal an unmasked call gives, whichever SIMD form
// lists the tails (lane_lists.hpp).
template <class Simd>
void expect_every_needed_lane_gets_its_normal() {
  constexpr int W = 64;
  std::uint32_t word[W];
  std::int32_t needed[W];
  for (int l = 0; l < W; ++l) {
    word[l] = static_cast<std::uint32_t>(l) * 0x04000000u + 0x12345u;  // every 1/64 of (0, 1)
    needed[l] = l % 3 != 1;
  }
  word[W - 1] = 0xffffffffu;  // the far upper tail
  double all[W], masked[W];
  normals_from_words<W, Simd>(word, all);
  normals_from_words<W, Simd>(word, masked, needed);
  int needed_tails = 0;
  for (int l = 0; l < W; ++l) {
    EXPECT_EQ(all[l], normal_quantile(r123::u01fixedpt<double>(word[l]))) << "lane " << l;
    if (!needed[l]) continue;
    EXPECT_EQ(masked[l], all[l]) << "lane " << l;
    needed_tails += std::fabs(all[l]) > 1.44;  // beyond AS 241's central branch (|q| > 0.425)
  }
  EXPECT_GE(needed_tails, 6);
}

TEST(RngTest, NormalsFromWordsGiveEveryNeededLaneItsNormal) {
  test::for_each_simd_form([](auto simd) { expect_every_needed_lane_gets_its_normal<decltype(simd)>(); });
}

TEST(RngTest, SameKeyGivesSameDrawsEveryTime) {
  for (int rep = 0; rep < 3; ++rep) {
    Stream a(42, 123456789012ull, Purpose::kThrottle, 3, 17);
    Stream b(42, 123456789012ull, Purpose::kThrottle, 3, 17);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(a.uniform(), b.uniform());
  }
  const Dist beta{DistKind::kBeta, 2.0, 8.0};
  EXPECT_EQ(sample(beta, 7, 99, Purpose::kApprovalShare, 0, 3),
            sample(beta, 7, 99, Purpose::kApprovalShare, 0, 3));
}

TEST(RngTest, EveryKeyComponentChangesTheDraws) {
  const double base = Stream(1, 2, Purpose::kDemand, 3, 4).uniform();
  EXPECT_NE(base, Stream(9, 2, Purpose::kDemand, 3, 4).uniform());  // seed
  EXPECT_NE(base, Stream(1, 9, Purpose::kDemand, 3, 4).uniform());  // path
  EXPECT_NE(base, Stream(1, 2, Purpose::kCover, 3, 4).uniform());   // purpose
  EXPECT_NE(base, Stream(1, 2, Purpose::kDemand, 9, 4).uniform());  // entity
  EXPECT_NE(base, Stream(1, 2, Purpose::kDemand, 3, 9).uniform());  // step
  // High bits of the 64-bit path index and seed matter too.
  EXPECT_NE(base, Stream(1, 2 + (1ull << 40), Purpose::kDemand, 3, 4).uniform());
  EXPECT_NE(base, Stream(1 + (1ull << 40), 2, Purpose::kDemand, 3, 4).uniform());
}

TEST(RngTest, UniformsStayInsideTheOpenInterval) {
  Stream s(5, 6, Purpose::kDemand, 0, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

/// Draws n samples of @p d, each from its own (path) key, as the model does.
std::vector<double> draws(const Dist& d, int n) {
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i) x[i] = sample(d, 2026, i, Purpose::kCover, 1, 0);
  return x;
}

/// Checks the sample mean and variance against the true ones. Tolerances are 5 standard
/// errors: se(mean) = sigma/sqrt(n); se(variance) = sqrt((m4 - s^4)/n) from the sample's own
/// fourth central moment. A correct sampler fails with probability < 1e-6 per check; the seed
/// is fixed, so the outcome is reproducible.
void expect_moments(const std::vector<double>& x, double mean, double var) {
  const double n = static_cast<double>(x.size());
  double m = 0;
  for (double v : x) m += v;
  m /= n;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  EXPECT_NEAR(m, mean, 5 * std::sqrt(var / n)) << "mean";
  EXPECT_NEAR(m2, var, 5 * std::sqrt(std::max(m4 - m2 * m2, 1e-300) / n)) << "variance";
}

constexpr int kN = 200000;
constexpr double kAlpha = 1e-3;  // KS significance: a correct sampler fails 1 time in 1000

TEST(RngTest, UniformSampler) {
  const auto x = draws({DistKind::kUniform, 2.0, 5.0}, kN);
  expect_moments(x, 3.5, 9.0 / 12.0);
  EXPECT_LT(test::ks_statistic(x, [](double v) { return std::clamp((v - 2) / 3, 0.0, 1.0); }),
            test::ks_critical(kN, kAlpha));
}

TEST(RngTest, NormalByInversion) {
  std::vector<double> x(kN);
  for (int i = 0; i < kN; ++i) x[i] = Stream(3, i, Purpose::kDemand, 0, 0).normal();
  expect_moments(x, 0.0, 1.0);
  EXPECT_LT(test::ks_statistic(x, test::normal_cdf), test::ks_critical(kN, kAlpha));
}

TEST(RngTest, LognormalSampler) {
  const double median = 63, sigma = 0.5;
  const auto x = draws({DistKind::kLognormal, median, sigma}, kN);
  const double mu = std::log(median);
  expect_moments(x, std::exp(mu + sigma * sigma / 2),
                 (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma));
  EXPECT_LT(test::ks_statistic(x, [&](double v) { return test::normal_cdf((std::log(v) - mu) / sigma); }),
            test::ks_critical(kN, kAlpha));
}

TEST(RngTest, TriangularSampler) {
  const double a = 60, c = 90, b = 180;
  const auto x = draws({DistKind::kTriangular, a, c, b}, kN);
  expect_moments(x, (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18);
  auto cdf = [&](double v) {
    if (v <= a) return 0.0;
    if (v >= b) return 1.0;
    if (v <= c) return (v - a) * (v - a) / ((b - a) * (c - a));
    return 1 - (b - v) * (b - v) / ((b - a) * (b - c));
  };
  EXPECT_LT(test::ks_statistic(x, cdf), test::ks_critical(kN, kAlpha));
}

class BetaSamplerTest : public ::testing::TestWithParam<std::pair<double, double>> {};

TEST_P(BetaSamplerTest, MomentsAndCdf) {
  const auto [a, b] = GetParam();
  const auto x = draws({DistKind::kBeta, a, b}, kN);
  expect_moments(x, a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1)));
  EXPECT_LT(test::ks_statistic(x, [&](double v) { return test::beta_cdf(v, a, b); }),
            test::ks_critical(kN, kAlpha));
}

// The shipped scenario's shapes (research file §7), plus a < 1 (the boosted gamma branch).
INSTANTIATE_TEST_SUITE_P(Shapes, BetaSamplerTest,
                         ::testing::Values(std::make_pair(8.0, 2.0), std::make_pair(2.0, 8.0),
                                           std::make_pair(8.0, 3.0), std::make_pair(1.5, 8.0),
                                           std::make_pair(2.0, 50.0), std::make_pair(3.0, 7.0),
                                           std::make_pair(0.5, 0.5)));

TEST(RngTest, BernoulliSampler) {
  const auto x = draws({DistKind::kBernoulli, 0.3}, kN);
  expect_moments(x, 0.3, 0.21);
  for (double v : x) ASSERT_TRUE(v == 0.0 || v == 1.0);
}

TEST(RngTest, FixedSamplerUsesNoRandomness) {
  const auto x = draws({DistKind::kFixed, 12.5}, 100);
  for (double v : x) EXPECT_EQ(v, 12.5);
}

// skip_sample leaves a stream where sample() would: the next draws agree, for every kind.
TEST(RngTest, SkippingASampleLeavesTheStreamWhereSamplingWould) {
  const Dist dists[] = {{DistKind::kFixed, 3.0},         {DistKind::kBeta, 0.4, 2.5},
                        {DistKind::kLognormal, 63, 0.5},  {DistKind::kTriangular, 1, 2, 4},
                        {DistKind::kTriangular, 2, 2, 2}, {DistKind::kUniform, 1, 3},
                        {DistKind::kBernoulli, 0.3}};
  for (const Dist& d : dists) {
    for (std::uint64_t path = 0; path < 200; ++path) {
      Stream a(9, path, Purpose::kLicenceDays, 2, 7), b(9, path, Purpose::kLicenceDays, 2, 7);
      (void)sample(d, a);
      skip_sample(d, b);
      ASSERT_EQ(a.next_u32(), b.next_u32()) << static_cast<int>(d.kind) << ", path " << path;
      ASSERT_EQ(a.next_u32(), b.next_u32());
    }
  }
}

TEST(RngTest, BernoulliHelperEdges) {
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(bernoulli(0.0, 1, i, Purpose::kEvent, 0, 0));
    EXPECT_TRUE(bernoulli(1.0, 1, i, Purpose::kEvent, 0, 0));
  }
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// Reference values from scipy.special.ndtri (SciPy 1.10), covering the central region and
// both tail branches of AS 241.
TEST(RngTest, NormalQuantileMatchesScipy) {
  const std::pair<double, double> ref[] = {
      {1e-10, -6.361340902404056}, {1e-06, -4.753424308822899}, {0.001, -3.090232306167813},
      {0.02, -2.053748910631823},  {0.07, -1.4757910281791706}, {0.3, -0.5244005127080409},
      {0.5, 0.0},                  {0.6, 0.2533471031357997},   {0.93, 1.475791028179171},
      {0.999, 3.090232306167813},  {1 - 1e-7, 5.199337582290661}};
  for (const auto& [p, z] : ref) EXPECT_NEAR(normal_quantile(p), z, 1e-9 * (1 + std::fabs(z))) << p;
}

// PPND7 is documented to about 1e-7; in float arithmetic the rounding of p itself (2^-24
// relative) moves z by up to 2^-24 p / phi(z), which is what bounds the error in the tails.
TEST(RngTest, SinglePrecisionNormalQuantileTracksTheDoubleOne) {
  double worst = 0;
  for (int i = 1; i < (1 << 16); ++i) {
    const float p = static_cast<float>(i) / (1 << 16);
    const double z = normal_quantile(p);
    const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    const double bound = 4e-7 * (1 + std::fabs(z)) + 2.0 * 0x1p-24 * std::min<double>(p, 1 - p) / pdf;
    ASSERT_NEAR(normal_quantile_f(p), z, bound) << p;
    worst = std::max(worst, std::fabs(normal_quantile_f(p) - z));
  }
  EXPECT_GT(worst, 0.0);  // it is a different approximation, not a copy of the double one
  for (const float p : {1e-7f, 6e-8f, 1 - 6e-8f}) {  // the tail branch beyond r = 5
    EXPECT_NEAR(normal_quantile_f(p), normal_quantile(p), 1e-5) << p;
  }
}

// Wichura's PPND7 as published, with its third rational function for r > 5: the reference
// normal_quantile_f must equal wherever its uniforms can fall.
float full_ppnd7(float p) {
  const float q = p - 0.5f;
  if (std::fabs(q) <= 0.425f) {
    const float c = 0.180625f - q * q;
    return q * (((5.9109374720e+1f * c + 1.5929113202e+2f) * c + 5.0434271938e+1f) * c +
                3.3871327179e+0f) /
           (((6.7187563600e+1f * c + 7.8757757664e+1f) * c + 1.7895169469e+1f) * c + 1.0f);
  }
  const float r = sqrtf(-log_f(q < 0.0f ? p : 1.0f - p));
  float num, den;
  if (r <= 5.0f) {
    const float a = r - 1.6f;
    num = ((1.7023821103e-1f * a + 1.3067284816e+0f) * a + 2.7568153900e+0f) * a + 1.4234372777e+0f;
    den = (1.2021132975e-1f * a + 7.3700164250e-1f) * a + 1.0f;
  } else {
    const float b = r - 5.0f;
    num = ((1.7337203997e-2f * b + 4.2868294337e-1f) * b + 3.0812263860e+0f) * b + 6.6579051150e+0f;
    den = (1.2258202635e-2f * b + 2.4197894225e-1f) * b + 1.0f;
  }
  return q < 0.0f ? (-num) / den : num / den;
}

// Every point of the uniforms' grid (the 2^23 odd multiples of 2^-24) gives the published
// PPND7's bits: leaving out the r > 5 branch changes nothing a draw can reach. Below the grid
// that branch is needed, which shows the test can tell the two apart.
TEST(RngTest, SinglePrecisionNormalQuantileIsTheFullPpnd7OnTheUniformsGrid) {
  std::uint32_t differ = 0;
  for (std::uint32_t k = 0; k < (1u << 23); ++k) {
    const float p = uniform_f_from_word(k << 9);
    ASSERT_EQ(p, static_cast<float>(2 * k + 1) * 0x1p-24f);
    differ += normal_quantile_f(p) != full_ppnd7(p);
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_NE(normal_quantile_f(1e-15f), full_ppnd7(1e-15f));
}

TEST(RngTest, SinglePrecisionUniformIsRandom123sFixedPoint) {
  for (const std::uint32_t w : {0u, 1u, 255u, 256u, 0x7fffffffu, 0x80000000u, 0xfffffeffu,
                                0xffffffffu, 0x12345678u, 0xdeadbeefu}) {
    EXPECT_EQ(uniform_f_from_word(w), r123::u01fixedpt<float>(w)) << w;
  }
  EXPECT_EQ(uniform_f_from_word(0), 0x1p-24f);                // never 0
  EXPECT_EQ(uniform_f_from_word(0xffffffffu), 1 - 0x1p-24f);  // never 1
}

TEST(RngTest, SinglePrecisionNormalDraws) {
  std::vector<double> x(kN);
  for (int i = 0; i < kN; ++i) x[i] = Stream(3, i, Purpose::kDemand, 0, 0).normal_f();
  expect_moments(x, 0.0, 1.0);
  EXPECT_LT(test::ks_statistic(x, test::normal_cdf), test::ks_critical(kN, kAlpha));
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// Tiny beta shapes make both gamma draws underflow to zero; the sampler must still return a
// number in [0, 1] (never 0/0) with the right mean a / (a + b).
TEST(RngTest, BetaWithTinyShapesNeverReturnsNaN) {
  const Dist d{DistKind::kBeta, 0.002, 0.006};
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = sample(d, 4, i, Purpose::kCover, 0, 0);
    ASSERT_TRUE(x >= 0.0 && x <= 1.0) << x;
    sum += x;
  }
  // Mean 0.25; the draws are nearly Bernoulli, so the standard error is sqrt(0.1875 / n).
  EXPECT_NEAR(sum / n, 0.25, 5 * std::sqrt(0.1875 / n));
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

// The vectorisable exp of the demand noise against libm in double precision.
TEST(DemandNoiseTest, ExpIsWithinAFewUlp) {
  for (float x = -87.0f; x <= 87.0f; x += 0.0137f) {
    const double want = std::exp(static_cast<double>(x));
    EXPECT_NEAR(exp_f(x), want, 3 * 0x1p-24 * want) << x;
  }
  EXPECT_EQ(exp_f(0.0f), 1.0f);  // sigma 0 gives a demand factor of exactly 1
}

// The vectorisable double exp of the licence times against libm: within 4 ulp over its range,
// where libm's exp is itself within 1 ulp of the exact value.
TEST(DemandNoiseTest, DoubleExpIsWithinAFewUlp) {
  for (double x = -700.0; x <= 700.0; x += 0.00731) {
    const double want = std::exp(x);
    EXPECT_NEAR(exp_d(x), want, 4 * 0x1p-53 * want) << x;
  }
  for (double x = -1e-3; x <= 1e-3; x += 3.7e-7) {
    const double want = std::exp(x);
    EXPECT_NEAR(exp_d(x), want, 2 * 0x1p-53 * want) << x;
  }
  EXPECT_EQ(exp_d(0.0), 1.0);
}

// The vectorisable log of PPND7's tails against libm in double precision, over the uniforms'
// range [2^-24, 1) and beyond (every float exponent from 2^-126 to 2^127).
TEST(DemandNoiseTest, LogIsWithinAFewUlp) {
  auto check = [](float x) {
    const double want = std::log(static_cast<double>(x));
    // 2 ulp of the result, or of ln's derivative near 1 (where the result itself is tiny).
    const double ulp = 0x1p-24 * std::max(std::fabs(want), 1.0 * std::fabs(1.0 - x) + 0x1p-24);
    EXPECT_NEAR(log_f(x), want, 2 * ulp + 0x1p-150) << x;
  };
  for (float x = 0x1p-24f; x < 1.0f; x += 0x1p-13f) check(x);
  for (std::uint32_t u = 1; u < (1u << 24); u += 977) check(static_cast<float>(u) * 0x1p-24f);
  for (int e = -126; e <= 127; ++e) check(std::ldexp(1.37f, e));
  EXPECT_EQ(log_f(1.0f), 0.0f);
}

TEST(DemandNoiseTest, FactorsAreLognormalWithMeanOne) {
  constexpr int kPaths = 20000;
  float sigma[kMaxSegments] = {0.3f, 0.0f, 0.1f, 0.3f, 0.05f};
  float drift[kMaxSegments] = {};
  for (int s = 0; s < 5; ++s) drift[s] = 0.5f * sigma[s] * sigma[s];
  std::vector<double> logs;
  double mean = 0;
  for (int i = 0; i < kPaths; i += 8) {  // paths i .. i + 7 in eight lanes, day 3
    float f[kMaxSegments][8];
    lognormal_demand_factors<8>(5, i, 3, 5, sigma, drift, f);
    for (int l = 0; l < 8; ++l) {
      EXPECT_EQ(f[1][l], 1.0f);
      logs.push_back((std::log(f[0][l]) + drift[0]) / sigma[0]);
      mean += f[3][l];
    }
  }
  mean /= kPaths;
  // E f = 1 and sd(f) = sqrt(e^{sigma^2} - 1) = 0.307: a 4.5-sigma band of the sample mean.
  EXPECT_NEAR(mean, 1.0, 4.5 * 0.307 / std::sqrt(kPaths));
  EXPECT_LT(test::ks_statistic(logs, test::normal_cdf), test::ks_critical(kPaths, kAlpha));
}

// A path's factors do not depend on the lane it is drawn in or on how many lanes run together,
// and they are the PPND7 normals of the stream's words: the uniforms of Stream(kDemand, day).
TEST(DemandNoiseTest, LanesMatchOnePathAtATime) {
  float sigma[kMaxSegments] = {0.3f, 0.0f, 0.1f, 0.3f, 0.05f, 0.2f};
  float drift[kMaxSegments] = {};
  for (int s = 0; s < 6; ++s) drift[s] = 0.5f * sigma[s] * sigma[s];
  const std::uint64_t first = (std::uint64_t(1) << 32) - 3;  // lanes straddle the 32-bit carry
  float lanes[kMaxSegments][8];
  lognormal_demand_factors<8>(11, first, 77, 6, sigma, drift, lanes);
  for (int l = 0; l < 8; ++l) {
    float one[kMaxSegments][1];
    lognormal_demand_factors<1>(11, first + l, 77, 6, sigma, drift, one);
    Stream noise(11, first + l, Purpose::kDemand, 0, 77);
    for (int s = 0; s < 6; ++s) {
      EXPECT_EQ(lanes[s][l], one[s][0]) << "lane " << l << " segment " << s;
      const float z = noise.normal_f();
      EXPECT_EQ(one[s][0], exp_f(sigma[s] * z - drift[s])) << "lane " << l << " segment " << s;
    }
  }
}

// The many-lane form (lognormal_factors_in_passes: the central branch over four segments and
// 64 lanes, PPND7's tail on the listed draws only) gives every element lognormal_factor's
// bits, in each SIMD form of the listing this CPU can run; its 256,000 draws include some
// 38,000 in PPND7's tails.
template <class Simd>
void expect_many_lanes_match_the_one_lane_factor() {
  const float sigma[kMaxSegments] = {0.3f, 0.1f, 0.45f, 0.05f};
  float drift[kMaxSegments] = {};
  for (int s = 0; s < 4; ++s) drift[s] = 0.5f * sigma[s] * sigma[s];
  constexpr int W = 64;
  std::uint32_t mismatches = 0, tails = 0;
  for (std::uint32_t day = 0; day < 1000; ++day) {
    const std::uint64_t first = 7 * W * static_cast<std::uint64_t>(day);
    float lanes[kMaxSegments][W];
    lognormal_demand_factors<W, Simd>(13, first, day, 4, sigma, drift, lanes);
    std::uint32_t word[4][W];
    philox_lanes<W>(13, first, stream_word2(Purpose::kDemand, 0, 0), day, word);
    for (int s = 0; s < 4; ++s) {
      for (int l = 0; l < W; ++l) {
        mismatches += lanes[s][l] != lognormal_factor(word[s][l], sigma[s], drift[s]);
        tails += std::fabs(uniform_f_from_word(word[s][l]) - 0.5f) > 0.425f;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(tails, 35000u);
}

TEST(DemandNoiseTest, ManyLanesInPassesMatchTheOneLaneFactor) {
  test::for_each_simd_form([](auto simd) { expect_many_lanes_match_the_one_lane_factor<decltype(simd)>(); });
}

// Segments without noise draw nothing (demand_noise.hpp): every subset of six segments left
// noisy gives each of them the factor it has when all are, and the others exactly 1, in lanes
// and one path at a time.
TEST(DemandNoiseTest, ASegmentsFactorDoesNotDependOnWhichOthersAreNoisy) {
  const float all_sigma[6] = {0.3f, 0.2f, 0.1f, 0.3f, 0.05f, 0.2f};
  const auto factors = [](const float* sig, std::uint64_t first, auto& out) {
    float sigma[kMaxSegments] = {}, drift[kMaxSegments] = {};
    for (int s = 0; s < 6; ++s) {
      sigma[s] = sig[s];
      drift[s] = 0.5f * sig[s] * sig[s];
    }
    constexpr int W = sizeof(out[0]) / sizeof(out[0][0]);
    lognormal_demand_factors<W>(11, first, 77, 6, sigma, drift, out);
  };
  const std::uint64_t first = 1000;
  float every[kMaxSegments][8];
  factors(all_sigma, first, every);
  for (int mask = 0; mask < 64; ++mask) {
    float sig[6];
    for (int s = 0; s < 6; ++s) sig[s] = (mask >> s) & 1 ? all_sigma[s] : 0.0f;
    float lanes[kMaxSegments][8];
    factors(sig, first, lanes);
    for (int l = 0; l < 8; ++l) {
      float one[kMaxSegments][1];
      factors(sig, first + l, one);
      for (int s = 0; s < 6; ++s) {
        const float want = (mask >> s) & 1 ? every[s][l] : 1.0f;
        EXPECT_EQ(lanes[s][l], want) << "noisy " << mask << " lane " << l << " segment " << s;
        EXPECT_EQ(one[s][0], want) << "noisy " << mask << " path " << l << " segment " << s;
      }
    }
  }
}

}  // namespace
}  // namespace rr
