#include "stats/sweep_sensitivity.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace rr {

SensitivityResult compute_sensitivity(const SweepConfig& sweep, const SaltelliDesign& design,
                                      const std::vector<PointResult>& points, std::uint64_t seed) {
  SensitivityResult r;
  for (const SweepParam& p : sweep.params) r.params.push_back(p.key);
  const std::size_t cells = points.front().summary.cells.size();
  const int d = design.d;
  const std::uint64_t n = design.n;
  r.p_stockout.assign(static_cast<std::size_t>(d) * cells, SobolIndex{});
  r.stockout_days.assign(static_cast<std::size_t>(d) * cells, SobolIndex{});
  r.p_stockout_variance.assign(cells, 0.0);
  r.p_stockout_noise.assign(cells, 0.0);
  for (std::size_t c = 0; c < cells; ++c) {
    double sum = 0, sum2 = 0, noise = 0;
    for (const PointResult& p : points) {
      const double x = p.summary.cells[c].p_stockout_by_day.back().p;
      sum += x;
      sum2 += x * x;
      noise += x * (1 - x) / static_cast<double>(std::max<std::uint64_t>(p.summary.paths, 1));
    }
    const double k = static_cast<double>(points.size());
    r.p_stockout_variance[c] = std::max(0.0, sum2 / k - (sum / k) * (sum / k));
    r.p_stockout_noise[c] = noise / k;
    for (int output = 0; output < 2; ++output) {
      auto f = [&](std::uint64_t row) {
        const SegmentMaterialSummary& cell = points[row].summary.cells[c];
        return output == 0 ? cell.p_stockout_by_day.back().p : cell.stockout_days_mean;
      };
      std::vector<double> fa(n), fb(n);
      std::vector<std::vector<double>> fab(d, std::vector<double>(n));
      for (std::uint64_t j = 0; j < n; ++j) {
        fa[j] = f(design.a(j));
        fb[j] = f(design.b(j));
        for (int i = 0; i < d; ++i) fab[i][j] = f(design.ab(i, j));
      }
      const auto idx = sobol_indices(fa, fb, fab, kSensitivityBootstrap, seed);
      auto& target = output == 0 ? r.p_stockout : r.stockout_days;
      for (int i = 0; i < d; ++i) target[static_cast<std::size_t>(i) * cells + c] = idx[i];
    }
  }
  return r;
}

std::string format_sensitivity_ranking(const SensitivityResult& r, const Summary& labels) {
  std::ostringstream os;
  const std::size_t cells = labels.cells.size();
  os << "Sensitivity of P(stockout by the horizon): parameters ranked by total Sobol index "
        "(first-order and total, 95% bootstrap intervals)\n";
  char buf[256];
  for (std::size_t c = 0; c < cells; ++c) {
    std::vector<std::size_t> order(r.params.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return r.p_stockout[a * cells + c].total > r.p_stockout[b * cells + c].total;
    });
    os << labels.cells[c].segment << " / " << labels.cells[c].material;
    if (c < r.p_stockout_variance.size() &&
        r.p_stockout_variance[c] <= 4 * r.p_stockout_noise[c]) {
      os << "  (P barely varies over the design: indices are dominated by Monte Carlo noise)";
    }
    os << "\n";
    for (std::size_t k = 0; k < order.size(); ++k) {
      const SobolIndex& x = r.p_stockout[order[k] * cells + c];
      std::snprintf(buf, sizeof buf, "  %zu. %-40s S1 %6.3f [%6.3f,%6.3f]   ST %6.3f [%6.3f,%6.3f]\n",
                    k + 1, r.params[order[k]].c_str(), x.first, x.first_lo, x.first_hi, x.total,
                    x.total_lo, x.total_hi);
      os << buf;
    }
  }
  return os.str();
}

}  // namespace rr
