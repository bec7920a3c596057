#include "scenario/design.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "reerisk/rng.hpp"

namespace rr {
namespace {

/// Joe & Kuo (2008) primitive polynomials and initial direction numbers, dimensions 2..21:
/// s (degree), a (coefficients), m_1..m_s.
struct DirectionSeed {
  int s;
  unsigned a;
  unsigned m[7];
};
constexpr DirectionSeed kJoeKuo[kMaxSobolDims - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
};

constexpr int kBits = 32;

}  // namespace

std::vector<std::vector<double>> sobol_points(int d, std::uint64_t n) {
  if (d < 1 || d > kMaxSobolDims) throw std::invalid_argument("sobol_points: 1 <= d <= 21");
  if (n > (std::uint64_t(1) << kBits)) throw std::invalid_argument("sobol_points: n <= 2^32");
  // Direction numbers V[j][i], i = 1..32, scaled to 32 bits.
  std::vector<std::vector<std::uint32_t>> v(d, std::vector<std::uint32_t>(kBits + 1));
  for (int i = 1; i <= kBits; ++i) v[0][i] = std::uint32_t(1) << (kBits - i);
  for (int j = 1; j < d; ++j) {
    const DirectionSeed& seed = kJoeKuo[j - 1];
    const int s = seed.s;
    for (int i = 1; i <= std::min(s, kBits); ++i) v[j][i] = seed.m[i - 1] << (kBits - i);
    for (int i = s + 1; i <= kBits; ++i) {
      v[j][i] = v[j][i - s] ^ (v[j][i - s] >> s);
      for (int k = 1; k < s; ++k) v[j][i] ^= ((seed.a >> (s - 1 - k)) & 1u) * v[j][i - k];
    }
  }
  std::vector<std::vector<double>> out(n, std::vector<double>(d, 0.0));
  std::vector<std::uint32_t> x(d, 0);
  for (std::uint64_t i = 1; i < n; ++i) {
    // Gray-code order: flip the direction number of the lowest zero bit of i - 1.
    int c = 1;
    for (std::uint64_t value = i - 1; value & 1u; value >>= 1) ++c;
    for (int j = 0; j < d; ++j) {
      x[j] ^= v[j][c];
      out[i][j] = static_cast<double>(x[j]) / 4294967296.0;
    }
  }
  return out;
}

std::vector<std::vector<double>> lhs_points(int d, std::uint64_t n, std::uint64_t seed,
                                            std::uint32_t stream) {
  std::vector<std::vector<double>> out(n, std::vector<double>(d, 0.0));
  for (int j = 0; j < d; ++j) {
    // A random permutation of the strata (Fisher–Yates), then a uniform offset in each.
    std::vector<std::uint64_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    Stream shuffle(seed, j, Purpose::kDesign, stream, 0);
    for (std::uint64_t i = n; i > 1; --i) {
      const std::uint64_t k = static_cast<std::uint64_t>(shuffle.uniform() * i);
      std::swap(perm[i - 1], perm[k < i ? k : i - 1]);
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      Stream offset(seed, i, Purpose::kDesign, stream, 1 + j);
      out[i][j] = (static_cast<double>(perm[i]) + offset.uniform()) / static_cast<double>(n);
    }
  }
  return out;
}

SaltelliDesign saltelli_design(int d, std::uint64_t n, bool lhs, std::uint64_t seed) {
  SaltelliDesign s;
  s.d = d;
  s.n = n;
  std::vector<std::vector<double>> a, b;
  if (lhs) {
    a = lhs_points(d, n, seed, 0);
    b = lhs_points(d, n, seed, 1);
  } else {
    if (2 * d > kMaxSobolDims) {
      throw std::invalid_argument("a Sobol design supports at most 10 parameters");
    }
    const auto points = sobol_points(2 * d, n + 1);
    for (std::uint64_t j = 1; j <= n; ++j) {  // skip the origin
      a.emplace_back(points[j].begin(), points[j].begin() + d);
      b.emplace_back(points[j].begin() + d, points[j].end());
    }
  }
  s.rows = a;
  s.rows.insert(s.rows.end(), b.begin(), b.end());
  for (int i = 0; i < d; ++i) {
    for (std::uint64_t j = 0; j < n; ++j) {
      std::vector<double> row = a[j];
      row[i] = b[j][i];
      s.rows.push_back(row);
    }
  }
  return s;
}

}  // namespace rr
