#include "stats/weighted_estimates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reerisk/path_weight.hpp"

namespace rr {

Proportion weighted_proportion(double sum_w, double sum_w2, std::uint64_t n, double z) {
  Proportion out;
  if (n == 0) return out;
  const double nd = static_cast<double>(n);
  out.p = sum_w / nd;
  const double var = n > 1 ? std::max(0.0, (sum_w2 - nd * out.p * out.p) / (nd - 1)) : 0.0;
  const double half = z * std::sqrt(var / nd);
  out.lo = std::max(0.0, out.p - half);
  out.hi = out.p + half;
  return out;
}

std::vector<Proportion> weighted_first_day_cdf(const std::uint64_t* block, std::uint64_t H,
                                               std::uint64_t n) {
  // Cumulate the limb words as integers: exact, and no word can exceed the run's total.
  std::uint64_t cum[2][kWeightLimbs] = {};
  std::vector<Proportion> cdf(H);
  for (std::uint64_t t = 0; t < H; ++t) {
    for (int k = 0; k < 2 * kWeightLimbs; ++k) cum[k / kWeightLimbs][k % kWeightLimbs] += block[t * 2 * kWeightLimbs + k];
    cdf[t] = weighted_proportion(weight_value(cum[0]), weight_value(cum[1]), n);
  }
  return cdf;
}

WeightDiagnostics weight_diagnostics(const TallyLayout& L, const std::vector<std::uint64_t>& tally) {
  WeightDiagnostics d;
  const std::uint64_t n = tally[L.paths];
  if (L.w_clamped == L.w_total) return d;  // not an importance-sampled tally
  const double sum_w = weight_value(&tally[L.w_total]);
  const double sum_w2 = weight_value(&tally[L.w_total + kWeightLimbs]);
  d.mean = n ? sum_w / static_cast<double>(n) : 1.0;
  if (n > 1) {
    const double nd = static_cast<double>(n);
    d.mean_se = std::sqrt(std::max(0.0, (sum_w2 - nd * d.mean * d.mean) / (nd - 1)) / nd);
  }
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
                  "%llu paths had weights too large to tally (w >= 2^24) and were clamped: the "
                  "estimates are biased; tilt less", static_cast<unsigned long long>(d.clamped));
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
