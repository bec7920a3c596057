#include "stats/statistics.hpp"

#include <cmath>

namespace rr {

Proportion wilson(std::uint64_t k, std::uint64_t n, double z) {
  Proportion r;
  if (n == 0) return r;
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  r.p = p;
  r.lo = k == 0 ? 0.0 : std::fmax(0.0, centre - half);
  r.hi = k == n ? 1.0 : std::fmin(1.0, centre + half);
  return r;
}

std::size_t quantile_bin(const std::uint64_t* counts, std::size_t n_bins, double q) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n_bins; ++i) total += counts[i];
  if (total == 0) return 0;
  // Smallest b with cum(b) >= q * total, compared in integers to avoid rounding: ceil(q*total).
  double target = std::ceil(q * static_cast<double>(total) - 1e-9);
  if (target < 1) target = 1;
  std::uint64_t cum = 0;
  for (std::size_t i = 0; i < n_bins; ++i) {
    cum += counts[i];
    if (static_cast<double>(cum) >= target) return i;
  }
  return n_bins - 1;
}

std::int64_t kaplan_meier_quantile(const std::uint64_t* ended, const std::uint64_t* censored,
                                   std::size_t n_bins, double q) {
  std::uint64_t at_risk = 0;
  for (std::size_t d = 0; d < n_bins; ++d) at_risk += ended[d] + censored[d];
  double survival = 1.0;
  for (std::size_t d = 0; d < n_bins && at_risk > 0; ++d) {
    if (ended[d]) {
      survival *= 1.0 - static_cast<double>(ended[d]) / static_cast<double>(at_risk);
      // The tolerance keeps S exactly at 1 - q (e.g. 1 of 2 ended) on the event's side.
      if (survival <= 1.0 - q + 1e-12) return static_cast<std::int64_t>(d);
    }
    at_risk -= ended[d] + censored[d];
  }
  return -1;
}

std::size_t quantile_bin(const double* weights, std::size_t n_bins, double q) {
  double total = 0.0;
  for (std::size_t i = 0; i < n_bins; ++i) total += weights[i];
  if (!(total > 0.0)) return 0;
  const double target = q * total * (1.0 - 1e-12);  // a bin that reaches it up to rounding
  double cum = 0.0;
  for (std::size_t i = 0; i < n_bins; ++i) {
    cum += weights[i];
    if (weights[i] > 0.0 && cum >= target) return i;
  }
  return n_bins - 1;
}

std::int64_t kaplan_meier_quantile(const double* ended, const double* censored, std::size_t n_bins,
                                   double q) {
  double at_risk = 0.0;
  for (std::size_t d = 0; d < n_bins; ++d) at_risk += ended[d] + censored[d];
  double survival = 1.0;
  for (std::size_t d = 0; d < n_bins && at_risk > 0.0; ++d) {
    if (ended[d] > 0.0) {
      survival *= 1.0 - std::fmin(1.0, ended[d] / at_risk);
      if (survival <= 1.0 - q + 1e-12) return static_cast<std::int64_t>(d);
    }
    at_risk -= ended[d] + censored[d];
  }
  return -1;
}

}  // namespace rr
