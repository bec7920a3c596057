#include "io/compare_file.hpp"

#include <functional>

#include "io/hdf5_writer.hpp"
#include "io/run_attributes.hpp"
#include "scenario/calendar.hpp"

namespace rr {
using hdf5::attr_scalar;
using hdf5::attr_string;
using hdf5::GroupWriter;
using hdf5::string_scalar;

namespace {

/// [segment][material][day] from one value per cell and day.
template <class T>
std::vector<T> per_cell_day(const Comparison& c,
                            const std::function<T(const CellComparison&, std::size_t)>& f) {
  std::vector<T> out;
  out.reserve(c.cells.size() * c.horizon_days);
  for (const auto& cell : c.cells) {
    for (std::int32_t t = 0; t < c.horizon_days; ++t) out.push_back(f(cell, t));
  }
  return out;
}

std::vector<double> per_cell(const Comparison& c, const std::function<double(const CellComparison&)>& f) {
  std::vector<double> out;
  for (const auto& cell : c.cells) out.push_back(f(cell));
  return out;
}

void write_curve(GroupWriter& g, const Comparison& c, const char* stem, const char* event,
                 PairedCurve CellComparison::*curve) {
  const std::vector<std::string> dims = {"segment", "material", "day"};
  const std::string s = stem;
  const std::string ev = event;
  auto prop = [&](const std::string& name, std::vector<Proportion> PairedCurve::*p, const char* which) {
    const std::string long_name = "P(" + ev + " on or before day t) in scenario " + which;
    g.dataset(name.c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*p)[t].p; }),
              "1", long_name.c_str(), "share of the paths");
    g.dataset((name + "_lo").c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*p)[t].lo; }),
              "1", ("lower 95% Wilson bound of " + name).c_str(), "95% Wilson score interval, lower end");
    g.dataset((name + "_hi").c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*p)[t].hi; }),
              "1", ("upper 95% Wilson bound of " + name).c_str(), "95% Wilson score interval, upper end");
  };
  prop("p_" + s + "_by_day_a", &PairedCurve::p_a, "a (the base)");
  prop("p_" + s + "_by_day_b", &PairedCurve::p_b, "b (the alternative)");
  auto diff = [&](const std::string& name, std::vector<Difference> PairedCurve::*d,
                  const char* long_name, const char* method) {
    g.dataset(name.c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*d)[t].d; }),
              "1", long_name, "P_b - P_a on the same paths");
    g.dataset((name + "_lo").c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*d)[t].lo; }),
              "1", ("lower 95% bound of " + name).c_str(), method);
    g.dataset((name + "_hi").c_str(), H5T_NATIVE_DOUBLE, dims,
              per_cell_day<double>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*d)[t].hi; }),
              "1", ("upper 95% bound of " + name).c_str(), method);
  };
  diff("delta_p_" + s + "_by_day", &PairedCurve::delta,
       ("change in P(" + ev + " on or before day t), b - a").c_str(),
       "paired 95% interval: Newcombe (1998) hybrid score for paired proportions, method 10");
  diff("delta_p_" + s + "_by_day_unpaired", &PairedCurve::delta_unpaired,
       ("change in P(" + ev + " on or before day t), b - a, as if from independent runs").c_str(),
       "unpaired 95% interval: Newcombe (1998) hybrid score for independent proportions, "
       "method 10; for comparison only (the runs share their paths)");
  auto count = [&](const std::string& name, std::vector<std::uint64_t> PairedCurve::*v,
                   const std::string& long_name) {
    g.dataset(name.c_str(), H5T_NATIVE_UINT64, dims,
              per_cell_day<std::uint64_t>(c, [&](const CellComparison& x, std::size_t t) { return ((x.*curve).*v)[t]; }),
              "paths", long_name.c_str(), "joint counts of the paired paths (n_paths in all)");
  };
  count(s + "_paths_a", &PairedCurve::out_a, "paths with a " + ev + " on or before day t in a");
  count(s + "_paths_b", &PairedCurve::out_b, "paths with a " + ev + " on or before day t in b");
  count(s + "_paths_both", &PairedCurve::out_both,
        "paths with a " + ev + " on or before day t in both a and b");
}

void write_contents(hid_t file, const Scenario& a, const Scenario& b, const Comparison& c,
                    const ResultMetadata& meta) {
  hdf5::attr_provenance(file, kCompareFiletype, kCompareFormatVersion);
  write_run_attributes(file, meta, c.paths, meta.wall_seconds);
  attr_scalar(file, "first_path", H5T_NATIVE_UINT64, meta.first_path);
  attr_scalar(file, "path_days_per_second", H5T_NATIVE_DOUBLE, meta.path_days_per_second);
  attr_string(file, "start", a.start);
  attr_scalar(file, "horizon_days", H5T_NATIVE_INT32, a.horizon_days);
  attr_string(file, "scenario_a", a.source_name);
  attr_string(file, "scenario_b", b.source_name);
  attr_string(file, "scenario_a_overrides", joined_lines(a.overrides));
  attr_string(file, "scenario_b_overrides", joined_lines(b.overrides));
  attr_string(file, "interval_method",
              "differences: Newcombe (1998) paired hybrid score, method 10; proportions: Wilson "
              "(1927); mean shortfall change: normal interval of the mean per-path difference");
  string_scalar(file, "scenario_text_a", a.text);
  string_scalar(file, "scenario_text_b", b.text);

  GroupWriter g(file);
  std::vector<std::int32_t> days(c.horizon_days);
  std::vector<std::string> dates(c.horizon_days);
  for (std::int32_t t = 0; t < c.horizon_days; ++t) {
    days[t] = t;
    dates[t] = iso_date(a.start_day + t);
  }
  std::vector<std::string> segs, mats;
  for (const auto& x : a.segments) segs.push_back(x.name);
  for (const auto& x : a.materials) mats.push_back(x.name);
  g.label("day", "date");
  g.scale("day", H5T_NATIVE_INT32, days, "day", "day index t counted from run.start");
  g.string_dataset("date", dates, "day", "calendar date of day t");
  g.time_coordinate("time", "day", days, a.start, "date of day t");
  g.string_scale("segment", segs, "consumer segment");
  g.string_scale("material", mats, "material");
  write_curve(g, c, "stockout", "first stockout", &CellComparison::stockout);
  write_curve(g, c, "line_stop", "first line stop", &CellComparison::line_stop);
  const std::vector<std::string> sm = {"segment", "material"};
  g.dataset("shortfall_mean_t_a", H5T_NATIVE_DOUBLE, sm,
            per_cell(c, [](const CellComparison& x) { return x.shortfall_mean_t_a; }), "t",
            "mean shortfall per path over the horizon in a", "exact mean of whole-kg totals");
  g.dataset("shortfall_mean_t_b", H5T_NATIVE_DOUBLE, sm,
            per_cell(c, [](const CellComparison& x) { return x.shortfall_mean_t_b; }), "t",
            "mean shortfall per path over the horizon in b", "exact mean of whole-kg totals");
  const char* how = "normal 95% interval of the mean of the per-path differences (same paths)";
  g.dataset("delta_shortfall_mean_t", H5T_NATIVE_DOUBLE, sm,
            per_cell(c, [](const CellComparison& x) { return x.shortfall_delta_t.d; }), "t",
            "change in mean shortfall per path, b - a", "mean of the per-path differences");
  g.dataset("delta_shortfall_mean_t_lo", H5T_NATIVE_DOUBLE, sm,
            per_cell(c, [](const CellComparison& x) { return x.shortfall_delta_t.lo; }), "t",
            "lower 95% bound of delta_shortfall_mean_t", how);
  g.dataset("delta_shortfall_mean_t_hi", H5T_NATIVE_DOUBLE, sm,
            per_cell(c, [](const CellComparison& x) { return x.shortfall_delta_t.hi; }), "t",
            "upper 95% bound of delta_shortfall_mean_t", how);
}

}  // namespace

void write_compare_file(const std::string& path, const Scenario& a, const Scenario& b,
                        const Comparison& c, const ResultMetadata& meta, bool force,
                        const std::atomic<int>* stop_signal) {
  hdf5::write_file_atomically(path, force, stop_signal,
                              [&](hid_t file) { write_contents(file, a, b, c, meta); });
}

}  // namespace rr
