/// @file sensitivity.hpp
/// Variance-based sensitivity indices from a Saltelli design (design.hpp).
#pragma once

#include <cstdint>
#include <vector>

namespace rr {

/// First-order and total Sobol indices of one parameter, with 95% bootstrap intervals.
struct SobolIndex {
  double first = 0.0, first_lo = 0.0, first_hi = 0.0;
  double total = 0.0, total_lo = 0.0, total_hi = 0.0;
};

/// Sobol indices from model outputs on a Saltelli design: first order by Saltelli et al.
/// (2010, Comput. Phys. Commun. 181, eq. (b) of Table 2) with f(B) centred on the mean of f
/// over A and B (as SALib does; the expectation is unchanged, the variance far smaller when
/// f has a large mean, e.g. probabilities near 1), total by Jansen (1999), both normalised by
/// the variance of f over A and B. Intervals are bootstrap percentile
/// intervals over the n base rows (@p n_boot resamples drawn with Philox keyed by @p seed).
/// @param f_a  f at the rows of A (n)
/// @param f_b  f at the rows of B (n)
/// @param f_ab f at the rows of AB_i, one vector of n per parameter
/// When f does not vary at all, every index is 0.
std::vector<SobolIndex> sobol_indices(const std::vector<double>& f_a, const std::vector<double>& f_b,
                                      const std::vector<std::vector<double>>& f_ab, int n_boot,
                                      std::uint64_t seed);

}  // namespace rr
