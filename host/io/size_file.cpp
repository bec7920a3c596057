#include "io/size_file.hpp"

#include <string>

#include "io/hdf5_writer.hpp"
#include "io/run_attributes.hpp"

namespace rr {
using hdf5::attr_scalar;
using hdf5::attr_string;
using hdf5::GroupWriter;

namespace {

void write_contents(hid_t file, const Scenario& sc, const SizeRequest& req, const SizeResult& r,
                    const ResultMetadata& meta) {
  hdf5::attr_provenance(file, kSizeFiletype, kSizeFormatVersion);
  write_run_attributes(file, meta, r.n_paths, r.wall_seconds);
  attr_string(file, "scenario_source", sc.source_name);
  std::string segments;
  for (int s : req.segments) segments += (segments.empty() ? "" : " ") + sc.segments[s].name;
  attr_string(file, "scenario_overrides", joined_lines(sc.overrides));
  attr_scalar(file, "risk_target", H5T_NATIVE_DOUBLE, req.alpha);
  attr_scalar(file, "within_days", H5T_NATIVE_INT32, req.within_days);
  attr_scalar(file, "evaluated_days", H5T_NATIVE_INT32, r.evaluated_days);
  attr_string(file, "segments", segments);
  attr_scalar(file, "evaluations", H5T_NATIVE_INT32, static_cast<std::int32_t>(r.curve.size()));
  attr_string(file, "method",
              "per material, the smallest whole-day cover whose P(first stockout within "
              "within_days) meets risk_target for every named segment, searched on the same "
              "paths (common random numbers) by alternating regula falsi and bisection; the "
              "interval: the covers at which the risk's 95% Wilson bounds meet the target");
  attr_scalar(file, "paths_simulated", H5T_NATIVE_UINT64, r.paths_simulated);
  const std::string by_path =
      "by path: each evaluation re-ran only the paths whose outcome at its cover was not known "
      "from covers tried below and above (a path out at a cover is out at every smaller one); ";
  attr_string(file, "evaluation",
              !r.by_path ? "whole runs: every path at every cover"
              : !r.monotone
                  ? "whole runs: a path re-run at the answer or one day below contradicted the "
                    "monotone rule, so the search was redone with every path at every cover"
              : r.verified ? by_path + "then every path ran at the answer and one day below, "
                                       "none contradicting that rule"
                           : by_path + "no answer above 0 days to check");

  GroupWriter g(file);
  std::vector<std::string> mats, segs;
  for (const auto& x : sc.materials) mats.push_back(x.name);
  for (const auto& x : sc.segments) segs.push_back(x.name);
  g.string_scale("material", mats, "material");
  g.string_scale("segment", segs, "consumer segment");
  std::vector<std::int32_t> eval(r.curve.size());
  for (std::size_t i = 0; i < eval.size(); ++i) eval[i] = static_cast<std::int32_t>(i);
  g.scale("evaluation", H5T_NATIVE_INT32, eval, "", "run of the scenario, in the order run");

  auto per_material = [&](auto f) {
    std::vector<double> v;
    for (const auto& m : r.materials) v.push_back(f(m));
    return v;
  };
  auto days = [](std::int32_t d, double demand) { return d < 0 ? NAN : d * demand; };
  const char* none = "NaN where no cover within the unlimited one meets the target, or the material "
                     "is not used by the named segments";
  g.dataset("stockpile_size_days", H5T_NATIVE_DOUBLE, {"material"},
            per_material([](const MaterialSize& m) { return m.days < 0 ? NAN : double(m.days); }),
            "day", "smallest stockpile meeting the target, in days of the participants' demand", none);
  g.dataset("stockpile_size_days_lo", H5T_NATIVE_DOUBLE, {"material"},
            per_material([](const MaterialSize& m) { return m.days_lo < 0 ? NAN : double(m.days_lo); }),
            "day", "lower end of the 95% interval of stockpile_size_days",
            "the cover at which the risk's lower Wilson bound meets the target");
  g.dataset("stockpile_size_days_hi", H5T_NATIVE_DOUBLE, {"material"},
            per_material([](const MaterialSize& m) { return m.days_hi < 0 ? NAN : double(m.days_hi); }),
            "day", "upper end of the 95% interval of stockpile_size_days",
            "the cover at which the risk's upper Wilson bound meets the target");
  g.dataset("stockpile_size_t", H5T_NATIVE_DOUBLE, {"material"},
            per_material([&](const MaterialSize& m) { return days(m.days, m.daily_demand_t); }), "t",
            "smallest stockpile meeting the target, tonnes", none);
  g.dataset("stockpile_size_t_lo", H5T_NATIVE_DOUBLE, {"material"},
            per_material([&](const MaterialSize& m) { return days(m.days_lo, m.daily_demand_t); }), "t",
            "lower end of the 95% interval of stockpile_size_t", "days_lo x participants' daily demand");
  g.dataset("stockpile_size_t_hi", H5T_NATIVE_DOUBLE, {"material"},
            per_material([&](const MaterialSize& m) { return days(m.days_hi, m.daily_demand_t); }), "t",
            "upper end of the 95% interval of stockpile_size_t", "days_hi x participants' daily demand");
  g.dataset("participants_daily_demand_t", H5T_NATIVE_DOUBLE, {"material"},
            per_material([](const MaterialSize& m) { return m.daily_demand_t; }), "t",
            "the stockpile participants' mean daily demand (one day of cover)", "");
  g.dataset("unlimited_cover_days", H5T_NATIVE_DOUBLE, {"material"},
            per_material([](const MaterialSize& m) { return double(m.unlimited_days); }), "day",
            "a cover no release can exhaust within the horizon (horizon x daily cap)", "");
  auto risk3 = [&](const char* name, Proportion MaterialSize::*p, const char* long_name) {
    const std::string n = name;
    g.dataset(name, H5T_NATIVE_DOUBLE, {"material"}, per_material([&](const MaterialSize& m) { return (m.*p).p; }),
              "1", long_name, "the worst named segment's P(first stockout within within_days)");
    g.dataset((n + "_lo").c_str(), H5T_NATIVE_DOUBLE, {"material"},
              per_material([&](const MaterialSize& m) { return (m.*p).lo; }), "1",
              ("lower 95% Wilson bound of " + n).c_str(), "largest lower bound over the named segments");
    g.dataset((n + "_hi").c_str(), H5T_NATIVE_DOUBLE, {"material"},
              per_material([&](const MaterialSize& m) { return (m.*p).hi; }), "1",
              ("upper 95% Wilson bound of " + n).c_str(), "largest upper bound over the named segments");
  };
  risk3("risk_at_size", &MaterialSize::risk_at_size, "risk at stockpile_size_days");
  risk3("risk_without_stockpile", &MaterialSize::risk_without, "risk with no stockpile of the material");
  risk3("best_achievable_risk", &MaterialSize::risk_unlimited,
        "risk with a stockpile no release can exhaust (the daily cap still applies)");
  // The risk curve: every evaluation's cover and risk per material (and per named segment).
  std::vector<double> cover, p, lo, hi, sp, slo, shi;
  for (const auto& e : r.curve) {
    for (std::size_t m = 0; m < mats.size(); ++m) {
      cover.push_back(e.cover_days[m]);
      p.push_back(e.risk[m].p);
      lo.push_back(e.risk[m].lo);
      hi.push_back(e.risk[m].hi);
    }
    for (const auto& x : e.segment_risk) {
      sp.push_back(x.p);
      slo.push_back(x.lo);
      shi.push_back(x.hi);
    }
  }
  const std::vector<std::string> em = {"evaluation", "material"};
  const std::vector<std::string> esm = {"evaluation", "segment", "material"};
  g.dataset("curve_cover_days", H5T_NATIVE_DOUBLE, em, cover, "day",
            "the stockpile cover tried in each evaluation", "sort by it to draw the risk curve");
  g.dataset("curve_risk", H5T_NATIVE_DOUBLE, em, p, "1", "the worst named segment's risk at that cover", "");
  g.dataset("curve_risk_lo", H5T_NATIVE_DOUBLE, em, lo, "1", "lower 95% Wilson bound of curve_risk", "");
  g.dataset("curve_risk_hi", H5T_NATIVE_DOUBLE, em, hi, "1", "upper 95% Wilson bound of curve_risk", "");
  g.dataset("curve_segment_risk", H5T_NATIVE_DOUBLE, esm, sp, "1",
            "each named segment's risk at that cover (0 for the others)", "");
  g.dataset("curve_segment_risk_lo", H5T_NATIVE_DOUBLE, esm, slo, "1", "lower 95% Wilson bound", "");
  g.dataset("curve_segment_risk_hi", H5T_NATIVE_DOUBLE, esm, shi, "1", "upper 95% Wilson bound", "");
  std::vector<std::uint64_t> simulated;
  for (const auto& e : r.curve) simulated.push_back(e.paths_simulated);
  g.dataset("curve_paths_simulated", H5T_NATIVE_UINT64, {"evaluation"}, simulated, "1",
            "paths the evaluation simulated: all of them, or (evaluation = by path) those whose "
            "outcome at its cover was not known from the covers tried below and above", "");
}

}  // namespace

void write_size_file(const std::string& path, const Scenario& sc, const SizeRequest& request,
                     const SizeResult& r, const ResultMetadata& meta, bool force,
                     const std::atomic<int>* stop_signal) {
  hdf5::write_file_atomically(path, force, stop_signal,
                              [&](hid_t file) { write_contents(file, sc, request, r, meta); });
}

}  // namespace rr
