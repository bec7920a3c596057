/// @file weighted_estimates.hpp
/// Estimates from an importance-sampled run (docs/model.md §10): probabilities as weighted
/// means of indicators, with intervals from the weighted sample, and the weights' diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reerisk/tally_layout.hpp"
#include "stats/statistics.hpp"

namespace rr {

/// The estimate sum(w f) / n of a probability from n weighted paths, where @p sum_w and
/// @p sum_w2 are the sums of w f and w^2 f (f the 0/1 outcome): the normal 95% interval
/// p +- z s / sqrt(n), s^2 the sample variance of w f, the lower end clipped at 0. With no
/// path that has the outcome the interval is [0, 0] and says nothing: check the hit count.
Proportion weighted_proportion(double sum_w, double sum_w2, std::uint64_t n, double z = kZ95);

/// The weighted twins of a tally's counters (tally_layout.hpp) as doubles: w[i] and w2[i] are
/// the sums of the weights w and of w^2 of what counter i counted. Empty for a tally without
/// twins.
struct WeightedCounts {
  std::vector<double> w, w2;
};
WeightedCounts weighted_counts(const TallyLayout& layout, const std::vector<std::uint64_t>& tally);

/// How well the weights behave: their mean (1 in expectation, since E_q[w] = 1), Kish's
/// effective sample size (sum w)^2 / sum w^2, and the weighted values that did not fit.
struct WeightDiagnostics {
  double mean = 1.0;
  double mean_se = 0.0;  ///< the standard error of the mean weight
  double effective_paths = 0.0;
  std::uint64_t clamped = 0;
};
WeightDiagnostics weight_diagnostics(const TallyLayout& layout,
                                     const std::vector<std::uint64_t>& tally);

/// Effective sample sizes below this share of the paths, or below kMinEffectivePaths, make a
/// run's summary say that its weights are degenerate.
constexpr double kMinEffectiveShare = 0.01;
constexpr double kMinEffectivePaths = 100.0;

/// A mean weight further than this many standard errors from 1 makes the summary warn too: the
/// tilted law then rarely draws paths that carry much of the scenario's probability.
constexpr double kMeanWeightSigmas = 5.0;

/// "" when the weights are healthy, else a sentence on each thing wrong with them.
std::string degenerate_weights_warning(const WeightDiagnostics& d, std::uint64_t n);

}  // namespace rr
