#include "stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "stats/weighted_estimates.hpp"

namespace rr {

namespace {
Proportion by_day(const std::vector<Proportion>& cdf, std::int32_t days) {
  if (days <= 0 || cdf.empty()) return {};
  return cdf[std::min<std::size_t>(static_cast<std::size_t>(days), cdf.size()) - 1];
}

/// A run's counters as its estimates read them: the integer counts of a plain run, or the
/// sums of w and w^2 of their weighted twins in an importance-sampled one (docs/model.md §10),
/// whose estimates are then those of the scenario's law rather than the tilted one.
class Counts {
 public:
  Counts(const std::vector<std::uint64_t>& tally, const WeightedCounts& weighted)
      : tally_(tally.data()), w_(weighted.w.empty() ? nullptr : weighted.w.data()),
        w2_(weighted.w.empty() ? nullptr : weighted.w2.data()) {}
  bool weighted() const { return w_ != nullptr; }
  /// The count of counter i, or its sum of weights; for a fixed-point sum, the sum, or the sum
  /// of w times each value added.
  double operator[](std::uint64_t i) const { return w_ ? w_[i] : static_cast<double>(tally_[i]); }
  /// The sample's own count at i, weighted or not.
  std::uint64_t sample_count(std::uint64_t i) const { return tally_[i]; }
  /// Its sum of squared weights (the count itself: 1^2 = 1).
  double squares(std::uint64_t i) const { return w_ ? w2_[i] : static_cast<double>(tally_[i]); }
  /// P(outcome) of n paths from a count and its squares: the Wilson interval of the count, or
  /// the weighted proportion's interval.
  Proportion proportion(double k, double k2, std::uint64_t n) const {
    return w_ ? weighted_proportion(k, k2, n)
              : wilson(static_cast<std::uint64_t>(std::llround(k)), n);
  }
  /// The quantile bin of a histogram of @p bins counters from @p at.
  std::size_t quantile(std::uint64_t at, std::size_t bins, double q) const {
    return w_ ? quantile_bin(w_ + at, bins, q) : quantile_bin(tally_ + at, bins, q);
  }
  std::int64_t kaplan_meier(std::uint64_t ended, std::uint64_t censored, std::size_t bins,
                            double q) const {
    return w_ ? kaplan_meier_quantile(w_ + ended, w_ + censored, bins, q)
              : kaplan_meier_quantile(tally_ + ended, tally_ + censored, bins, q);
  }

 private:
  const std::uint64_t* tally_;
  const double* w_;
  const double* w2_;
};

/// The CDF of first days and the daily share of paths in a spell, with their intervals, from a
/// first-day histogram [H+1] at @p first and the spells' start and end counts [H]. A path's
/// starts minus its ends up to day t is 1 exactly when it is in a spell on day t, so the
/// cumulated counts (and squares: w^2 * 1 of the same path) are those of the indicator.
void spell_outputs(const Counts& c, std::uint64_t first, std::uint64_t starts, std::uint64_t ends,
                   std::uint64_t H, std::uint64_t n, std::vector<Proportion>& cdf,
                   std::vector<Proportion>& in_spell) {
  double cum = 0, cum2 = 0, in = 0, in2 = 0;
  cdf.resize(H);
  in_spell.resize(H);
  for (std::uint64_t t = 0; t < H; ++t) {
    cum += c[first + t];
    cum2 += c.squares(first + t);
    in += c[starts + t] - c[ends + t];
    in2 += c.squares(starts + t) - c.squares(ends + t);
    cdf[t] = c.proportion(cum, cum2, n);
    in_spell[t] = c.proportion(std::max(0.0, in), std::max(0.0, in2), n);
  }
}

/// Mean and quantiles (kQuantileLevels) of a per-path day-count histogram [H+1] at @p days.
void day_count_outputs(const Counts& c, std::uint64_t days, std::uint64_t H, std::uint64_t n,
                       double& mean, std::int64_t (&quantile)[4]) {
  double sum_days = 0;
  for (std::uint64_t d = 0; d <= H; ++d) sum_days += static_cast<double>(d) * c[days + d];
  mean = n ? sum_days / n : 0.0;
  for (int q = 0; q < 4; ++q) {
    quantile[q] = static_cast<std::int64_t>(c.quantile(days, H + 1, kQuantileLevels[q]));
  }
}

/// Time to survive from its histogram [H] (paths by days), time to recover from the ended and
/// censored spell-length histograms [H+1]. The path and spell numbers are counts of the
/// sample; the means and quantiles are weighted in an importance-sampled run.
void survival_outputs(const Counts& c, std::uint64_t survive, std::uint64_t ended,
                      std::uint64_t censored, std::uint64_t H, SegmentMaterialSummary& out) {
  double sum = 0, total = 0;
  for (std::uint64_t d = 0; d < H; ++d) {
    out.survive_paths += c.sample_count(survive + d);
    total += c[survive + d];
    sum += static_cast<double>(d) * c[survive + d];
  }
  out.survive_days_mean = total > 0.0 ? sum / total : 0.0;
  for (int q = 0; q < 4; ++q) {
    out.survive_days_quantile[q] =
        out.survive_paths ? static_cast<std::int64_t>(c.quantile(survive, H, kQuantileLevels[q])) : -1;
  }
  sum = 0;
  total = 0;
  for (std::uint64_t d = 0; d <= H; ++d) {
    out.recover_spells += c.sample_count(ended + d);
    out.recover_censored += c.sample_count(censored + d);
    total += c[ended + d];
    sum += static_cast<double>(d) * c[ended + d];
  }
  out.recover_days_mean = total > 0.0 ? sum / total : 0.0;
  for (int q = 0; q < 4; ++q) {
    out.recover_days_quantile[q] = c.kaplan_meier(ended, censored, H + 1, kQuantileLevels[q]);
  }
}
}  // namespace

Proportion SegmentMaterialSummary::within(std::int32_t days) const {
  return by_day(p_stockout_by_day, days);
}

Proportion SegmentMaterialSummary::line_stop_within(std::int32_t days) const {
  return by_day(p_line_stop_by_day, days);
}

double tonne_bin_upper_edge(int b) {
  if (b <= 0) return 0.0;
  if (b == 1) return kTonneLowestEdge;
  if (b >= kTonneBins + 2) return kTonneLowestEdge * std::pow(10.0, kTonneDecades);
  return kTonneLowestEdge * std::pow(10.0, static_cast<double>(b - 1) / kTonneBinsPerDecade);
}

double price_bin_upper_edge(int b, double cap) {
  if (b <= 0) return 1.0;
  if (b >= kPriceBins + 1) return cap;
  return std::exp(std::log(cap) * static_cast<double>(b) / kPriceBins);
}

namespace {
/// cost_summary over counts (or sums of weights) and per-bin sums of either type.
template <class T>
CostSummary cost_summary_of(const T* counts, const T* sums) {
  CostSummary c;
  double n = 0.0, total = 0.0;
  for (int b = 0; b < kTonneSlots; ++b) {
    n += static_cast<double>(counts[b]);
    total += static_cast<double>(sums[b]);
  }
  if (!(n > 0.0)) return c;
  c.mean = total * kUsdPerSumUnit / n;
  for (int q = 0; q < 4; ++q) {
    c.quantile[q] = tonne_bin_upper_edge(static_cast<int>(quantile_bin(counts, kTonneSlots, kQuantileLevels[q]))) *
                    kUsdPerTonneBin;
  }
  const double tail = 0.05 * n;  // the worst 5% of paths
  double left = tail, tail_sum = 0.0;
  for (int b = kTonneSlots - 1; b >= 0 && left > 0.0; --b) {
    if (!(counts[b] > 0)) continue;
    const double take = std::min(left, static_cast<double>(counts[b]));
    tail_sum += static_cast<double>(sums[b]) * (take / static_cast<double>(counts[b]));
    left -= take;
  }
  c.cvar95 = tail_sum * kUsdPerSumUnit / tail;
  return c;
}
}  // namespace

CostSummary cost_summary(const std::uint64_t* counts, const std::uint64_t* sums) {
  return cost_summary_of(counts, sums);
}

Summary summarize(const Scenario& sc, const ModelSpec& spec, const std::vector<std::uint64_t>& tally) {
  const TallyLayout L(spec);
  Summary out;
  const std::uint64_t n = tally[L.paths];
  out.paths = n;
  out.horizon_days = spec.horizon_days;
  const std::uint64_t H = static_cast<std::uint64_t>(L.H);
  const WeightedCounts weighted = weighted_counts(L, tally);
  const Counts counts(tally, weighted);
  for (int s = 0; s < L.S; ++s) {
    for (int m = 0; m < L.M; ++m) {
      SegmentMaterialSummary c;
      c.segment = sc.segments[s].name;
      c.material = sc.materials[m].name;
      c.has_demand = spec.demand_t[m][s] > 0.0;
      c.demand_t_per_day = spec.demand_t[m][s];
      const std::uint64_t sm = L.sm(s, m);
      spell_outputs(counts, L.first_stockout + sm * (H + 1), L.run_starts + sm * H, L.run_ends + sm * H,
                    H, n, c.p_stockout_by_day, c.p_in_stockout);
      day_count_outputs(counts, L.stockout_days + sm * (H + 1), H, n, c.stockout_days_mean,
                        c.stockout_days_quantile);
      c.line_stop_fill = spec.segments[s].line_stop_fill;
      spell_outputs(counts, L.first_line_stop + sm * (H + 1), L.line_stop_starts + sm * H,
                    L.line_stop_ends + sm * H, H, n, c.p_line_stop_by_day, c.p_in_line_stop);
      day_count_outputs(counts, L.line_stop_days + sm * (H + 1), H, n, c.line_stop_days_mean,
                        c.line_stop_days_quantile);
      survival_outputs(counts, L.survive_hist + sm * H, L.recover_hist + sm * (H + 1),
                       L.recover_censored + sm * (H + 1), H, c);
      c.fill_rate_mean = n ? counts[L.fill_sum + sm] / kFillUnits / n : 1.0;
      for (int q = 0; q < 4; ++q) {
        c.fill_rate_quantile[q] =
            static_cast<double>(counts.quantile(L.fill_hist + sm * kFillSlots, kFillSlots, kFillQuantileLevels[q])) / kFillBins;
      }
      c.fill_rate_month_mean.resize(L.K);
      for (int k = 0; k < L.K; ++k) {
        c.fill_rate_month_mean[k] =
            n ? counts[L.fill_month_sum + sm * L.K + k] / kFillUnits / n : 1.0;
      }
      for (int q = 0; q < 4; ++q) {
        c.shortfall_quantile_t[q] = tonne_bin_upper_edge(static_cast<int>(
            counts.quantile(L.shortfall_hist + sm * kTonneSlots, kTonneSlots, kQuantileLevels[q])));
      }
      c.shortfall_mean_t = n ? counts[L.shortfall_sum + sm] / kSumUnitsPerTonne / n : 0.0;
      out.cells.push_back(std::move(c));
    }
  }
  if (spec.importance_sampling) {
    const WeightDiagnostics d = weight_diagnostics(L, tally);
    out.importance_sampling = true;
    out.weight_mean = d.mean;
    out.effective_paths = d.effective_paths;
    out.weight_clamped = d.clamped;
    out.weight_warning = degenerate_weights_warning(d, n);
  }
  out.costs = spec.costs;
  if (spec.costs) {
    for (int s = 0; s < L.S; ++s) {
      out.cost_segments.push_back(sc.segments[s].name);
      std::array<CostSummary, 2> both;
      for (int c = 0; c < 2; ++c) {
        const std::uint64_t at = (static_cast<std::uint64_t>(s) * 2 + c) * kTonneSlots;
        both[c] = counts.weighted()
                      ? cost_summary_of(&weighted.w[L.cost_hist + at], &weighted.w[L.cost_bin_sum + at])
                      : cost_summary(&tally[L.cost_hist + at], &tally[L.cost_bin_sum + at]);
      }
      out.segment_costs.push_back(both);
    }
  }
  out.regime_occupancy.assign(L.K, std::vector<double>(L.R, 0.0));
  for (int k = 0; k < L.K; ++k) {
    for (int r = 0; r < L.R; ++r) {
      out.regime_occupancy[k][r] = n ? counts[L.regime_occupancy + k * L.R + r] / n : 0.0;
    }
  }
  for (int m = 0; m < L.M; ++m) {
    out.smuggled_mean_t.push_back(n ? counts[L.smuggled_sum + m] / kSumUnitsPerTonne / n : 0.0);
    out.seized_mean_t.push_back(n ? counts[L.seized_sum + m] / kSumUnitsPerTonne / n : 0.0);
    out.smuggled_batches.push_back(tally[L.smuggled_batches + m]);
    out.seized_batches.push_back(tally[L.seized_batches + m]);
  }
  out.price_quantiles.assign(L.K, std::vector<std::vector<double>>(L.M, std::vector<double>(4)));
  for (int k = 0; k < L.K; ++k) {
    for (int m = 0; m < L.M; ++m) {
      const std::uint64_t h = L.price_hist + (static_cast<std::uint64_t>(k) * L.M + m) * kPriceSlots;
      for (int q = 0; q < 4; ++q) {
        out.price_quantiles[k][m][q] = price_bin_upper_edge(
            static_cast<int>(counts.quantile(h, kPriceSlots, kQuantileLevels[q])), spec.price_cap[m]);
      }
    }
  }
  const auto per_month = [&](auto value) {
    return std::vector<std::vector<double>>(L.K, std::vector<double>(L.M, value));
  };
  out.china_shipped_mean_t = per_month(0.0);
  out.china_shipped_share_mean = per_month(0.0);
  out.china_shipped_quantile_t.assign(L.K, std::vector<std::vector<double>>(L.M, std::vector<double>(4)));
  out.china_shipped_share_quantile = out.china_shipped_quantile_t;
  for (int k = 0; k < L.K; ++k) {
    for (int m = 0; m < L.M; ++m) {
      const std::uint64_t km = static_cast<std::uint64_t>(k) * L.M + m;
      const double baseline = spec.china_t_per_month[m];
      const auto share = [&](double t) { return baseline > 0.0 ? t / baseline : 0.0; };
      const double mean = n ? counts[L.shipped_sum + km] / kSumUnitsPerTonne / n : 0.0;
      out.china_shipped_mean_t[k][m] = mean;
      out.china_shipped_share_mean[k][m] = share(mean);
      for (int q = 0; q < 4; ++q) {
        const double t = tonne_bin_upper_edge(
            static_cast<int>(counts.quantile(L.shipped_hist + km * kTonneSlots, kTonneSlots, kQuantileLevels[q])));
        out.china_shipped_quantile_t[k][m][q] = t;
        out.china_shipped_share_quantile[k][m][q] = share(t);
      }
    }
  }
  for (int s = 0; s < L.S; ++s) {
    for (int m = 0; m < L.M; ++m) {
      std::vector<double> row(L.K);
      for (int k = 0; k < L.K; ++k) {
        row[k] = n ? counts[L.delivered_sum + L.sm(s, m) * L.K + k] / kSumUnitsPerTonne / n : 0.0;
      }
      out.delivered_mean_t.push_back(std::move(row));
    }
  }
  for (int p = 0; p < L.P; ++p) {
    out.plant_cancelled.push_back(tally[L.plant_cancelled + p]);
    const std::uint64_t* h = &tally[L.plant_start + static_cast<std::uint64_t>(p) * (L.K + 2)];
    out.plant_start_month.emplace_back(h, h + L.K + 2);
  }
  out.plant_output_mean_t.assign(L.Q, std::vector<double>(L.P, 0.0));
  out.plant_output_quantile_t.assign(L.Q, std::vector<std::vector<double>>(L.P, std::vector<double>(4)));
  for (int q = 0; q < L.Q; ++q) {
    for (int p = 0; p < L.P; ++p) {
      const std::uint64_t qp = static_cast<std::uint64_t>(q) * L.P + p;
      out.plant_output_mean_t[q][p] = n ? counts[L.plant_output_sum + qp] / kSumUnitsPerTonne / n : 0.0;
      for (int i = 0; i < 4; ++i) {
        out.plant_output_quantile_t[q][p][i] = tonne_bin_upper_edge(static_cast<int>(
            counts.quantile(L.plant_output_hist + qp * kTonneSlots, kTonneSlots, kQuantileLevels[i])));
      }
    }
  }
  return out;
}

double widest_horizon_halfwidth(const ModelSpec& spec, const std::vector<std::uint64_t>& tally) {
  const TallyLayout L(spec);
  const std::uint64_t n = tally[L.paths];
  double widest = 0.0;
  for (int s = 0; s < L.S; ++s) {
    for (int m = 0; m < L.M; ++m) {
      Proportion p;
      if (spec.importance_sampling) {  // the weighted estimate by the horizon: 1 - P(never)
        const std::uint64_t never = L.first_stockout + L.sm(s, m) * (L.H + 1) + L.H;
        const std::uint64_t* total = &tally[L.weighted(L.paths)];
        const std::uint64_t* none = &tally[L.weighted(never)];
        p = weighted_proportion(weight_value(total) - weight_value(none),
                                weight_value(total + kWeightLimbs) - weight_value(none + kWeightLimbs), n);
      } else {
        // P(stockout by the horizon) = 1 - P(no stockout day) = 1 - stockout_days[0] / n.
        const std::uint64_t never = tally[L.stockout_days + L.sm(s, m) * (L.H + 1)];
        p = wilson(n - never, n);
      }
      widest = std::max(widest, (p.hi - p.lo) / 2);
    }
  }
  return widest;
}

namespace {
std::string pct(const Proportion& x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%5.1f%% [%4.1f,%5.1f]", 100 * x.p, 100 * x.lo, 100 * x.hi);
  return buf;
}
}  // namespace

std::string format_rare_event_table(const Summary& s) {
  std::ostringstream os;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Importance sampling: %llu paths drawn from the tilted laws of [rare_event], "
                "weighted by their likelihood ratios (mean weight %.4f, 1 expected); effective "
                "sample size %.4g\n",
                static_cast<unsigned long long>(s.paths), s.weight_mean, s.effective_paths);
  os << buf;
  if (!s.weight_warning.empty()) os << "warning: " << s.weight_warning << "\n";
  const auto cell = [](const Proportion& x) {
    char b[96];
    const double rel = x.p > 0.0 ? (x.hi - x.p) / x.p : 0.0;
    if (x.p > 0.0) {
      std::snprintf(b, sizeof b, "%9.3e [%9.3e, %9.3e] +-%3.0f%%", x.p, x.lo, x.hi, 100 * rel);
    } else {
      std::snprintf(b, sizeof b, "%-44s", "0 (no path reached it)");
    }
    return std::string(b);
  };
  const std::int32_t year = std::min<std::int32_t>(365, s.horizon_days);
  // One table per outcome: P(first <outcome> within a year and by the horizon) per cell.
  const auto table = [&](const char* outcome, Proportion (SegmentMaterialSummary::*within)(std::int32_t) const,
                         const char* interval) {
    const std::string lead = std::string("P(") + outcome + "<=";
    std::snprintf(buf, sizeof buf, "%-20s %-5s  %-44s %-44s\n", "segment", "mat",
                  (lead + std::to_string(year) + "d)" + interval).c_str(),
                  (lead + std::to_string(s.horizon_days) + "d)").c_str());
    os << buf;
    for (const auto& c : s.cells) {
      if (!c.has_demand) continue;
      std::snprintf(buf, sizeof buf, "%-20s %-5s  %-44s %-44s\n", c.segment.c_str(),
                    c.material.c_str(), cell((c.*within)(year)).c_str(),
                    cell((c.*within)(s.horizon_days)).c_str());
      os << buf;
    }
  };
  table("out", &SegmentMaterialSummary::within, " [95% CI] +-rel");
  os << "\n";
  table("stop", &SegmentMaterialSummary::line_stop_within, "");
  os << "Every probability, quantile and mean of the run is weighted likewise; the result "
        "file's *_count datasets count the tilted law's paths, their *_count_weighted twins "
        "the scenario's (docs/model.md §10).\n";
  return os.str();
}

std::string format_summary_table(const Summary& s) {
  if (s.importance_sampling) return format_rare_event_table(s);
  std::ostringstream os;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-20s %-5s  %-20s %-20s %-20s %-20s %7s %7s %12s\n",
                "segment", "mat", "P(out<=90d) [95% CI]", "P(out<=180d)", "P(out<=365d)",
                ("P(out<=" + std::to_string(s.horizon_days) + "d)").c_str(), "days50",
                "days90", "short_mean_t");
  os << buf;
  for (const auto& c : s.cells) {
    if (!c.has_demand) continue;  // a segment that uses none of a material cannot run out of it
    auto col = [&](std::int32_t d) {
      return d <= s.horizon_days ? pct(c.within(d)) : std::string("   n/a (horizon)   ");
    };
    std::snprintf(buf, sizeof buf, "%-20s %-5s  %-20s %-20s %-20s %-20s %7lld %7lld %12.3f\n",
                  c.segment.c_str(), c.material.c_str(), col(90).c_str(), col(180).c_str(),
                  col(365).c_str(), pct(c.within(s.horizon_days)).c_str(),
                  static_cast<long long>(c.stockout_days_quantile[0]),
                  static_cast<long long>(c.stockout_days_quantile[1]), c.shortfall_mean_t);
    os << buf;
  }
  const bool line_stops = !s.cells.empty() && !s.cells[0].p_line_stop_by_day.empty();
  if (!line_stops) return os.str();  // a result file written before line stops existed
  os << "\nLine stops: days meeting less than line_stop_fill (fill<) of the day's demand; fill: "
        "delivered / demanded per path over the horizon (mean, P5); survive50: median days from "
        "the disruption to the first line stop; recover50: median spell length (Kaplan-Meier, "
        "'-' where too many spells outlast the horizon)\n";
  std::snprintf(buf, sizeof buf, "%-20s %-5s %5s  %-20s %-20s %-20s %-20s %7s %7s %9s %7s %9s %9s\n",
                "segment", "mat", "fill<", "P(stop<=90d)", "P(stop<=180d)", "P(stop<=365d)",
                ("P(stop<=" + std::to_string(s.horizon_days) + "d)").c_str(), "stop50", "stop90",
                "fill_mean", "fill_p5", "survive50", "recover50");
  os << buf;
  for (const auto& c : s.cells) {
    if (!c.has_demand) continue;
    auto col = [&](std::int32_t d) {
      return d <= s.horizon_days ? pct(c.line_stop_within(d)) : std::string("   n/a (horizon)   ");
    };
    const auto days = [](std::int64_t d) { return d < 0 ? std::string("-") : std::to_string(d); };
    std::snprintf(buf, sizeof buf, "%-20s %-5s %5.2f  %-20s %-20s %-20s %-20s %7lld %7lld %8.1f%% %6.0f%% %9s %9s\n",
                  c.segment.c_str(), c.material.c_str(), c.line_stop_fill, col(90).c_str(),
                  col(180).c_str(), col(365).c_str(), pct(c.line_stop_within(s.horizon_days)).c_str(),
                  static_cast<long long>(c.line_stop_days_quantile[0]),
                  static_cast<long long>(c.line_stop_days_quantile[1]), 100 * c.fill_rate_mean,
                  100 * c.fill_rate_quantile[1], days(c.survive_days_quantile[0]).c_str(),
                  days(c.recover_days_quantile[0]).c_str());
    os << buf;
  }
  if (s.costs) {
    os << "\nCosts per path over the horizon, US dollars: procurement = receipts x price "
          "multiplier x base price; shortfall = tonnes short x shortfall_cost_usd_per_t\n";
    std::snprintf(buf, sizeof buf, "%-20s %11s %11s %11s %11s   %11s %11s %11s\n", "segment",
                  "proc_mean", "proc_p50", "proc_p95", "proc_cvar95", "short_mean", "short_p95",
                  "short_cvar95");
    os << buf;
    for (size_t g = 0; g < s.segment_costs.size(); ++g) {
      const auto& c = s.segment_costs[g];
      std::snprintf(buf, sizeof buf, "%-20s %11.4g %11.4g %11.4g %11.4g   %11.4g %11.4g %11.4g\n",
                    s.cost_segments[g].c_str(), c[0].mean, c[0].quantile[0], c[0].quantile[2],
                    c[0].cvar95, c[1].mean, c[1].quantile[2], c[1].cvar95);
      os << buf;
    }
  }
  return os.str();
}

}  // namespace rr
