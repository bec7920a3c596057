/// @file design.hpp
/// Space-filling designs for sweeps (`mode = "sobol" | "lhs"`) and the Saltelli sampling
/// scheme that sensitivity indices need.
#pragma once

#include <cstdint>
#include <vector>

namespace rr {

/// Most dimensions sobol_points() supports (Joe–Kuo direction numbers 1..21).
constexpr int kMaxSobolDims = 21;

/// The first @p n points of the unscrambled Sobol sequence in [0, 1)^d (Joe & Kuo 2008
/// direction numbers, "new-joe-kuo-6.21201"; point 0 is the origin, as in SciPy's
/// qmc.Sobol(scramble=False)). Hand-written: no library in the stack provides it.
std::vector<std::vector<double>> sobol_points(int d, std::uint64_t n);

/// A Latin hypercube of @p n points in [0, 1)^d: each coordinate takes one point in each of
/// the n strata, in an order and at positions drawn from Philox keyed by @p seed and
/// @p stream, so the design is reproducible.
std::vector<std::vector<double>> lhs_points(int d, std::uint64_t n, std::uint64_t seed,
                                            std::uint32_t stream);

/// The Saltelli (2010) scheme over d parameters with n base samples: rows of A, rows of B,
/// then for each parameter i the rows of AB_i (A with column i taken from B). The unit
/// points are returned in that order: n (d + 2) rows in [0, 1)^d.
struct SaltelliDesign {
  int d = 0;
  std::uint64_t n = 0;
  std::vector<std::vector<double>> rows;  ///< A (n), B (n), AB_0 (n), ..., AB_{d-1} (n)
  std::uint64_t a(std::uint64_t j) const { return j; }
  std::uint64_t b(std::uint64_t j) const { return n + j; }
  std::uint64_t ab(int i, std::uint64_t j) const { return (2 + static_cast<std::uint64_t>(i)) * n + j; }
};

/// A and B from the two halves of a 2d-dimensional Sobol sequence (skipping the origin), or
/// from two independent Latin hypercubes when @p lhs is true.
SaltelliDesign saltelli_design(int d, std::uint64_t n, bool lhs, std::uint64_t seed);

}  // namespace rr
