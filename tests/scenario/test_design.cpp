// Space-filling designs and Sobol sensitivity indices.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "scenario/design.hpp"
#include "stats/sensitivity.hpp"

namespace rr {
namespace {

// Reference rows from SciPy 1.10: scipy.stats.qmc.Sobol(d=21, scramble=False).random(8192).
TEST(DesignTest, SobolMatchesScipy) {
  const auto p = sobol_points(21, 8192);
  const double row1000[21] = {0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375,
                              0.9072265625, 0.0458984375, 0.8994140625, 0.5009765625, 0.0693359375,
                              0.0849609375, 0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875,
                              0.3701171875, 0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375,
                              0.5224609375};
  const double row8191[21] = {0.0001220703125, 0.5333251953125, 0.5015869140625, 0.4688720703125,
                              0.8536376953125, 0.6202392578125, 0.2752685546875, 0.6959228515625,
                              0.5963134765625, 0.7567138671875, 0.2872314453125, 0.3052978515625,
                              0.8438720703125, 0.8751220703125, 0.1427001953125, 0.1783447265625,
                              0.0728759765625, 0.0504150390625, 0.8580322265625, 0.9471435546875,
                              0.5858154296875};
  for (int j = 0; j < 21; ++j) {
    EXPECT_EQ(p[1000][j], row1000[j]) << "dim " << j;
    EXPECT_EQ(p[8191][j], row8191[j]) << "dim " << j;
    EXPECT_EQ(p[0][j], 0.0);
  }
}

TEST(DesignTest, LatinHypercubeHasOnePointPerStratumAndIsReproducible) {
  const std::uint64_t n = 50;
  const auto p = lhs_points(3, n, 11, 0);
  for (int j = 0; j < 3; ++j) {
    std::set<int> strata;
    for (const auto& row : p) {
      ASSERT_GE(row[j], 0.0);
      ASSERT_LT(row[j], 1.0);
      strata.insert(static_cast<int>(row[j] * n));
    }
    EXPECT_EQ(strata.size(), n) << "dim " << j;
  }
  EXPECT_EQ(p, lhs_points(3, n, 11, 0));
  EXPECT_NE(p, lhs_points(3, n, 12, 0));
}

TEST(DesignTest, SaltelliRowsAreAThenBThenTheMixes) {
  const SaltelliDesign s = saltelli_design(2, 4, false, 1);
  ASSERT_EQ(s.rows.size(), 16u);
  for (std::uint64_t j = 0; j < 4; ++j) {
    EXPECT_EQ(s.rows[s.ab(0, j)][0], s.rows[s.b(j)][0]);
    EXPECT_EQ(s.rows[s.ab(0, j)][1], s.rows[s.a(j)][1]);
    EXPECT_EQ(s.rows[s.ab(1, j)][1], s.rows[s.b(j)][1]);
  }
}

// The Ishigami function (Ishigami & Homma 1990) with a = 7, b = 0.1 on U(-pi, pi)^3 has the
// analytic indices S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437) (Saltelli et al.,
// Global Sensitivity Analysis: The Primer, 2008, §4.3). The estimates from 2^13 Sobol base
// rows must fall within their 95% bootstrap intervals (bootstrap treats the rows as
// independent, which overstates quasi-random error: the check is conservative).
TEST(SensitivityTest, IshigamiIndicesMatchTheirAnalyticValues) {
  const double a = 7, b = 0.1, pi = 3.141592653589793;
  const SaltelliDesign s = saltelli_design(3, 8192, false, 1);
  auto f = [&](const std::vector<double>& u) {
    const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
    return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
  };
  std::vector<double> fa(s.n), fb(s.n);
  std::vector<std::vector<double>> fab(3, std::vector<double>(s.n));
  for (std::uint64_t j = 0; j < s.n; ++j) {
    fa[j] = f(s.rows[s.a(j)]);
    fb[j] = f(s.rows[s.b(j)]);
    for (int i = 0; i < 3; ++i) fab[i][j] = f(s.rows[s.ab(i, j)]);
  }
  const auto idx = sobol_indices(fa, fb, fab, 200, 5);
  const double pi4 = std::pow(pi, 4), pi8 = std::pow(pi, 8);
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double s1 = 0.5 * std::pow(1 + b * pi4 / 5, 2) / v, s2 = a * a / 8 / v, s3 = 0.0;
  const double st1 = (0.5 * std::pow(1 + b * pi4 / 5, 2) + 8 * b * b * pi8 / 225) / v;
  const double st3 = 8 * b * b * pi8 / 225 / v;
  const double first[3] = {s1, s2, s3}, total[3] = {st1, s2, st3};
  EXPECT_NEAR(s1, 0.3139, 1e-4);  // the closed forms above reproduce the Primer's numbers
  EXPECT_NEAR(st3, 0.2437, 1e-4);
  for (int i = 0; i < 3; ++i) {
    EXPECT_LE(idx[i].first_lo, first[i]) << i;
    EXPECT_GE(idx[i].first_hi, first[i]) << i;
    EXPECT_LE(idx[i].total_lo, total[i]) << i;
    EXPECT_GE(idx[i].total_hi, total[i]) << i;
    EXPECT_LT(idx[i].first_hi - idx[i].first_lo, 0.1) << i;
  }
}

TEST(SensitivityTest, ConstantOutputGivesZeroIndices) {
  const std::vector<double> c(16, 0.25);
  const auto idx = sobol_indices(c, c, {c, c}, 10, 1);
  for (const auto& i : idx) {
    EXPECT_EQ(i.first, 0.0);
    EXPECT_EQ(i.total, 0.0);
  }
}

}  // namespace
}  // namespace rr
