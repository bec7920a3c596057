/// @file statistics.hpp
/// Intervals and quantiles from integer counts.
#pragma once

#include <cstdint>
#include <vector>

namespace rr {

/// z for a two-sided 95% interval.
constexpr double kZ95 = 1.959963984540054;

/// A proportion with its confidence interval.
struct Proportion {
  double p = 0.0;
  double lo = 0.0;
  double hi = 0.0;
};

/// Wilson score interval for @p k successes out of @p n (Wilson 1927); well behaved at 0
/// and 1, unlike the normal approximation.
Proportion wilson(std::uint64_t k, std::uint64_t n, double z = kZ95);

/// Smallest bin index whose cumulative count reaches q * total (the inverse empirical CDF,
/// "type 1"); exact for integer-valued outcomes binned at unit resolution.
std::size_t quantile_bin(const std::uint64_t* counts, std::size_t n_bins, double q);
/// The same for weighted counts (sums of importance weights): the weighted quantile, the
/// smallest bin whose cumulative weight reaches q times the block's total weight.
std::size_t quantile_bin(const double* weights, std::size_t n_bins, double q);

/// Quantile @p q of a duration from right-censored counts, by the Kaplan-Meier product-limit
/// estimator (Kaplan & Meier 1958): @p ended[d] durations that ended after exactly d units,
/// @p censored[d] that were still going after d units when observation stopped (at risk at d,
/// the usual convention for ties). The smallest d whose estimated survival S(d) <= 1 - q;
/// -1 when S stays above 1 - q (too much is censored to say) or there is nothing.
std::int64_t kaplan_meier_quantile(const std::uint64_t* ended, const std::uint64_t* censored,
                                   std::size_t n_bins, double q);
/// The same for weighted counts: the product-limit estimator with weighted numbers ended and
/// at risk.
std::int64_t kaplan_meier_quantile(const double* ended, const double* censored, std::size_t n_bins,
                                   double q);

}  // namespace rr
