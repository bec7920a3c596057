/// @file tally_layout.hpp
/// Where each counter of a run's tally lives.
///
/// A run reduces its paths into one flat array of 64-bit integer counters (histograms and
/// fixed-point sums). Integer addition is associative and exact, so the tally is identical
/// bit for bit however the paths are split into threads, batches, GPUs or processes: two
/// partial tallies of disjoint path ranges simply add up.
#pragma once

#include <cstdint>

#include "reerisk/float_math.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_weight.hpp"

namespace rr {

/// Log-spaced tonnage bins: [0] exactly zero, [1] (0, 1e-3 t), [2 .. kTonneBins+1] decades
/// 1e-3 .. 1e7 t with kTonneBinsPerDecade bins each, [kTonneBins+2] >= 1e7 t.
constexpr int kTonneBinsPerDecade = 10;
constexpr int kTonneDecades = 10;
constexpr double kTonneLowestEdge = 1e-3;
constexpr int kTonneBins = kTonneBinsPerDecade * kTonneDecades;
constexpr int kTonneSlots = kTonneBins + 3;

/// Price multiplier bins: [0] exactly 1, [1 .. kPriceBins] log-spaced over (1, cap),
/// [kPriceBins+1] exactly the cap.
constexpr int kPriceBins = 100;
constexpr int kPriceSlots = kPriceBins + 2;

/// Fill-rate bins: [k] for k/100 <= fill < (k+1)/100, k < 100; [kFillBins] exactly 1 (every
/// tonne demanded was met; also a path with no demand).
constexpr int kFillBins = 100;
constexpr int kFillSlots = kFillBins + 1;
/// Fixed-point unit of fill-rate sums: 1e-9 (a path adds at most 1e9).
constexpr double kFillUnits = 1e9;

/// Costs per path in US dollars are binned on the tonnage bins scaled by kUsdPerTonneBin
/// (bin edges 1e3 .. 1e13 USD) and summed in whole thousands of dollars.
constexpr double kUsdPerTonneBin = 1e6;
constexpr double kUsdPerSumUnit = 1e3;

/// Fixed-point unit of tonnage sums: 1 kg. Per-path totals are rounded to whole kg before
/// they are added, so means are exact sums of integers (error below 0.5 kg per path).
constexpr double kSumUnitsPerTonne = 1000.0;

/// Plant output is tallied per quarter of the run: kMonthsPerQuarter model months from month 0
/// (the last quarter may be shorter), the period producers report in.
constexpr int kMonthsPerQuarter = 3;
RR_HD_INLINE constexpr std::int32_t quarters_of(std::int32_t months) {
  return (months + kMonthsPerQuarter - 1) / kMonthsPerQuarter;
}

/// Offsets of every counter block in the flat tally. Pure arithmetic on the scenario's
/// dimensions, identical on host and device.
struct TallyLayout {
  std::int32_t H = 0;  ///< horizon days
  std::int32_t M = 0;  ///< materials
  std::int32_t S = 0;  ///< segments
  std::int32_t P = 0;  ///< plants
  std::int32_t R = 0;  ///< regimes
  std::int32_t K = 0;  ///< months
  std::int32_t Q = 0;  ///< quarters of the run (quarters_of(K))

  // Per segment x material blocks, each laid out [s][m][...]
  std::uint64_t first_stockout = 0;   ///< [s][m][H+1]: first stockout day; slot H = never
  std::uint64_t stockout_days = 0;    ///< [s][m][H+1]: total stockout days per path
  std::uint64_t run_starts = 0;       ///< [s][m][H]: a stockout spell starts on day t
  std::uint64_t run_ends = 0;         ///< [s][m][H]: a spell ended the day before t
  std::uint64_t shortfall_hist = 0;   ///< [s][m][kTonneSlots]: total shortfall per path
  std::uint64_t shortfall_sum = 0;    ///< [s][m]: sum of per-path shortfall, kg
  std::uint64_t delivered_sum = 0;    ///< [s][m][K]: tonnes consumed (demand met) in month k, kg
  std::uint64_t first_line_stop = 0;  ///< [s][m][H+1]: first line-stop day; slot H = never
  std::uint64_t line_stop_days = 0;   ///< [s][m][H+1]: total line-stop days per path
  std::uint64_t line_stop_starts = 0; ///< [s][m][H]: a line-stop spell starts on day t
  std::uint64_t line_stop_ends = 0;   ///< [s][m][H]: a line-stop spell ended the day before t
  std::uint64_t survive_hist = 0;     ///< [s][m][H]: paths by days from disruption to first line stop
  std::uint64_t recover_hist = 0;     ///< [s][m][H+1]: ended line-stop spells by length in days
  std::uint64_t recover_censored = 0; ///< [s][m][H+1]: spells still on at the horizon, by length so far
  std::uint64_t fill_hist = 0;        ///< [s][m][kFillSlots]: horizon fill rate per path
  std::uint64_t fill_sum = 0;         ///< [s][m]: sum of per-path fill rates, 1e-9 units
  std::uint64_t fill_month_sum = 0;   ///< [s][m][K]: sum of per-path fill rates of month k, 1e-9
  // Per segment, two costs c (0 procurement, 1 shortfall): [s][c][kTonneSlots]
  std::uint64_t cost_hist = 0;        ///< paths by cost (USD bins)
  std::uint64_t cost_bin_sum = 0;     ///< the paths' costs summed per bin, kUSD
  // System-wide
  std::uint64_t regime_occupancy = 0; ///< [K][R]: state at each month start
  std::uint64_t smuggled_hist = 0;    ///< [m][kTonneSlots]: smuggled tonnes per path
  std::uint64_t seized_hist = 0;      ///< [m][kTonneSlots]: seized tonnes per path
  std::uint64_t smuggled_sum = 0;     ///< [m]: kg
  std::uint64_t seized_sum = 0;       ///< [m]: kg
  std::uint64_t smuggled_batches = 0; ///< [m]: batches with tonnes > 0
  std::uint64_t seized_batches = 0;   ///< [m]
  std::uint64_t price_hist = 0;       ///< [K][m][kPriceSlots]
  std::uint64_t shipped_hist = 0;     ///< [K][m][kTonneSlots]: China exports per path in month k
  std::uint64_t shipped_sum = 0;      ///< [K][m]: kg
  std::uint64_t plant_start = 0;      ///< [p][K+2]: [0] before day 0, [1+k] month k, [K+1] never in horizon
  std::uint64_t plant_cancelled = 0;  ///< [p]
  std::uint64_t plant_output_hist = 0;  ///< [Q][p][kTonneSlots]: a plant's output per path in quarter q, all materials
  std::uint64_t plant_output_sum = 0;   ///< [Q][p]: kg
  std::uint64_t paths = 0;            ///< [1]: paths simulated
  std::uint64_t overflow = 0;         ///< [1]: paths whose transit list overflowed
  // Importance sampling only (ModelSpec::importance_sampling; empty otherwise).
  std::uint64_t counters = 0;  ///< the counters above, which weighted() twins
  /// [counters][2][limbs]: each counter's twin, kWeightLimbs limb words each (path_weight.hpp):
  /// for a count, the sums of the weights w and of w^2 of what it counted; for a fixed-point
  /// sum, the sum of w times each value added (its w^2 words stay 0).
  std::uint64_t weighted_counts = 0;
  std::uint64_t w_clamped = 0;  ///< [1]: weighted values that reached kWeightLimit, clamped
  std::uint64_t size = 0;

  RR_HD TallyLayout() {}

  /// Layout for a scenario's dimensions.
  RR_HD explicit TallyLayout(const ModelSpec& spec)
      : H(spec.horizon_days), M(spec.n_materials), S(spec.n_segments), P(spec.n_plants),
        R(spec.n_regimes), K(spec.n_months), Q(quarters_of(spec.n_months)) {
    const std::uint64_t sm = static_cast<std::uint64_t>(S) * M;
    std::uint64_t at = 0;
    first_stockout = at;   at += sm * (H + 1);
    stockout_days = at;    at += sm * (H + 1);
    run_starts = at;       at += sm * H;
    run_ends = at;         at += sm * H;
    shortfall_hist = at;   at += sm * kTonneSlots;
    shortfall_sum = at;    at += sm;
    delivered_sum = at;    at += sm * K;
    first_line_stop = at;  at += sm * (H + 1);
    line_stop_days = at;   at += sm * (H + 1);
    line_stop_starts = at; at += sm * H;
    line_stop_ends = at;   at += sm * H;
    survive_hist = at;     at += sm * H;
    recover_hist = at;     at += sm * (H + 1);
    recover_censored = at; at += sm * (H + 1);
    fill_hist = at;        at += sm * kFillSlots;
    fill_sum = at;         at += sm;
    fill_month_sum = at;   at += sm * K;
    cost_hist = at;        at += static_cast<std::uint64_t>(S) * 2 * kTonneSlots;
    cost_bin_sum = at;     at += static_cast<std::uint64_t>(S) * 2 * kTonneSlots;
    regime_occupancy = at; at += static_cast<std::uint64_t>(K) * R;
    smuggled_hist = at;    at += static_cast<std::uint64_t>(M) * kTonneSlots;
    seized_hist = at;      at += static_cast<std::uint64_t>(M) * kTonneSlots;
    smuggled_sum = at;     at += M;
    seized_sum = at;       at += M;
    smuggled_batches = at; at += M;
    seized_batches = at;   at += M;
    price_hist = at;       at += static_cast<std::uint64_t>(K) * M * kPriceSlots;
    shipped_hist = at;     at += static_cast<std::uint64_t>(K) * M * kTonneSlots;
    shipped_sum = at;      at += static_cast<std::uint64_t>(K) * M;
    plant_start = at;      at += static_cast<std::uint64_t>(P) * (K + 2);
    plant_cancelled = at;  at += P;
    plant_output_hist = at; at += static_cast<std::uint64_t>(Q) * P * kTonneSlots;
    plant_output_sum = at;  at += static_cast<std::uint64_t>(Q) * P;
    paths = at;            at += 1;
    overflow = at;         at += 1;
    counters = at;
    weighted_counts = at;  at += spec.importance_sampling ? counters * 2 * kWeightLimbs : 0;
    w_clamped = at;        at += spec.importance_sampling ? 1 : 0;
    size = at;
  }

  /// Whether the tally has weighted twins (an importance-sampled run).
  RR_HD bool weighted() const { return w_clamped != weighted_counts; }
  /// The first of the 2 * kWeightLimbs words of the weighted twin of counter @p counter: the
  /// limbs of the sum of w, then those of the sum of w^2.
  RR_HD std::uint64_t weighted(std::uint64_t counter) const {
    return weighted_counts + counter * 2 * kWeightLimbs;
  }

  /// Index of segment s, material m in a per-(s, m) block.
  RR_HD std::uint64_t sm(int s, int m) const { return static_cast<std::uint64_t>(s) * M + m; }
};

/// tonne_bin's bins below the log-spaced ones: 0 for no tonnes (or a NaN), 1 under
/// kTonneLowestEdge; -1 for a tonnage the logarithm bins.
RR_HD_INLINE int tonne_bin_below_edges(double tonnes) {
  return !(tonnes > 0.0) ? 0 : (tonnes < kTonneLowestEdge ? 1 : -1);
}

/// Bin of a non-negative tonnage in the log-spaced tonnage histogram.
RR_HD_INLINE int tonne_bin(double tonnes) {
  const int below = tonne_bin_below_edges(tonnes);
  if (below >= 0) return below;
  const int k = static_cast<int>(floor(log10(tonnes / kTonneLowestEdge) * kTonneBinsPerDecade));
  if (k >= kTonneBins) return kTonneBins + 2;
  return 2 + (k < 0 ? 0 : k);
}

/// price_bin's end bins: 0 at 1 or below, kPriceBins + 1 at the cap or above; -1 for a
/// multiplier inside (1, cap), which the logarithm bins.
RR_HD_INLINE int price_bin_ends(double multiplier, double cap) {
  return multiplier <= 1.0 ? 0 : (multiplier >= cap ? kPriceBins + 1 : -1);
}

/// Bin of a price multiplier in [1, cap]; @p log_cap is log(cap), which a caller binning many
/// multipliers against the same cap computes once.
RR_HD_INLINE int price_bin(double multiplier, double cap, double log_cap) {
  const int end = price_bin_ends(multiplier, cap);
  if (end >= 0) return end;
  int k = static_cast<int>(floor(log(multiplier) / log_cap * kPriceBins));
  if (k < 0) k = 0;
  if (k >= kPriceBins) k = kPriceBins - 1;
  return 1 + k;
}

/// How far from a whole number a single-precision estimate of a log-spaced bin position must
/// lie for its floor to be the double computation's: the estimates below are within 1e-4 bins
/// of it (log_f's 2 ulp, the float rounding of the argument, the scale and the product), ten
/// times less than this.
constexpr float kBinEdgeMargin = 1e-3f;

/// The floor of a bin position estimate @p v (0 <= v < 2^31) when v is at least
/// kBinEdgeMargin from a whole number, else -1: the caller asks the double computation.
RR_HD_INLINE int settled_floor(float v) {
  const int k = static_cast<int>(v);  // truncation: floor for v >= 0; a v below 0 gives -1
  const float above = v - static_cast<float>(k);
  return above > kBinEdgeMargin && above < 1.0f - kBinEdgeMargin ? k : -1;
}

/// tonne_bin for W lanes at once, the same bins: zero and sub-1e-3 tonnages by
/// tonne_bin_below_edges, the rest by a single-precision logarithm in SIMD registers, and libm's (tonne_bin) for a
/// lane within kBinEdgeMargin of a bin edge (about 0.2% of them) or at 1e27 t or more.
/// close_month bins every lane's exports each month (nothing in a month without exports),
/// and log10 was the hottest libm call of the run.
template <int W>
RR_HD_INLINE void tonne_bins_lanes(const double* tonnes, int* bin) {
  constexpr float kBinsPerLn = static_cast<float>(kTonneBinsPerDecade / 2.302585092994045684);
  int unsettled = 0;
  RR_SIMD_LANES_ANY(unsettled)
  for (int l = 0; l < W; ++l) {
    const double y = tonnes[l] / kTonneLowestEdge;  // tonne_bin's argument of log10
    const bool estimable = y >= 1.0 && y < 1e30;    // also false for a NaN
    const int k = settled_floor(log_f(static_cast<float>(estimable ? y : 2.0)) * kBinsPerLn);
    const int settled = estimable && k >= 0 ? 2 + (k < kTonneBins ? k : kTonneBins) : -1;
    const int below = tonne_bin_below_edges(tonnes[l]);
    bin[l] = below >= 0 ? below : settled;
    unsettled |= bin[l] < 0;
  }
  if (unsettled) {
    for (int l = 0; l < W; ++l) {
      if (bin[l] < 0) bin[l] = tonne_bin(tonnes[l]);
    }
  }
}

/// price_bin for W lanes' multipliers @p x against one cap, the same bins, as
/// tonne_bins_lanes does it. A cap below e^0.1, whose bins are narrower than 1e-3 in ln x,
/// leaves every lane inside (1, cap) to libm.
template <int W>
RR_HD_INLINE void price_bins_lanes(const double* x, double cap, double log_cap, int* bin) {
  const double scale = kPriceBins / log_cap;
  const bool estimable = scale > 0.0 && scale <= 1e3;
  const float scale_f = static_cast<float>(estimable ? scale : 1.0);
  int unsettled = 0;
  RR_SIMD_LANES_ANY(unsettled)
  for (int l = 0; l < W; ++l) {
    const bool inside = x[l] > 1.0 && x[l] < cap;
    const int k = settled_floor(log_f(static_cast<float>(inside ? x[l] : 2.0)) * scale_f);
    const bool settled = inside && estimable && k >= 0 && k < kPriceBins;
    const int end = price_bin_ends(x[l], cap);
    bin[l] = end >= 0 ? end : (settled ? 1 + k : -1);
    unsettled |= bin[l] < 0;
  }
  if (unsettled) {
    for (int l = 0; l < W; ++l) {
      if (bin[l] < 0) bin[l] = price_bin(x[l], cap, log_cap);
    }
  }
}

/// The fill rate met / demanded, 1 when nothing was demanded (nothing was missed).
/// Written as selects, so that close_month's lanes run it in SIMD.
RR_HD_INLINE double fill_rate(double met, double demanded) {
  const bool any = demanded > 0.0;
  const double f = met / (any ? demanded : 1.0);
  return any ? (f < 1.0 ? (f > 0.0 ? f : 0.0) : 1.0) : 1.0;
}

/// Bin of a fill rate in [0, 1] (kFillBins: exactly 1).
RR_HD_INLINE int fill_bin(double fill) {
  if (!(fill < 1.0)) return kFillBins;
  const int k = static_cast<int>(fill * kFillBins);
  return k < 0 ? 0 : (k >= kFillBins ? kFillBins - 1 : k);
}

/// A fill rate in whole 1e-9 units, for the exact fixed-point sums.
RR_HD_INLINE std::uint64_t to_fill_units(double fill) {
  return static_cast<std::uint64_t>(fill * kFillUnits + 0.5);
}

/// Bin of a cost in US dollars (the tonnage bins, scaled).
RR_HD_INLINE int usd_bin(double usd) { return tonne_bin(usd / kUsdPerTonneBin); }

/// Whole thousands of dollars of a cost, for the exact fixed-point sums.
RR_HD_INLINE std::uint64_t to_usd_units(double usd) {
  return usd > 0.0 ? static_cast<std::uint64_t>(usd / kUsdPerSumUnit + 0.5) : 0u;
}

/// Whole kilograms of a tonnage, for the exact fixed-point sums.
RR_HD_INLINE std::uint64_t to_sum_units(double tonnes) {
  return tonnes > 0.0 ? static_cast<std::uint64_t>(tonnes * kSumUnitsPerTonne + 0.5) : 0u;
}

}  // namespace rr
