// HDF5 result writer (HDF5 1.10 C API + the high-level dimension-scale API).
#include "io/result_file.hpp"

#include "io/hdf5_writer.hpp"
#include "io/run_attributes.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "scenario/calendar.hpp"
#include "errors.hpp"
#include "reerisk/tally_layout.hpp"
#include "reerisk/version.hpp"

namespace rr {
using hdf5::attr_scalar;
using hdf5::attr_string;
using hdf5::check;
using hdf5::GroupWriter;
using hdf5::Handle;

namespace {

std::string basename_stem(const std::string& path) {
  std::string b = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const auto dot = b.find_last_of('.');
  if (dot != std::string::npos && dot > 0) b = b.substr(0, dot);
  return b.empty() ? std::string("scenario") : b;
}


}  // namespace

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

void write_path_sample(GroupWriter& g, const PathSample& p) {
  std::vector<std::uint64_t> index(p.n);
  for (std::uint64_t i = 0; i < p.n; ++i) index[i] = i;
  g.scale("path", H5T_NATIVE_UINT64, index, "", "path index (the first N paths of the run)");
  g.dataset("path_initial_regime", H5T_NATIVE_INT32, {"path"}, p.initial_regime, "",
            "regime index on day 0", "index into the regime coordinate, before day-0 events");
  g.dataset("path_regime_episodes", H5T_NATIVE_INT32, {"path"}, p.regime_episodes, "",
            "regime episodes", "1 + number of regime changes over the horizon");
  g.dataset("path_months_in_regime", H5T_NATIVE_INT32, {"path", "regime"}, p.months_in_regime,
            "months", "month starts spent in each regime", "per path");
  g.dataset("path_leakage", H5T_NATIVE_DOUBLE, {"path"}, p.leakage, "1", "smuggling leakage",
            "drawn once per path");
  g.dataset("path_interdiction", H5T_NATIVE_DOUBLE, {"path"}, p.interdiction, "1",
            "seizure probability", "drawn once per path");
  g.dataset("path_cover_days", H5T_NATIVE_DOUBLE, {"path", "segment"}, p.cover_days, "day",
            "initial inventory cover", "drawn once per path and segment");
  g.dataset("path_plant_start_day", H5T_NATIVE_INT32, {"path", "plant"}, p.plant_start_day, "day",
            "actual plant start (day index)", "planned start + delay; may be < 0 or >= horizon");
  g.dataset("path_plant_ramp_days", H5T_NATIVE_DOUBLE, {"path", "plant"}, p.plant_ramp_days,
            "day", "ramp duration", "drawn once per path and plant");
  g.dataset("path_plant_cancelled", H5T_NATIVE_UINT8, {"path", "plant"}, p.plant_cancelled, "",
            "plant cancelled", "1 when cancelled on this path");
  g.dataset("path_first_stockout_day", H5T_NATIVE_INT32, {"path", "segment", "material"},
            p.first_stockout_day, "day", "first stockout day",
            "horizon_days means no stockout within the horizon");
  g.dataset("path_stockout_days", H5T_NATIVE_INT32, {"path", "segment", "material"},
            p.stockout_days, "day", "total stockout days", "per path");
  g.dataset("path_shortfall", H5T_NATIVE_DOUBLE, {"path", "segment", "material"}, p.shortfall_t,
            "t", "total shortfall", "per path");
  g.dataset("path_smuggled", H5T_NATIVE_DOUBLE, {"path", "material"}, p.smuggled_t, "t",
            "smuggled tonnes", "per path, including seized batches");
  g.dataset("path_seized", H5T_NATIVE_DOUBLE, {"path", "material"}, p.seized_t, "t",
            "seized tonnes", "per path");
  g.dataset("path_weight", H5T_NATIVE_DOUBLE, {"path"}, p.weight, "1",
            "likelihood-ratio weight of the path",
            "1 without [rare_event]; under importance sampling, mean(path_weight * outcome) "
            "estimates the scenario's mean of any per-path outcome (docs/model.md §10)");
}

/// Concatenates a per-point vector over all points (points outermost, row-major).
template <class F>
auto stack(const std::vector<PointResult>& points, F per_point) {
  auto all = per_point(points.front());
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto v = per_point(points[i]);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

/// Per point, per segment x material cell, per day t < @p H: value(cell, t).
template <class F>
std::vector<double> per_cell_day(const std::vector<PointResult>& points, std::size_t H, F value) {
  return stack(points, [&](const PointResult& p) {
    std::vector<double> v(p.summary.cells.size() * H);
    for (std::size_t c = 0; c < p.summary.cells.size(); ++c) {
      for (std::size_t t = 0; t < H; ++t) v[c * H + t] = value(p.summary.cells[c], t);
    }
    return v;
  });
}

/// Per point and cell, the four quantiles value(cell, q).
template <class F>
auto per_cell_quantile(const std::vector<PointResult>& points, F value) {
  return stack(points, [&](const PointResult& p) {
    std::vector<decltype(value(p.summary.cells[0], 0))> v;
    for (const auto& c : p.summary.cells) {
      for (int q = 0; q < 4; ++q) v.push_back(value(c, q));
    }
    return v;
  });
}

/// Per point and cell, one value(cell).
template <class F>
std::vector<double> per_cell_scalar(const std::vector<PointResult>& points, F value) {
  return stack(points, [&](const PointResult& p) {
    std::vector<double> v;
    for (const auto& c : p.summary.cells) v.push_back(value(c));
    return v;
  });
}

/// A day-resolved proportion per cell (a member of SegmentMaterialSummary) as three datasets:
/// NAME with its meaning, and NAME_lo / NAME_hi, its 95% Wilson bounds.
void write_proportion_by_day(GroupWriter& g, const std::vector<PointResult>& points,
                             std::size_t H, const std::vector<std::string>& dims,
                             const std::string& name,
                             std::vector<Proportion> SegmentMaterialSummary::*member,
                             const char* long_name, const char* description) {
  g.dataset(name.c_str(), H5T_NATIVE_DOUBLE, dims,
            per_cell_day(points, H, [&](const SegmentMaterialSummary& c, size_t t) { return (c.*member)[t].p; }),
            "1", long_name, description);
  g.dataset((name + "_lo").c_str(), H5T_NATIVE_DOUBLE, dims,
            per_cell_day(points, H, [&](const SegmentMaterialSummary& c, size_t t) { return (c.*member)[t].lo; }),
            "1", ("lower 95% bound of " + name).c_str(),
            "95% Wilson score interval (importance sampling: the weighted normal interval), lower end");
  g.dataset((name + "_hi").c_str(), H5T_NATIVE_DOUBLE, dims,
            per_cell_day(points, H, [&](const SegmentMaterialSummary& c, size_t t) { return (c.*member)[t].hi; }),
            "1", ("upper 95% bound of " + name).c_str(),
            "95% Wilson score interval (importance sampling: the weighted normal interval), upper end");
}

/// A slice [offset, offset + n) of a point's tally.
std::vector<std::uint64_t> tally_slice(const PointResult& p, std::uint64_t offset, std::uint64_t n) {
  return std::vector<std::uint64_t>(p.tally.begin() + offset, p.tally.begin() + offset + n);
}

constexpr const char* kWeightedCountsDescription =
    "importance sampling: the sum of the path weights of what is counted, the scenario's law's "
    "count on average (divide by n_paths for its probability)";

/// The counters [offset, offset + n) of every point as dataset NAME; in an importance-sampled
/// run also NAME_weighted, the sums of the weights of what they counted (tally_layout.hpp):
/// the counts the scenario's law gives on average, so NAME_weighted / n_paths estimates its
/// probabilities where NAME / n_paths describes the tilted law.
void counts_dataset(GroupWriter& g, const std::vector<PointResult>& points, const char* name,
                    const std::vector<std::string>& dims, std::uint64_t offset, std::uint64_t n,
                    const char* units, const char* long_name, const char* description) {
  g.dataset(name, H5T_NATIVE_UINT64, dims,
            stack(points, [&](const PointResult& p) { return tally_slice(p, offset, n); }), units,
            long_name, description);
  const TallyLayout L(*points.front().spec);
  if (!L.weighted()) return;
  g.dataset((std::string(name) + "_weighted").c_str(), H5T_NATIVE_DOUBLE, dims,
            stack(points, [&](const PointResult& p) {
              std::vector<double> v(n);
              for (std::uint64_t i = 0; i < n; ++i) v[i] = weight_value(&p.tally[L.weighted(offset + i)]);
              return v;
            }),
            units, (std::string(long_name) + ", weighted").c_str(), kWeightedCountsDescription);
}

void write_sensitivity(GroupWriter& g, const SensitivityResult& r, std::size_t S, std::size_t M) {
  g.string_scale("param", r.params, "swept scenario key (sensitivity input)");
  const std::vector<std::string> dims = {"param", "segment", "material"};
  struct Column {
    const char* name;
    double SobolIndex::*field;
    const char* what;
  };
  const Column columns[] = {
      {"first", &SobolIndex::first, "first-order Sobol index (Saltelli 2010)"},
      {"first_lo", &SobolIndex::first_lo, "lower 95% bootstrap bound of the first-order index"},
      {"first_hi", &SobolIndex::first_hi, "upper 95% bootstrap bound of the first-order index"},
      {"total", &SobolIndex::total, "total Sobol index (Jansen 1999)"},
      {"total_lo", &SobolIndex::total_lo, "lower 95% bootstrap bound of the total index"},
      {"total_hi", &SobolIndex::total_hi, "upper 95% bootstrap bound of the total index"},
  };
  const std::pair<const char*, const std::vector<SobolIndex>*> outputs[] = {
      {"p_stockout", &r.p_stockout}, {"stockout_days", &r.stockout_days}};
  g.dataset("sobol_output_variance_p_stockout", H5T_NATIVE_DOUBLE, {"segment", "material"},
            r.p_stockout_variance, "1", "variance of P(stockout by the horizon) over the design",
            "compare with sobol_noise_variance_p_stockout: indices mean little unless this is well above it");
  g.dataset("sobol_noise_variance_p_stockout", H5T_NATIVE_DOUBLE, {"segment", "material"},
            r.p_stockout_noise, "1", "Monte Carlo variance of one point's P(stockout by the horizon)",
            "mean over the design points of p(1 - p) / paths");
  for (const auto& [output, values] : outputs) {
    for (const Column& c : columns) {
      std::vector<double> v;
      for (const SobolIndex& x : *values) v.push_back(x.*c.field);
      if (v.size() != r.params.size() * S * M) throw std::logic_error("sensitivity shape");
      const std::string name = std::string("sobol_") + c.name + "_" + output;
      const std::string long_name = std::string(c.what) + " of " +
          (std::string(output) == "p_stockout" ? "P(stockout by the horizon)"
                                               : "mean stockout days per path");
      g.dataset(name.c_str(), H5T_NATIVE_DOUBLE, dims, v, "1", long_name.c_str(),
                "variance-based sensitivity over the design; 95% bootstrap percentile interval");
    }
  }
}

/// The sweep axes followed by @p tail: the dimensions of every per-point dataset.
struct SweepDims {
  const SweepAxes& axes;
  std::vector<std::string> operator()(std::vector<std::string> tail) const {
    std::vector<std::string> d = axes.keys;
    d.insert(d.end(), tail.begin(), tail.end());
    return d;
  }
};

/// File attributes (what ran, where, how fast), the scenario text and the raw tallies.
void write_run_record(hid_t file, const Scenario& sc, const std::vector<PointResult>& points,
                      const ResultMetadata& meta) {
  hdf5::attr_provenance(file, kResultFiletype, kResultFormatVersion);
  write_run_attributes(file, meta, meta.n_paths, meta.wall_seconds);
  attr_scalar(file, "first_path", H5T_NATIVE_UINT64, meta.first_path);
  attr_scalar(file, "total_paths", H5T_NATIVE_UINT64, meta.total_paths ? meta.total_paths : meta.n_paths);
  attr_scalar(file, "until_halfwidth", H5T_NATIVE_DOUBLE, meta.until_halfwidth);
  attr_scalar(file, "path_days_per_second", H5T_NATIVE_DOUBLE, meta.path_days_per_second);
  attr_scalar(file, "peak_host_memory_bytes", H5T_NATIVE_UINT64, meta.peak_host_bytes);
  attr_scalar(file, "peak_device_memory_bytes", H5T_NATIVE_UINT64, meta.peak_device_bytes);
  attr_string(file, "scenario_source", sc.source_name);
  // Importance sampling ([rare_event], docs/model.md §10): which outputs are weighted, and the
  // weights' health.
  const Summary& first = points.front().summary;
  attr_string(file, "sampling",
              first.importance_sampling
                  ? "importance: every probability, quantile and mean is a weighted estimate of "
                    "the scenario's law; the *_count datasets and the raw tally count the paths "
                    "drawn from the tilted law of [rare_event], their *_count_weighted twins "
                    "carry the weights; smuggled_batches and seized_batches are tilted counts"
                  : "plain: every output estimates the scenario's law");
  if (first.importance_sampling) {
    attr_scalar(file, "weight_mean", H5T_NATIVE_DOUBLE, first.weight_mean);
    attr_scalar(file, "effective_paths", H5T_NATIVE_DOUBLE, first.effective_paths);
    attr_scalar(file, "weight_clamped_values", H5T_NATIVE_UINT64, first.weight_clamped);
    attr_string(file, "weight_warning", first.weight_warning);
  }
  // How the scenario text below was assembled: the extends chain and the --set overrides,
  // one per line (the text itself stands alone).
  const std::string chain = joined_lines(sc.files);
  attr_string(file, "scenario_files", chain.empty() ? sc.source_name : chain);
  attr_string(file, "scenario_overrides", joined_lines(sc.overrides));
  // The scenario text as given, as a scalar string dataset (attributes are limited to 64 KiB).
  hdf5::string_scalar(file, "scenario_text", sc.text);

  {
    // The raw integer tallies, one row per point: what `reerisk merge` adds up exactly.
    const hsize_t dims[2] = {points.size(), points.front().tally.size()};
    Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "tally space");
    // Mostly zeros (histograms): chunked by row and deflated, as the other datasets are.
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "tally dcpl");
    const hsize_t chunk[2] = {1, dims[1]};
    if (dims[1] > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      check(H5Pset_chunk(dcpl, 2, chunk), "H5Pset_chunk");
      check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
      check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
    }
    Handle ds(H5Dcreate2(file, "tally", H5T_NATIVE_UINT64, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              H5Dclose, "tally");
    std::vector<std::uint64_t> all;
    for (const PointResult& p : points) all.insert(all.end(), p.tally.begin(), p.tally.end());
    check(H5Dwrite(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()), "H5Dwrite");
    attr_string(ds, "description",
                "raw 64-bit counters per point (rr::TallyLayout of reerisk " + std::string(kVersion) +
                    "); shards of one run add up to the whole run");
  }
}

/// The dimension scales and their labels: sweep axes, days and dates, months, names, bins.
void write_coordinates(GroupWriter& g, const Scenario& sc, const ModelSpec& spec,
                       const TallyLayout& L, const SweepAxes& axes) {
  // Dimension scales.
  std::vector<std::int32_t> days(L.H), stockout_days(L.H + 1), months(L.K);
  std::vector<std::string> dates(L.H), month_dates(L.K);
  for (int t = 0; t < L.H; ++t) {
    days[t] = t;
    dates[t] = iso_date(sc.start_day + t);
  }
  for (int d = 0; d <= L.H; ++d) stockout_days[d] = d;
  for (int k = 0; k < L.K; ++k) {
    months[k] = spec.month_start_day[k];
    month_dates[k] = iso_date(sc.start_day + spec.month_start_day[k]);
  }
  std::vector<std::int32_t> quarters(L.Q);
  std::vector<std::string> quarter_dates(L.Q);
  for (int q = 0; q < L.Q; ++q) {
    quarters[q] = months[q * kMonthsPerQuarter];
    quarter_dates[q] = month_dates[q * kMonthsPerQuarter];
  }
  std::vector<std::string> segs, mats, regs, plants;
  for (const auto& x : sc.segments) segs.push_back(x.name);
  for (const auto& x : sc.materials) mats.push_back(x.name);
  for (const auto& x : sc.regimes) regs.push_back(x.name);
  for (const auto& x : sc.plants) plants.push_back(x.name);
  std::vector<double> quantiles(std::begin(kQuantileLevels), std::end(kQuantileLevels));
  std::vector<std::int32_t> tonne_index(kTonneSlots), price_index(kPriceSlots);
  std::vector<double> tonne_lower(kTonneSlots), tonne_upper(kTonneSlots);
  for (int b = 0; b < kTonneSlots; ++b) {
    tonne_index[b] = b;
    tonne_upper[b] = tonne_bin_upper_edge(b);
    tonne_lower[b] = b <= 1 ? 0.0 : tonne_bin_upper_edge(b - 1);
  }
  for (int b = 0; b < kPriceSlots; ++b) price_index[b] = b;
  std::vector<std::int32_t> start_bins(L.K + 2);
  for (int b = 0; b < L.K + 2; ++b) start_bins[b] = b - 1;

  // Sweep axes first: every dataset below gets them as leading dimensions. Grids have one
  // axis per key; designs one "point" axis labelled by each key's value at the point.
  for (std::size_t j = 0; j < axes.keys.size(); ++j) {
    g.scale(axes.keys[j].c_str(), H5T_NATIVE_DOUBLE, axes.values[j], "",
            axes.keys[j] == "point" ? "design point" : ("swept scenario key " + axes.keys[j]).c_str());
  }
  for (std::size_t j = 0; j < axes.coord_keys.size(); ++j) {
    g.label("point", axes.coord_keys[j]);
    g.dataset(axes.coord_keys[j].c_str(), H5T_NATIVE_DOUBLE, {"point"}, axes.coord_values[j], "",
              ("swept scenario key " + axes.coord_keys[j]).c_str(),
              "value of the key at each design point");
  }
  g.label("month", "month_date");
  g.scale("day", H5T_NATIVE_INT32, days, "day", "day index t counted from run.start");
  g.string_dataset("date", dates, "day", "calendar date of day t");
  g.time_coordinate("time", "day", days, sc.start, "date of day t");
  g.scale("stockout_days", H5T_NATIVE_INT32, stockout_days, "day", "total stockout days per path");
  g.scale("line_stop_days", H5T_NATIVE_INT32, stockout_days, "day", "total line-stop days per path");
  g.scale("survive_days", H5T_NATIVE_INT32, days, "day",
          "days from a disruption's first day to the first line stop");
  g.scale("spell_days", H5T_NATIVE_INT32, stockout_days, "day", "length of a line-stop spell");
  std::vector<std::int32_t> fill_index(kFillSlots);
  std::vector<double> fill_lower(kFillSlots), fill_quantiles(std::begin(kFillQuantileLevels),
                                                             std::end(kFillQuantileLevels));
  for (int b = 0; b < kFillSlots; ++b) {
    fill_index[b] = b;
    fill_lower[b] = static_cast<double>(b) / kFillBins;
  }
  g.scale("fill_bin", H5T_NATIVE_INT32, fill_index, "",
          "fill-rate bin: [b/100, (b+1)/100) for b < 100; 100: exactly 1 (all demand met)");
  g.label("fill_bin", "fill_bin_lower");
  g.dataset("fill_bin_lower", H5T_NATIVE_DOUBLE, {"fill_bin"}, fill_lower, "1",
            "lower edge of the fill-rate bin", "bins are [lower, lower + 0.01); the last is exactly 1");
  g.scale("fill_quantile", H5T_NATIVE_DOUBLE, fill_quantiles, "1",
          "quantile level of fill rates (the low tail is the bad one)");
  g.scale("month", H5T_NATIVE_INT32, months, "day", "day index t of each month start");
  g.string_dataset("month_date", month_dates, "month", "calendar date of each month start");
  g.time_coordinate("month_time", "month", months, sc.start, "date of each month start");
  g.label("quarter", "quarter_date");
  g.scale("quarter", H5T_NATIVE_INT32, quarters, "day",
          "day index t of each quarter's start: months 3q, 3q+1 and 3q+2 of the run");
  g.string_dataset("quarter_date", quarter_dates, "quarter", "calendar date of each quarter's start");
  g.time_coordinate("quarter_time", "quarter", quarters, sc.start, "date of each quarter's start");
  g.string_scale("segment", segs, "consumer segment");
  g.string_scale("material", mats, "material");
  g.string_scale("regime", regs, "control regime state");
  g.string_scale("plant", plants, "plant outside China");
  g.scale("quantile", H5T_NATIVE_DOUBLE, quantiles, "1", "quantile level");
  if (spec.costs) {
    std::vector<double> usd_upper(kTonneSlots);
    for (int b = 0; b < kTonneSlots; ++b) usd_upper[b] = tonne_upper[b] * kUsdPerTonneBin;
    g.scale("usd_bin", H5T_NATIVE_INT32, tonne_index, "",
            "log-spaced cost bin (0: exactly 0; 1: below 1e3 USD; last: 1e13 USD and above)");
    g.label("usd_bin", "usd_bin_upper");
    g.dataset("usd_bin_upper", H5T_NATIVE_DOUBLE, {"usd_bin"}, usd_upper, "USD",
              "upper edge of the cost bin", "bins are (lower, upper]; the last is open above");
  }
  g.scale("tonne_bin", H5T_NATIVE_INT32, tonne_index, "",
          "log-spaced tonnage bin (0: exactly 0; 1: below 1e-3 t; last: 1e7 t and above)");
  g.label("tonne_bin", "tonne_bin_lower");
  g.label("tonne_bin", "tonne_bin_upper");
  g.dataset("tonne_bin_lower", H5T_NATIVE_DOUBLE, {"tonne_bin"}, tonne_lower, "t",
            "lower edge of the tonnage bin", "bins are (lower, upper]; bin 0 holds exactly 0");
  g.dataset("tonne_bin_upper", H5T_NATIVE_DOUBLE, {"tonne_bin"}, tonne_upper, "t",
            "upper edge of the tonnage bin", "the last bin is open above; its upper is its lower");
  g.scale("price_bin", H5T_NATIVE_INT32, price_index, "",
          "price-multiplier bin (0: exactly 1; last: the cap)");
  g.scale("start_month_bin", H5T_NATIVE_INT32, start_bins, "",
          "plant start month index (-1: before day 0; n_months: never within the horizon)");
}

/// Per segment and material: the stockout CDF and daily share with intervals, and the
/// distributions of stockout days and shortfall tonnes.
void write_stockout_outputs(GroupWriter& g, const std::vector<PointResult>& points,
                            const TallyLayout& L, const SweepDims& dims) {
  const size_t S = L.S, M = L.M, H = L.H;
  if (!dims.axes.keys.empty()) {
    g.dataset("paths_used", H5T_NATIVE_UINT64, dims({}),
              stack(points, [](const PointResult& p) { return std::vector<std::uint64_t>{p.summary.paths}; }),
              "paths", "paths simulated at each sweep point",
              "the --paths cap, or fewer when --until-halfwidth was reached first");
  }
  const std::vector<std::string> smd = dims({"segment", "material", "day"});
  write_proportion_by_day(g, points, H, smd, "p_stockout_by_day", &SegmentMaterialSummary::p_stockout_by_day,
                          "P(first stockout on or before day t)",
                          "fraction of paths whose first stockout day is <= t (stockout-probability CDF)");
  write_proportion_by_day(g, points, H, smd, "p_in_stockout", &SegmentMaterialSummary::p_in_stockout,
                          "P(in stockout on day t)",
                          "fraction of paths whose demand is not fully met on day t");
  counts_dataset(g, points, "stockout_days_count", dims({"segment", "material", "stockout_days"}),
                 L.stockout_days, S * M * (H + 1), "paths",
                 "paths by total stockout days",
                 "number of paths with exactly this many stockout days over the horizon");
  g.dataset("stockout_days_quantile", H5T_NATIVE_INT64, dims({"segment", "material", "quantile"}),
            per_cell_quantile(points, [](const SegmentMaterialSummary& c, int q) { return c.stockout_days_quantile[q]; }),
            "day", "quantiles of total stockout days per path",
            "exact quantiles (inverse empirical CDF) of the per-path stockout-day count");
  g.dataset("stockout_days_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const SegmentMaterialSummary& c) { return c.stockout_days_mean; }),
            "day", "mean total stockout days per path", "exact mean over paths");
  counts_dataset(g, points, "shortfall_count", dims({"segment", "material", "tonne_bin"}),
                 L.shortfall_hist, S * M * kTonneSlots, "paths",
                 "paths by total shortfall (log-spaced bins)",
                 "number of paths whose total unmet demand falls in each tonnage bin");
  g.dataset("shortfall_quantile", H5T_NATIVE_DOUBLE, dims({"segment", "material", "quantile"}),
            per_cell_quantile(points, [](const SegmentMaterialSummary& c, int q) { return c.shortfall_quantile_t[q]; }),
            "t", "quantiles of total shortfall per path",
            "upper edge of the tonnage bin holding the quantile (conservative)");
  g.dataset("shortfall_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const SegmentMaterialSummary& c) { return c.shortfall_mean_t; }),
            "t", "mean total shortfall per path", "mean of per-path totals rounded to whole kg");
  g.dataset("delivered_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material", "month"}),
            stack(points, [](const PointResult& p) {
              std::vector<double> v;
              for (const auto& row : p.summary.delivered_mean_t) v.insert(v.end(), row.begin(), row.end());
              return v;
            }),
            "t", "mean tonnes delivered to consumption per month",
            "demand met (consumed from inventory) in the month; mean of per-path monthly totals "
            "rounded to whole kg");
}

/// Per segment and material: line stops (days meeting less than line_stop_fill of demand)
/// as the stockout outputs, and fill rates (docs/model.md §6 "Consumption and stockout").
void write_severity_outputs(GroupWriter& g, const std::vector<PointResult>& points,
                            const TallyLayout& L, const SweepDims& dims) {
  const size_t S = L.S, M = L.M, H = L.H;
  using C = SegmentMaterialSummary;
  const std::vector<std::string> smd = dims({"segment", "material", "day"});
  g.dataset("demand_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.demand_t_per_day; }), "t/day",
            "mean daily demand (the scenario's demand_t_per_year / 365)",
            "an input, echoed: 0 where the segment uses none of the material");
  g.dataset("line_stop_fill", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.line_stop_fill; }), "1",
            "the segment's line_stop_fill",
            "a line-stop day meets less than this share of the day's demand");
  write_proportion_by_day(g, points, H, smd, "p_line_stop_by_day", &C::p_line_stop_by_day,
                          "P(first line stop on or before day t)",
                          "fraction of paths whose first day meeting less than line_stop_fill of "
                          "demand is <= t");
  write_proportion_by_day(g, points, H, smd, "p_in_line_stop", &C::p_in_line_stop,
                          "P(in a line stop on day t)",
                          "fraction of paths meeting less than line_stop_fill of demand on day t");
  counts_dataset(g, points, "line_stop_days_count", dims({"segment", "material", "line_stop_days"}),
                 L.line_stop_days, S * M * (H + 1), "paths",
                 "paths by total line-stop days",
                 "number of paths with exactly this many line-stop days over the horizon");
  g.dataset("line_stop_days_quantile", H5T_NATIVE_INT64, dims({"segment", "material", "quantile"}),
            per_cell_quantile(points, [](const C& c, int q) { return c.line_stop_days_quantile[q]; }), "day",
            "quantiles of total line-stop days per path",
            "exact quantiles (inverse empirical CDF) of the per-path line-stop-day count");
  g.dataset("line_stop_days_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.line_stop_days_mean; }), "day",
            "mean total line-stop days per path", "exact mean over paths");
  counts_dataset(g, points, "time_to_survive_count", dims({"segment", "material", "survive_days"}),
                 L.survive_hist, S * M * H, "paths",
                 "paths with a line stop by their time to survive",
                 "days from the first day of the run of months whose receipts fell short of demand "
                 "that led to the first line stop, to that line stop; paths without a line stop are "
                 "not counted");
  g.dataset("time_to_survive_quantile", H5T_NATIVE_INT64, dims({"segment", "material", "quantile"}),
            per_cell_quantile(points, [](const C& c, int q) { return c.survive_days_quantile[q]; }), "day",
            "quantiles of the time to survive over the paths with a line stop",
            "exact (day resolution); -1 where no path has a line stop");
  g.dataset("time_to_survive_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.survive_days_mean; }), "day",
            "mean time to survive over the paths with a line stop", "0 where no path has one");
  counts_dataset(g, points, "time_to_recover_count", dims({"segment", "material", "spell_days"}),
                 L.recover_hist, S * M * (H + 1), "spells",
                 "line-stop spells that ended, by length",
                 "a spell is a run of consecutive line-stop days; every spell of every path counts");
  counts_dataset(g, points, "time_to_recover_censored_count", dims({"segment", "material", "spell_days"}),
                 L.recover_censored, S * M * (H + 1), "spells",
                 "line-stop spells still going at the horizon, by length so far",
                 "right-censored: the spell lasts at least this long");
  g.dataset("time_to_recover_quantile", H5T_NATIVE_INT64, dims({"segment", "material", "quantile"}),
            per_cell_quantile(points, [](const C& c, int q) { return c.recover_days_quantile[q]; }), "day",
            "quantiles of the line-stop spell length",
            "Kaplan-Meier over ended and censored spells; -1 where the estimate does not reach "
            "the level (too many spells outlast the horizon) or there is no spell");
  g.dataset("time_to_recover_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.recover_days_mean; }), "day",
            "mean length of the line-stop spells that ended",
            "leaves out censored spells, so it understates the mean spell; 0 without ended spells");
  g.dataset("fill_rate_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material"}),
            per_cell_scalar(points, [](const C& c) { return c.fill_rate_mean; }), "1",
            "mean fill rate over the horizon",
            "mean over paths of delivered / demanded tonnes (1 for a path with no demand); "
            "per-path rates summed in units of 1e-9");
  counts_dataset(g, points, "fill_rate_count", dims({"segment", "material", "fill_bin"}),
                 L.fill_hist, S * M * kFillSlots, "paths",
                 "paths by fill rate over the horizon",
                 "bins of width 0.01; the last is exactly 1");
  g.dataset("fill_rate_quantile", H5T_NATIVE_DOUBLE, dims({"segment", "material", "fill_quantile"}),
            per_cell_quantile(points, [](const C& c, int q) { return c.fill_rate_quantile[q]; }), "1",
            "quantiles of the fill rate over the horizon",
            "lower edge of the 0.01-wide bin holding the quantile (conservative)");
  g.dataset("fill_rate_month_mean", H5T_NATIVE_DOUBLE, dims({"segment", "material", "month"}),
            stack(points, [&](const PointResult& p) {
              std::vector<double> v;
              for (const auto& c : p.summary.cells) {
                v.insert(v.end(), c.fill_rate_month_mean.begin(), c.fill_rate_month_mean.end());
              }
              return v;
            }),
            "1", "mean fill rate of each month",
            "mean over paths of the month's delivered / demanded tonnes (1 where nothing was demanded)");
}

/// Per segment: the procurement and shortfall costs per path (docs/model.md §6 "What a
/// shortfall costs"), when the scenario asks for them.
void write_cost_outputs(GroupWriter& g, const std::vector<PointResult>& points,
                        const TallyLayout& L, const SweepDims& dims) {
  const size_t S = L.S;
  const char* names[2] = {"procurement_cost", "shortfall_cost"};
  const char* meaning[2] = {"procurement cost per path: receipts x price multiplier x base price",
                            "shortfall cost per path: tonnes short x shortfall_cost_usd_per_t"};
  for (int c = 0; c < 2; ++c) {
    const std::string n = names[c];
    const auto per_segment = [&](auto value) {
      return stack(points, [&](const PointResult& p) {
        std::vector<double> v;
        for (const auto& both : p.summary.segment_costs) value(both[c], v);
        return v;
      });
    };
    g.dataset((n + "_mean").c_str(), H5T_NATIVE_DOUBLE, dims({"segment"}),
              per_segment([](const CostSummary& x, std::vector<double>& v) { v.push_back(x.mean); }),
              "USD", meaning[c], "exact mean over paths (per-path costs summed in whole kUSD)");
    g.dataset((n + "_quantile").c_str(), H5T_NATIVE_DOUBLE, dims({"segment", "quantile"}),
              per_segment([](const CostSummary& x, std::vector<double>& v) {
                v.insert(v.end(), std::begin(x.quantile), std::end(x.quantile));
              }),
              "USD", (n + " quantiles").c_str(),
              "upper edge of the log-spaced bin holding the quantile (conservative)");
    g.dataset((n + "_cvar95").c_str(), H5T_NATIVE_DOUBLE, dims({"segment"}),
              per_segment([](const CostSummary& x, std::vector<double>& v) { v.push_back(x.cvar95); }),
              "USD", (n + ": mean of the worst 5% of paths (CVaR95)").c_str(),
              "exact sums per bin; the paths of the bin holding the 95th percentile count at its mean");
    g.dataset((n + "_count").c_str(), H5T_NATIVE_UINT64, dims({"segment", "usd_bin"}),
              stack(points, [&](const PointResult& p) {
                std::vector<std::uint64_t> v;
                for (size_t s = 0; s < S; ++s) {
                  const auto slice = tally_slice(p, L.cost_hist + (s * 2 + c) * kTonneSlots, kTonneSlots);
                  v.insert(v.end(), slice.begin(), slice.end());
                }
                return v;
              }),
              "paths", (n + ": paths by cost (log-spaced bins)").c_str(),
              "number of paths whose cost falls in each bin");
    if (L.weighted()) {
      g.dataset((n + "_count_weighted").c_str(), H5T_NATIVE_DOUBLE, dims({"segment", "usd_bin"}),
                stack(points, [&](const PointResult& p) {
                  std::vector<double> v;
                  for (size_t s = 0; s < S; ++s) {
                    for (int b = 0; b < kTonneSlots; ++b) {
                      const std::uint64_t at = L.cost_hist + (s * 2 + c) * kTonneSlots + b;
                      v.push_back(weight_value(&p.tally[L.weighted(at)]));
                    }
                  }
                  return v;
                }),
                "paths", (n + ": paths by cost, weighted").c_str(), kWeightedCountsDescription);
    }
  }
}

/// System-wide outputs: regime occupancy, smuggling and seizures, prices, plants.
void write_system_outputs(GroupWriter& g, const std::vector<PointResult>& points,
                          const TallyLayout& L, const SweepDims& dims) {
  const size_t M = L.M, K = L.K;
  g.dataset("regime_occupancy", H5T_NATIVE_DOUBLE, dims({"month", "regime"}),
            stack(points, [&](const PointResult& p) {
              std::vector<double> v;
              for (const auto& row : p.summary.regime_occupancy) v.insert(v.end(), row.begin(), row.end());
              return v;
            }),
            "1", "share of paths in each regime at each month start",
            "state after the month start's chain step and events");
  g.dataset("smuggled_mean", H5T_NATIVE_DOUBLE, dims({"material"}),
            stack(points, [](const PointResult& p) { return p.summary.smuggled_mean_t; }), "t",
            "mean smuggled tonnes per path", "includes seized batches");
  g.dataset("seized_mean", H5T_NATIVE_DOUBLE, dims({"material"}),
            stack(points, [](const PointResult& p) { return p.summary.seized_mean_t; }), "t",
            "mean seized tonnes per path", "smuggled batches seized by customs");
  counts_dataset(g, points, "smuggled_count", dims({"material", "tonne_bin"}),
                 L.smuggled_hist, M * kTonneSlots, "paths",
                 "paths by smuggled tonnes",
                 "log-spaced bins of per-path smuggled tonnes");
  counts_dataset(g, points, "seized_count", dims({"material", "tonne_bin"}),
                 L.seized_hist, M * kTonneSlots, "paths",
                 "paths by seized tonnes",
                 "log-spaced bins of per-path seized tonnes");
  g.dataset("smuggled_batches", H5T_NATIVE_UINT64, dims({"material"}),
            stack(points, [](const PointResult& p) { return p.summary.smuggled_batches; }),
            "batches", "smuggled batches over all paths", "monthly batches with tonnes > 0");
  g.dataset("seized_batches", H5T_NATIVE_UINT64, dims({"material"}),
            stack(points, [](const PointResult& p) { return p.summary.seized_batches; }),
            "batches", "seized batches over all paths", "batches seized whole by customs");
  g.dataset("price_multiplier_quantile", H5T_NATIVE_DOUBLE, dims({"month", "material", "quantile"}),
            stack(points, [&](const PointResult& p) {
              std::vector<double> v;
              for (size_t k = 0; k < K; ++k) {
                for (size_t m = 0; m < M; ++m) {
                  for (int q = 0; q < 4; ++q) v.push_back(p.summary.price_quantiles[k][m][q]);
                }
              }
              return v;
            }),
            "1", "quantiles of the monthly Western price multiplier",
            "upper edge of the log-spaced bin holding the quantile");
  g.dataset("price_bin_upper", H5T_NATIVE_DOUBLE, dims({"material", "price_bin"}),
            stack(points, [&](const PointResult& p) {
              std::vector<double> v;
              for (size_t m = 0; m < M; ++m) {
                for (int b = 0; b < kPriceSlots; ++b) v.push_back(price_bin_upper_edge(b, p.spec->price_cap[m]));
              }
              return v;
            }),
            "1", "upper edge of each price-multiplier bin", "bins are log-spaced between 1 and the cap");
  counts_dataset(g, points, "price_multiplier_count", dims({"month", "material", "price_bin"}),
                 L.price_hist, K * M * kPriceSlots, "paths",
                 "paths by monthly price multiplier bin",
                 "bin b > 0 covers (cap^((b-1)/100), cap^(b/100)]");
  // A Summary member [period][entity] (or [period][entity][quantile]), each point's flattened.
  const auto period_entity_rows = [&](auto member) {
    return stack(points, [&, member](const PointResult& p) {
      std::vector<double> v;
      for (const auto& row : p.summary.*member) v.insert(v.end(), row.begin(), row.end());
      return v;
    });
  };
  const auto period_entity_quantile_rows = [&](auto member) {
    return stack(points, [&, member](const PointResult& p) {
      std::vector<double> v;
      for (const auto& row : p.summary.*member) {
        for (const auto& q : row) v.insert(v.end(), q.begin(), q.end());
      }
      return v;
    });
  };
  // A per-path tonnage binned per (period, entity): its mean, quantiles and histogram.
  const auto tonnage_outputs = [&](const std::string& name, const std::vector<std::string>& period_entity,
                                   auto mean_member, auto quantile_member, std::uint64_t hist,
                                   const std::string& what, const std::string& mean_how,
                                   const std::string& each) {
    const auto with = [&](const char* last) {
      std::vector<std::string> d = period_entity;
      d.push_back(last);
      return dims(d);
    };
    g.dataset((name + "_t_mean").c_str(), H5T_NATIVE_DOUBLE, dims(period_entity),
              period_entity_rows(mean_member), "t", ("mean " + what).c_str(), mean_how.c_str());
    g.dataset((name + "_t_quantile").c_str(), H5T_NATIVE_DOUBLE, with("quantile"),
              period_entity_quantile_rows(quantile_member), "t", ("quantiles of " + what).c_str(),
              "upper edge of the tonnage bin holding the quantile (conservative)");
    const auto& rows = points.front().summary.*mean_member;  // [period][entity]
    const std::uint64_t cells = rows.empty() ? 0 : rows.size() * rows.front().size();
    counts_dataset(g, points, (name + "_count").c_str(), with("tonne_bin"), hist, cells * kTonneSlots,
                   "paths", ("paths by " + what + " (log-spaced bins)").c_str(),
                   ("number of paths whose " + each + " falls in each tonnage bin").c_str());
  };
  tonnage_outputs("china_shipped", {"month", "material"}, &Summary::china_shipped_mean_t,
                  &Summary::china_shipped_quantile_t, L.shipped_hist,
                  "licensed exports from China per month",
                  "tonnes leaving China under licence (tranches on their export day), before "
                  "seizure, without smuggling; mean of per-path monthly totals rounded to whole kg",
                  "month's exports");
  g.dataset("china_shipped_share_mean", H5T_NATIVE_DOUBLE, dims({"month", "material"}),
            period_entity_rows(&Summary::china_shipped_share_mean), "1",
            "mean licensed exports as a share of the pre-control monthly baseline",
            "china_shipped_t_mean / (china_baseline_t_per_year / 12)");
  g.dataset("china_shipped_share_quantile", H5T_NATIVE_DOUBLE, dims({"month", "material", "quantile"}),
            period_entity_quantile_rows(&Summary::china_shipped_share_quantile), "1",
            "quantiles of licensed exports as a share of the pre-control monthly baseline",
            "china_shipped_t_quantile / (china_baseline_t_per_year / 12)");
  counts_dataset(g, points, "plant_cancelled", dims({"plant"}),
                 L.plant_cancelled, L.P, "paths",
                 "paths on which the plant is cancelled",
                 "count over all paths");
  counts_dataset(g, points, "plant_start_count", dims({"plant", "start_month_bin"}),
                 L.plant_start, L.P * (K + 2), "paths",
                 "paths by plant start month",
                 "actual start month of non-cancelled plants");
  tonnage_outputs("plant_output", {"quarter", "plant"}, &Summary::plant_output_mean_t,
                  &Summary::plant_output_quantile_t, L.plant_output_hist,
                  "each plant's output per quarter of the run, all its materials",
                  "nameplate x the day's output fraction (start, ramp, first-year cap, outages, "
                  "cancellation) summed over the quarter's days; mean of per-path totals rounded "
                  "to whole kg",
                  "quarter's output");
}

void write_contents(hid_t file, const Scenario& sc, const std::vector<PointResult>& points,
                    const SweepAxes& axes, const ResultMetadata& meta, const PathSample* sample,
                    const SensitivityResult* sensitivity) {
  const ModelSpec& spec = *points.front().spec;
  const TallyLayout L(spec);
  write_run_record(file, sc, points, meta);
  const std::string group_name = basename_stem(sc.source_name);
  attr_string(file, "scenarios", group_name);
  Handle group(H5Gcreate2(file, group_name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Gclose, "scenario group");
  attr_string(group, "start", sc.start);
  attr_scalar(group, "horizon_days", H5T_NATIVE_INT32, sc.horizon_days);
  attr_scalar(group, "n_paths", H5T_NATIVE_UINT64, points.front().summary.paths);
  attr_scalar(group, "n_points", H5T_NATIVE_UINT64, static_cast<std::uint64_t>(points.size()));
  std::string sweep_dims;
  for (const auto& k : axes.keys) sweep_dims += (sweep_dims.empty() ? "" : " ") + k;
  attr_string(group, "sweep_dims", sweep_dims);
  GroupWriter g(group);
  const SweepDims dims{axes};
  write_coordinates(g, sc, spec, L, axes);
  write_stockout_outputs(g, points, L, dims);
  write_severity_outputs(g, points, L, dims);
  if (spec.costs) write_cost_outputs(g, points, L, dims);
  write_system_outputs(g, points, L, dims);
  if (sensitivity) write_sensitivity(g, *sensitivity, L.S, L.M);
  if (sample && sample->n > 0) write_path_sample(g, *sample);
  attr_scalar(group, "kept_paths", H5T_NATIVE_UINT64, sample ? sample->n : std::uint64_t(0));
}

}  // namespace

void check_output_path(const std::string& path, bool force) {
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw InputError(path + ": the output directory " + dir + " does not exist");
  }
  if (!force && stat(path.c_str(), &st) == 0) {
    throw InputError(path + ": the output file exists; use --force to overwrite it");
  }
}

void write_result_file(const std::string& path, const Scenario& scenario,
                       const std::vector<PointResult>& points, const SweepAxes& axes,
                       const ResultMetadata& meta, bool force,
                       const std::atomic<int>* stop_signal, const PathSample* sample,
                       const SensitivityResult* sensitivity) {
  if (points.empty()) throw std::logic_error("write_result_file: no points");
  hdf5::write_file_atomically(path, force, stop_signal, [&](hid_t file) {
    write_contents(file, scenario, points, axes, meta, sample, sensitivity);
  });
}

}  // namespace rr
