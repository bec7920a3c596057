#include "stats/weighted_estimates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reerisk/path_weight.hpp"

namespace rr {
namespace {

/// The mean of n values from their sum and sum of squares, and its standard error (the sample
/// variance over n - 1; 0 for fewer than two values).
struct MeanAndError {
  double mean = 0.0;
  double se = 0.0;
};
MeanAndError mean_and_error(double sum, double sum_sq, std::uint64_t n) {
  MeanAndError out;
  if (n == 0) return out;
  const double nd = static_cast<double>(n);
  out.mean = sum / nd;
  if (n > 1) out.se = std::sqrt(std::max(0.0, (sum_sq - nd * out.mean * out.mean) / (nd - 1)) / nd);
  return out;
}

}  // namespace

Proportion weighted_proportion(double sum_w, double sum_w2, std::uint64_t n, double z) {
  const MeanAndError e = mean_and_error(sum_w, sum_w2, n);
  Proportion out;
  out.p = e.mean;
  out.lo = std::max(0.0, e.mean - z * e.se);
  out.hi = e.mean + z * e.se;
  return out;
}

WeightedCounts weighted_counts(const TallyLayout& L, const std::vector<std::uint64_t>& tally) {
  WeightedCounts out;
  if (!L.weighted()) return out;
  out.w.resize(L.counters);
  out.w2.resize(L.counters);
  for (std::uint64_t i = 0; i < L.counters; ++i) {
    const std::uint64_t* words = &tally[L.weighted(i)];
    out.w[i] = weight_value(words);
    out.w2[i] = weight_value(words + kWeightLimbs);
  }
  return out;
}

WeightDiagnostics weight_diagnostics(const TallyLayout& L, const std::vector<std::uint64_t>& tally) {
  WeightDiagnostics d;
  const std::uint64_t n = tally[L.paths];
  if (!L.weighted()) return d;
  const std::uint64_t* total = &tally[L.weighted(L.paths)];  // the twin of the path count
  const double sum_w = weight_value(total);
  const double sum_w2 = weight_value(total + kWeightLimbs);
  const MeanAndError e = mean_and_error(sum_w, sum_w2, n);
  d.mean = n ? e.mean : 1.0;
  d.mean_se = e.se;
  d.effective_paths = sum_w2 > 0.0 ? sum_w * sum_w / sum_w2 : 0.0;
  d.clamped = tally[L.w_clamped];
  return d;
}

namespace {
/// Clamped weights, or too small an effective sample size; "" when neither.
std::string effective_size_warning(const WeightDiagnostics& d, std::uint64_t n) {
  char buf[400];
  if (d.clamped) {
    std::snprintf(buf, sizeof buf,
                  "%llu weighted values were too large to tally (a weight w >= 2^24, or w times "
                  "a path's sum >= 2^48) and were clamped: the estimates are biased; tilt less",
                  static_cast<unsigned long long>(d.clamped));
    return buf;
  }
  if (n && (d.effective_paths < kMinEffectivePaths ||
            d.effective_paths < kMinEffectiveShare * static_cast<double>(n))) {
    std::snprintf(buf, sizeof buf,
                  "degenerate weights: an effective sample size of %.4g of %llu paths (below "
                  "max(%g, %g%% of the paths)); a few paths carry the estimate, whose interval "
                  "may be too narrow: tilt less or run more paths",
                  d.effective_paths, static_cast<unsigned long long>(n), kMinEffectivePaths,
                  100 * kMinEffectiveShare);
    return buf;
  }
  return "";
}

}  // namespace

std::string degenerate_weights_warning(const WeightDiagnostics& d, std::uint64_t n) {
  std::string out = effective_size_warning(d, n);
  if (n > 1 && std::fabs(d.mean - 1.0) > kMeanWeightSigmas * d.mean_se) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "%sthe mean weight %.4g lies %.3g standard errors from 1, its expectation: the "
                  "tilt rarely draws paths that carry much of the scenario's probability, so the "
                  "estimates may be far off; tilt less",
                  out.empty() ? "" : "; ", d.mean,
                  d.mean_se > 0.0 ? std::fabs(d.mean - 1.0) / d.mean_se : HUGE_VAL);
    out += buf;
  }
  return out;
}

}  // namespace rr
