#include "run/shards.hpp"

#include <algorithm>
#include <optional>
#include <cstring>
#include <stdexcept>

#include <hdf5.h>

#include "errors.hpp"
#include "io/result_file.hpp"
#include "io/result_reader.hpp"
#include "scenario/scenario_loader.hpp"
#include "stats/summary.hpp"
#include "scenario/sweep_plan.hpp"
#include "stats/sweep_sensitivity.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

PathRange shard_range(std::uint64_t index, std::uint64_t shards, std::uint64_t total) {
  // 128-bit products: total * index can exceed 64 bits for huge runs.
  const auto at = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * i / shards);
  };
  return {at(index), at(index + 1) - at(index)};
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos && slash > 0 && slash + 1 < text.size() &&
        text.find_first_not_of("0123456789/") == std::string::npos) {
      const std::uint64_t i = std::stoull(text.substr(0, slash));
      const std::uint64_t k = std::stoull(text.substr(slash + 1));
      if (k >= 1 && i >= 1 && i <= k) return {i - 1, k};
    }
  } catch (const std::exception&) {
  }
  throw InputError("--shard " + text + ": expected I/K with 1 <= I <= K (e.g. 3/8)");
}

namespace {

/// What merge needs from one shard file.
struct Shard {
  std::string path;
  std::string scenario_text, scenario_source, scenario_files, scenario_overrides, backend, device,
      started;
  std::uint64_t seed = 0, first = 0, count = 0, total = 0;
  double wall = 0;
  std::uint64_t peak_host = 0, peak_device = 0;  ///< 0 in files older than these attributes
  std::vector<std::uint64_t> tally;  ///< [points][layout size]
  std::uint64_t rows = 0, cols = 0;
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string text_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* value = nullptr;
  std::string out;
  if (H5Aread(attr, type, &value) >= 0 && value) {
    out = value;
    H5free_memory(value);
  }
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

template <class T>
T number_attr(hid_t obj, const char* name, hid_t type) {
  T v{};
  if (H5Aexists(obj, name) <= 0) return v;
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  H5Aread(attr, type, &v);
  H5Aclose(attr);
  return v;
}

Shard read_shard(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not a reerisk result (not HDF5)");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw InputError(path + ": cannot open");
  Shard s;
  s.path = path;
  try {
    if (text_attr(file, "filetype") != kResultFiletype) throw InputError(path + ": not a reerisk result");
    if (number_attr<int>(file, "format_version", H5T_NATIVE_INT) > kResultFormatVersion) {
      throw InputError(path + ": written by a newer reerisk (format " +
                       std::to_string(number_attr<int>(file, "format_version", H5T_NATIVE_INT)) + ")");
    }
    s.scenario_source = text_attr(file, "scenario_source");
    s.scenario_files = text_attr(file, "scenario_files");
    s.scenario_overrides = text_attr(file, "scenario_overrides");
    s.backend = text_attr(file, "backend");
    s.device = text_attr(file, "device");
    s.started = text_attr(file, "started_utc");
    s.seed = number_attr<std::uint64_t>(file, "seed", H5T_NATIVE_UINT64);
    s.first = number_attr<std::uint64_t>(file, "first_path", H5T_NATIVE_UINT64);
    s.count = number_attr<std::uint64_t>(file, "n_paths", H5T_NATIVE_UINT64);
    s.total = number_attr<std::uint64_t>(file, "total_paths", H5T_NATIVE_UINT64);
    s.wall = number_attr<double>(file, "wall_seconds", H5T_NATIVE_DOUBLE);
    s.peak_host = number_attr<std::uint64_t>(file, "peak_host_memory_bytes", H5T_NATIVE_UINT64);
    s.peak_device = number_attr<std::uint64_t>(file, "peak_device_memory_bytes", H5T_NATIVE_UINT64);
    if (number_attr<double>(file, "until_halfwidth", H5T_NATIVE_DOUBLE) > 0) {
      throw InputError(path + ": ran with --until-halfwidth; such runs cannot be merged");
    }
    // Scenario text.
    const hid_t ds = H5Dopen2(file, "scenario_text", H5P_DEFAULT);
    const hid_t tally = H5Dopen2(file, "tally", H5P_DEFAULT);
    if (ds < 0 || tally < 0) {
      if (ds >= 0) H5Dclose(ds);
      if (tally >= 0) H5Dclose(tally);
      throw InputError(path + ": lacks scenario_text or tally, so it cannot be merged");
    }
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* text = nullptr;
    if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0 && text) {
      s.scenario_text = text;
      H5free_memory(text);
    }
    H5Tclose(type);
    H5Dclose(ds);
    const hid_t space = H5Dget_space(tally);
    hsize_t dims[2] = {0, 0};
    const bool two_d = H5Sget_simple_extent_ndims(space) == 2;
    H5Sget_simple_extent_dims(space, dims, nullptr);
    H5Sclose(space);
    if (!two_d) {
      H5Dclose(tally);
      throw InputError(path + ": tally has an unexpected shape");
    }
    s.rows = dims[0];
    s.cols = dims[1];
    s.tally.resize(s.rows * s.cols);
    const herr_t ok = H5Dread(tally, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.tally.data());
    H5Dclose(tally);
    if (ok < 0) throw InputError(path + ": cannot read its tally");
  } catch (...) {
    H5Fclose(file);
    throw;
  }
  H5Fclose(file);
  return s;
}

}  // namespace

void merge_result_files(const std::vector<std::string>& inputs, const std::string& output,
                        bool force) {
  if (inputs.empty()) throw InputError("merge: give the shard files to merge");
  check_output_path(output, force);
  std::vector<Shard> shards;
  for (const auto& in : inputs) {
    probe_hdf5_file(in, [](const std::string& p) { (void)read_shard(p); });
    shards.push_back(read_shard(in));
  }
  const Shard& ref = shards.front();
  for (const Shard& s : shards) {
    if (s.scenario_text != ref.scenario_text || s.seed != ref.seed || s.total != ref.total ||
        s.rows != ref.rows || s.cols != ref.cols) {
      throw InputError(s.path + " belongs to a different run than " + ref.path +
                       " (scenario text, seed or total path count differ)");
    }
    if (s.backend != ref.backend) {
      throw InputError(s.path + " ran on the " + s.backend + " backend and " + ref.path + " on " +
                       ref.backend + "; merge shards of one backend so the result is reproducible");
    }
  }
  std::vector<const Shard*> order;
  for (const Shard& s : shards) order.push_back(&s);
  std::sort(order.begin(), order.end(), [](const Shard* a, const Shard* b) { return a->first < b->first; });
  std::uint64_t next = 0;
  for (const Shard* s : order) {
    if (s->first < next) {
      throw InputError(s->path + " covers paths already merged (from " + std::to_string(s->first) +
                       "): a duplicated or overlapping shard");
    }
    if (s->first > next) {
      throw InputError("paths [" + std::to_string(next) + ", " + std::to_string(s->first) +
                       ") are missing: a shard was not given");
    }
    next = s->first + s->count;
  }
  if (next != ref.total) {
    throw InputError("paths [" + std::to_string(next) + ", " + std::to_string(ref.total) +
                     ") are missing: a shard was not given");
  }

  // Rebuild the run's points from its own scenario text, add the tallies, write as `run` does.
  Scenario sc = load_scenario_text(ref.scenario_text, ref.scenario_source);
  // The text stands alone; keep the record of the files and overrides it was made from.
  sc.files = split_lines(ref.scenario_files.empty() ? ref.scenario_source : ref.scenario_files);
  sc.overrides = split_lines(ref.scenario_overrides);
  SweepPlan plan = plan_sweep(sc);
  if (plan.points.size() != ref.rows || TallyLayout(*plan.points.front().spec).size != ref.cols) {
    throw InputError(ref.path + ": its tally does not fit this reerisk's layout of the scenario (" + std::to_string(plan.points.size()) + " x " + std::to_string(TallyLayout(*plan.points.front().spec).size) + " here, " + std::to_string(ref.rows) + " x " + std::to_string(ref.cols) + " in the file)");
  }
  double wall = 0;
  std::uint64_t peak_host = 0, peak_device = 0;
  std::string started = ref.started;
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    PointResult& p = plan.points[i];
    p.tally.assign(ref.cols, 0);
    for (const Shard& s : shards) {
      for (std::uint64_t j = 0; j < ref.cols; ++j) p.tally[j] += s.tally[i * ref.cols + j];
    }
    p.summary = summarize(p.scenario, *p.spec, p.tally);
  }
  for (const Shard& s : shards) {
    wall += s.wall;
    peak_host = std::max(peak_host, s.peak_host);
    peak_device = std::max(peak_device, s.peak_device);
    started = std::min(started, s.started);
  }
  std::optional<SensitivityResult> sensitivity;
  if (plan.is_design()) sensitivity = compute_sensitivity(*sc.sweep, *plan.design, plan.points, ref.seed);
  ResultMetadata meta;
  meta.seed = ref.seed;
  meta.first_path = 0;
  meta.n_paths = ref.total;
  meta.total_paths = ref.total;
  meta.backend = ref.backend;
  meta.device = ref.device;
  meta.started_utc = started;
  meta.wall_seconds = wall;
  meta.peak_host_bytes = peak_host;
  meta.peak_device_bytes = peak_device;
  meta.path_days_per_second =
      wall > 0 ? static_cast<double>(ref.total) * plan.points.size() * sc.horizon_days / wall : 0.0;
  PathSample none;
  write_result_file(output, sc, plan.points, plan.axes, meta, force, nullptr, &none,
                    sensitivity ? &*sensitivity : nullptr);
}

}  // namespace rr
