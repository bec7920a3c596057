#include "stats/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include "reerisk/rng.hpp"

namespace rr {
namespace {

struct Estimate {
  std::vector<double> first, total;
};

/// The estimators over the base rows listed in @p rows (with repeats for the bootstrap).
Estimate estimate(const std::vector<double>& fa, const std::vector<double>& fb,
                  const std::vector<std::vector<double>>& fab, const std::vector<std::uint64_t>& rows) {
  const double n = static_cast<double>(rows.size());
  double mean = 0;
  for (auto j : rows) mean += fa[j] + fb[j];
  mean /= 2 * n;
  double var = 0;
  for (auto j : rows) var += (fa[j] - mean) * (fa[j] - mean) + (fb[j] - mean) * (fb[j] - mean);
  var /= 2 * n - 1;
  Estimate e;
  for (const auto& fi : fab) {
    double s1 = 0, st = 0;
    for (auto j : rows) {
      s1 += (fb[j] - mean) * (fi[j] - fa[j]);  // centred: same expectation, far less noise
      st += (fa[j] - fi[j]) * (fa[j] - fi[j]);
    }
    e.first.push_back(var > 0 ? s1 / n / var : 0.0);
    e.total.push_back(var > 0 ? st / (2 * n) / var : 0.0);
  }
  return e;
}

double percentile(std::vector<double> x, double q) {
  std::sort(x.begin(), x.end());
  const double at = q * (x.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(at));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (at - lo) * (x[hi] - x[lo]);
}

}  // namespace

std::vector<SobolIndex> sobol_indices(const std::vector<double>& f_a, const std::vector<double>& f_b,
                                      const std::vector<std::vector<double>>& f_ab, int n_boot,
                                      std::uint64_t seed) {
  const std::uint64_t n = f_a.size();
  std::vector<std::uint64_t> all(n);
  for (std::uint64_t j = 0; j < n; ++j) all[j] = j;
  const Estimate point = estimate(f_a, f_b, f_ab, all);
  const std::size_t d = f_ab.size();
  std::vector<std::vector<double>> boot_first(d), boot_total(d);
  std::vector<std::uint64_t> rows(n);
  for (int b = 0; b < n_boot; ++b) {
    for (std::uint64_t j = 0; j < n; ++j) {
      Stream s(seed, j, Purpose::kDesign, 1000, static_cast<std::uint32_t>(b));
      rows[j] = std::min<std::uint64_t>(static_cast<std::uint64_t>(s.uniform() * n), n - 1);
    }
    const Estimate e = estimate(f_a, f_b, f_ab, rows);
    for (std::size_t i = 0; i < d; ++i) {
      boot_first[i].push_back(e.first[i]);
      boot_total[i].push_back(e.total[i]);
    }
  }
  std::vector<SobolIndex> out(d);
  for (std::size_t i = 0; i < d; ++i) {
    out[i].first = point.first[i];
    out[i].total = point.total[i];
    if (n_boot > 1) {
      out[i].first_lo = percentile(boot_first[i], 0.025);
      out[i].first_hi = percentile(boot_first[i], 0.975);
      out[i].total_lo = percentile(boot_total[i], 0.025);
      out[i].total_hi = percentile(boot_total[i], 0.975);
    } else {
      out[i].first_lo = out[i].first_hi = out[i].first;
      out[i].total_lo = out[i].total_hi = out[i].total;
    }
  }
  return out;
}

}  // namespace rr
