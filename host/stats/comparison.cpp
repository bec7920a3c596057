#include "stats/comparison.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "reerisk/tally_layout.hpp"

namespace rr {
namespace {

/// Day-by-day counts and intervals from the two first-day histograms [H+1] and the histogram
/// of their per-path maximum (a path is out in both by day t when max(first A, first B) <= t).
PairedCurve paired_curve(const std::uint64_t* first_a, const std::uint64_t* first_b,
                         const std::uint64_t* first_both, std::int32_t H, std::uint64_t n) {
  PairedCurve c;
  c.out_a.resize(H);
  c.out_b.resize(H);
  c.out_both.resize(H);
  c.p_a.resize(H);
  c.p_b.resize(H);
  c.delta.resize(H);
  c.delta_unpaired.resize(H);
  std::uint64_t a = 0, b = 0, both = 0;
  for (std::int32_t t = 0; t < H; ++t) {
    a += first_a[t];
    b += first_b[t];
    both += first_both[t];
    c.out_a[t] = a;
    c.out_b[t] = b;
    c.out_both[t] = both;
    c.p_a[t] = wilson(a, n);
    c.p_b[t] = wilson(b, n);
    c.delta[t] = newcombe_paired(a, b, both, n);
    c.delta_unpaired[t] = newcombe_unpaired(a, b, n);
  }
  return c;
}

long double signed_sum(std::uint64_t x) { return static_cast<long double>(static_cast<std::int64_t>(x)); }

long double u128(const std::uint64_t* w) {
  return static_cast<long double>(w[1]) * 18446744073709551616.0L + static_cast<long double>(w[0]);
}

}  // namespace

std::size_t PairedCurve::index_within(std::int32_t days) const {
  const std::size_t H = p_a.size();
  return std::min<std::size_t>(static_cast<std::size_t>(std::max(days, 1)), H) - 1;
}

Comparison compare_tallies(const Scenario& sa, const ModelSpec& a, const Scenario& sb,
                           const ModelSpec& b, const PairedResult& r) {
  const TallyLayout la(a), lb(b);
  const PairedLayout lp(a);
  Comparison c;
  c.paths = r.n_paths;
  c.horizon_days = a.horizon_days;
  c.a = summarize(sa, a, r.tally_a);
  c.b = summarize(sb, b, r.tally_b);
  const std::uint64_t H1 = static_cast<std::uint64_t>(la.H) + 1;
  for (int s = 0; s < la.S; ++s) {
    for (int m = 0; m < la.M; ++m) {
      const std::uint64_t sm = la.sm(s, m);
      CellComparison cell;
      cell.segment = sa.segments[s].name;
      cell.material = sa.materials[m].name;
      cell.has_demand = a.demand_t[m][s] > 0.0 || b.demand_t[m][s] > 0.0;
      cell.stockout = paired_curve(&r.tally_a[la.first_stockout + sm * H1],
                                   &r.tally_b[lb.first_stockout + sm * H1],
                                   &r.joint[lp.stockout_both + sm * H1], la.H, r.n_paths);
      cell.line_stop = paired_curve(&r.tally_a[la.first_line_stop + sm * H1],
                                    &r.tally_b[lb.first_line_stop + sm * H1],
                                    &r.joint[lp.line_stop_both + sm * H1], la.H, r.n_paths);
      const double n = static_cast<double>(std::max<std::uint64_t>(r.n_paths, 1));
      cell.shortfall_mean_t_a = r.tally_a[la.shortfall_sum + sm] / kSumUnitsPerTonne / n;
      cell.shortfall_mean_t_b = r.tally_b[lb.shortfall_sum + sm] / kSumUnitsPerTonne / n;
      cell.shortfall_delta_t =
          mean_difference(signed_sum(r.joint[lp.shortfall_diff + sm]),
                          u128(&r.joint[lp.shortfall_diff_sq + 2 * sm]), r.n_paths,
                          1.0 / kSumUnitsPerTonne);
      c.cells.push_back(std::move(cell));
    }
  }
  return c;
}

namespace {
std::string pp(const Difference& d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+6.1f [%+5.1f,%+5.1f]", 100 * d.d, 100 * d.lo, 100 * d.hi);
  return buf;
}
}  // namespace

std::string format_comparison_table(const Comparison& c, const std::string& name_a,
                                    const std::string& name_b) {
  std::ostringstream os;
  char buf[512];
  const std::string H = std::to_string(c.horizon_days);
  os << "dP = P(" << name_b << ") - P(" << name_a
     << ") in percentage points, with its paired 95% interval (Newcombe 1998, method 10, on "
        "the same paths); P_a, P_b: each scenario's P(out within the horizon)\n";
  for (int kind = 0; kind < 2; ++kind) {
    const char* what = kind == 0 ? "out" : "stop";
    if (kind == 1) {
      os << "\nLine stops (days meeting less than the segment's line_stop_fill of demand):\n";
    }
    std::snprintf(buf, sizeof buf, "%-20s %-5s %7s %7s  %-22s %-22s %-22s %-22s%s\n", "segment",
                  "mat", "P_a", "P_b", (std::string("dP(") + what + "<=90d)").c_str(),
                  (std::string("dP(") + what + "<=180d)").c_str(),
                  (std::string("dP(") + what + "<=365d)").c_str(),
                  (std::string("dP(") + what + "<=" + H + "d)").c_str(),
                  kind == 0 ? "  d_short_mean_t [95% CI]" : "");
    os << buf;
    for (const auto& cell : c.cells) {
      if (!cell.has_demand) continue;
      const PairedCurve& curve = kind == 0 ? cell.stockout : cell.line_stop;
      auto col = [&](std::int32_t d) {
        return d <= c.horizon_days ? pp(curve.delta[curve.index_within(d)])
                                   : std::string("   n/a (horizon)      ");
      };
      const std::size_t last = curve.index_within(c.horizon_days);
      std::string shortfall;
      if (kind == 0) {
        char s[96];
        std::snprintf(s, sizeof s, "  %+.3g [%+.3g, %+.3g]", cell.shortfall_delta_t.d,
                      cell.shortfall_delta_t.lo, cell.shortfall_delta_t.hi);
        shortfall = s;
      }
      std::snprintf(buf, sizeof buf, "%-20s %-5s %6.1f%% %6.1f%%  %-22s %-22s %-22s %-22s%s\n",
                    cell.segment.c_str(), cell.material.c_str(), 100 * curve.p_a[last].p,
                    100 * curve.p_b[last].p, col(90).c_str(), col(180).c_str(), col(365).c_str(),
                    pp(curve.delta[last]).c_str(), shortfall.c_str());
      os << buf;
    }
  }
  return os.str();
}

}  // namespace rr
