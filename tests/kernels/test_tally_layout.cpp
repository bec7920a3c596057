// The tally's bins (kernels/reerisk/tally_layout.hpp): the lane-wise log-spaced bins that
// close_month uses must give tonne_bin's and price_bin's bin for every value, near every edge
// too, and the fill rate is what its definition says.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "reerisk/tally_layout.hpp"

namespace rr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Every value of @p values through tonne_bins_lanes<W>, W at a time, against tonne_bin.
template <int W>
void expect_tonne_bins(const std::vector<double>& values) {
  for (std::size_t i = 0; i + W <= values.size(); i += W) {
    int bin[W];
    tonne_bins_lanes<W>(&values[i], bin);
    for (int l = 0; l < W; ++l) {
      ASSERT_EQ(bin[l], tonne_bin(values[i + l])) << W << " lanes, tonnes " << values[i + l];
    }
  }
}

template <int W>
void expect_price_bins(const std::vector<double>& values, double cap) {
  for (std::size_t i = 0; i + W <= values.size(); i += W) {
    int bin[W];
    price_bins_lanes<W>(&values[i], cap, std::log(cap), bin);
    for (int l = 0; l < W; ++l) {
      ASSERT_EQ(bin[l], price_bin(values[i + l], cap, std::log(cap)))
          << W << " lanes, cap " << cap << ", multiplier " << values[i + l];
    }
  }
}

// @p x and the 32 doubles on either side of it.
void add_neighbours(double x, std::vector<double>& out) {
  double below = x, above = x;
  out.push_back(x);
  for (int i = 0; i < 32; ++i) {
    below = std::nextafter(below, -kInf);
    above = std::nextafter(above, kInf);
    out.push_back(below);
    out.push_back(above);
  }
}

TEST(TallyBinsTest, SettledFloorRefusesPositionsNearAWholeNumber) {
  EXPECT_EQ(settled_floor(2.5f), 2);
  EXPECT_EQ(settled_floor(0.01f), 0);
  EXPECT_EQ(settled_floor(3.0f), -1);
  EXPECT_EQ(settled_floor(2.9995f), -1);
  EXPECT_EQ(settled_floor(3.0005f), -1);
  EXPECT_EQ(settled_floor(0.0f), -1);
  EXPECT_EQ(settled_floor(-0.3f), -1);
}

TEST(TallyBinsTest, LaneTonneBinsAreTonneBinsForAnyTonnage) {
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> decade(-9.0, 32.0);
  std::vector<double> values;
  for (int i = 0; i < 400000; ++i) values.push_back(std::pow(10.0, decade(gen)));
  // Zero, negatives, the lowest edge, tiny, huge, infinite and NaN tonnages.
  for (const double x : {0.0, -0.0, -1.0, 1e-3, 1e-300, 4.9e-324, 1e27, 1e30, 1e300, kInf, -kInf,
                         kNaN, 1e7, 9.99e6, 1.0, 0.5, 2.0}) {
    values.push_back(x);
  }
  while (values.size() % 16) values.push_back(1.0);
  expect_tonne_bins<1>(values);
  expect_tonne_bins<8>(values);
  expect_tonne_bins<16>(values);
}

TEST(TallyBinsTest, LaneTonneBinsAreTonneBinsNearEveryEdge) {
  std::vector<double> values;
  for (int k = -5; k <= kTonneBins + 5; ++k) {
    add_neighbours(kTonneLowestEdge * std::pow(10.0, static_cast<double>(k) / kTonneBinsPerDecade),
                   values);
  }
  while (values.size() % 16) values.push_back(1.0);
  expect_tonne_bins<8>(values);
  expect_tonne_bins<16>(values);
}

TEST(TallyBinsTest, LanePriceBinsArePriceBinsForAnyMultiplierAndCap) {
  std::mt19937_64 gen(12);
  // Caps near 1 (where every lane goes to libm), the baseline's 10 and far larger ones.
  for (const double cap : {1.01, 1.1, 1.2, 2.0, 3.5, 10.0, 100.0, 1e6}) {
    std::uniform_real_distribution<double> share(-0.1, 1.1);
    std::vector<double> values;
    for (int i = 0; i < 100000; ++i) values.push_back(std::pow(cap, share(gen)));
    for (int k = -2; k <= kPriceBins + 2; ++k) {
      add_neighbours(std::pow(cap, static_cast<double>(k) / kPriceBins), values);
      add_neighbours(std::exp(std::log(cap) * k / kPriceBins), values);
    }
    for (const double x : {0.0, 1.0, cap, kInf, kNaN, -1.0}) values.push_back(x);
    while (values.size() % 16) values.push_back(1.5);
    expect_price_bins<1>(values, cap);
    expect_price_bins<8>(values, cap);
    expect_price_bins<16>(values, cap);
  }
}

TEST(TallyBinsTest, FillRateIsMetOverDemandedWithinZeroAndOne) {
  EXPECT_EQ(fill_rate(0.0, 0.0), 1.0);  // nothing demanded, nothing missed
  EXPECT_EQ(fill_rate(5.0, 0.0), 1.0);
  EXPECT_EQ(fill_rate(1.0, kNaN), 1.0);
  EXPECT_EQ(fill_rate(1.0, 4.0), 0.25);
  EXPECT_EQ(fill_rate(0.0, 4.0), 0.0);
  EXPECT_EQ(fill_rate(-1.0, 4.0), 0.0);
  EXPECT_EQ(fill_rate(5.0, 4.0), 1.0);
}

}  // namespace
}  // namespace rr
