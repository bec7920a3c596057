// HDF5 reader for `reerisk info`: checks filetype and format_version before reading anything.
#include "io/result_reader.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <hdf5.h>

#include "errors.hpp"
#include "io/result_file.hpp"

namespace rr {
namespace {

class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  operator hid_t() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// A string attribute (fixed or variable length), or "" when absent.
std::string string_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Id type(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING) return "";
  if (H5Tis_variable_str(type) > 0) {
    Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* text = nullptr;
    if (H5Aread(attr, mem, &text) < 0 || !text) return "";
    std::string out(text);
    H5free_memory(text);
    return out;
  }
  const size_t n = H5Tget_size(type);
  std::string out(n, '\0');
  if (H5Aread(attr, type, out.data()) < 0) return "";
  out.resize(std::strlen(out.c_str()));
  return out;
}

/// A numeric attribute as text, or "" when absent.
std::string number_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Id type(H5Aget_type(attr), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type);
  char buf[64];
  if (cls == H5T_INTEGER) {
    long long v = 0;
    if (H5Aread(attr, H5T_NATIVE_LLONG, &v) < 0) return "";
    std::snprintf(buf, sizeof buf, "%lld", v);
  } else if (cls == H5T_FLOAT) {
    double v = 0;
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) return "";
    std::snprintf(buf, sizeof buf, "%.6g", v);
  } else {
    return "";
  }
  return buf;
}

std::vector<hsize_t> shape_of(hid_t ds) {
  Id space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

template <class T>
std::vector<T> read_all(hid_t group, const char* name, hid_t mem_type, std::vector<hsize_t>* shape = nullptr) {
  Id ds(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw InputError(std::string("result file lacks dataset ") + name);
  const auto dims = shape_of(ds);
  size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<T> out(n);
  if (n && H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    throw InputError(std::string("cannot read dataset ") + name);
  }
  if (shape) *shape = dims;
  return out;
}

std::vector<std::string> read_strings(hid_t group, const char* name) {
  Id ds(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw InputError(std::string("result file lacks dataset ") + name);
  const auto dims = shape_of(ds);
  const size_t n = dims.empty() ? 1 : dims[0];
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  std::vector<char*> ptrs(n, nullptr);
  if (n && H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
    throw InputError(std::string("cannot read dataset ") + name);
  }
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

struct LayoutWalk {
  std::vector<std::string>* lines;
};

herr_t visit(hid_t obj, const char* name, const H5O_info_t* info, void* data) {
  auto* walk = static_cast<LayoutWalk*>(data);
  if (info->type != H5O_TYPE_DATASET || std::strcmp(name, ".") == 0) return 0;
  Id ds(H5Dopen2(obj, name, H5P_DEFAULT), H5Dclose);
  std::string shape;
  for (hsize_t d : shape_of(ds)) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
  const std::string units = string_attr(ds, "units");
  const std::string long_name = string_attr(ds, "long_name");
  char buf[512];
  std::snprintf(buf, sizeof buf, "/%-40s %-18s %-8s %s", name, shape.empty() ? "scalar" : shape.c_str(),
                units.c_str(), long_name.c_str());
  walk->lines->push_back(buf);
  return 0;
}

}  // namespace

namespace {
/// How long a child may take to read a result file (real files take milliseconds).
constexpr int kProbeSeconds = 20;
}  // namespace

void probe_hdf5_file(const std::string& path, void (*read)(const std::string&)) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return;  // cannot fork: read in-process
  if (pid == 0) {
    int code = 0;
    try {
      read(path);
    } catch (const InputError&) {
      code = 2;
    } catch (...) {
      code = 3;
    }
    _exit(code);
  }
  // A hostile file can also make libhdf5 loop forever: give the child a deadline.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kProbeSeconds);
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      status = 0;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw InputError(path + ": corrupt file: the HDF5 library did not finish reading it within " +
                       std::to_string(kProbeSeconds) + " s");
    }
    usleep(1000);
  }
  const bool clean = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2);
  if (!clean) {
    throw InputError(path + ": corrupt file: reading it crashed the HDF5 library; it is not a "
                            "usable reerisk result");
  }
}

namespace {
ResultFileInfo read_unprobed(const std::string& path);
void read_and_discard(const std::string& path) { (void)read_unprobed(path); }
}  // namespace

ResultFileInfo read_result_file(const std::string& path) {
  probe_hdf5_file(path, read_and_discard);
  return read_unprobed(path);
}

namespace {
ResultFileInfo read_unprobed(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path + ": cannot open the file");
    std::fclose(f);
    throw InputError(path + ": not an HDF5 file, so not a reerisk result");
  }
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw InputError(path + ": cannot open the HDF5 file");
  const std::string filetype = string_attr(file, "filetype");
  if (filetype == "reerisk-compare" || filetype == "reerisk-size") {
    throw InputError(path + ": a `reerisk " + filetype.substr(8) + "` file, not a run's result; "
                     "read it with h5py or xarray (docs/output-format.md) or plot it with "
                     "tools/decisions.sh plot-" + filetype.substr(8));
  }
  if (filetype != kResultFiletype) {
    throw InputError(path + ": an HDF5 file but not a reerisk result (its root attribute "
                            "filetype is not \"" + std::string(kResultFiletype) + "\")");
  }
  const std::string version = number_attr(file, "format_version");
  if (version.empty()) throw InputError(path + ": reerisk result without a format_version");
  if (std::stoll(version) > kResultFormatVersion) {
    throw InputError(path + ": written in result format " + version + " by a newer reerisk; this "
                            "reerisk reads format " + std::to_string(kResultFormatVersion) +
                            " and older. Use a newer reerisk.");
  }

  ResultFileInfo info;
  for (const char* key : {"reerisk_version", "git_sha", "backend", "device", "started_utc", "created_utc",
                          "scenario_source"}) {
    info.metadata.emplace_back(key, string_attr(file, key));
  }
  for (const char* key : {"format_version", "seed", "first_path", "n_paths", "wall_seconds",
                          "path_days_per_second", "peak_host_memory_bytes",
                          "peak_device_memory_bytes"}) {
    info.metadata.emplace_back(key, number_attr(file, key));
  }
  info.scenarios.push_back(string_attr(file, "scenarios"));
  Id group(H5Gopen2(file, info.scenarios[0].c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.ok()) throw InputError(path + ": scenario group \"" + info.scenarios[0] + "\" is missing");

  // Rebuild the summary tables' inputs from the stored arrays (one per sweep point).
  const std::int32_t horizon = static_cast<std::int32_t>(std::stol(number_attr(group, "horizon_days")));
  const std::uint64_t n_paths = std::stoull(number_attr(group, "n_paths"));
  std::vector<std::string> sweep_dims;
  {
    std::string dims = string_attr(group, "sweep_dims");
    std::size_t at = 0;
    while (at < dims.size()) {
      const std::size_t sp = dims.find(' ', at);
      sweep_dims.push_back(dims.substr(at, sp == std::string::npos ? std::string::npos : sp - at));
      if (sp == std::string::npos) break;
      at = sp + 1;
    }
  }
  std::vector<std::vector<double>> axis_values;
  for (const auto& d : sweep_dims) axis_values.push_back(read_all<double>(group, d.c_str(), H5T_NATIVE_DOUBLE));
  const auto segs = read_strings(group, "segment");
  const auto mats = read_strings(group, "material");
  std::vector<hsize_t> shape;
  const auto cdf = read_all<double>(group, "p_stockout_by_day", H5T_NATIVE_DOUBLE, &shape);
  const auto lo = read_all<double>(group, "p_stockout_by_day_lo", H5T_NATIVE_DOUBLE);
  const auto hi = read_all<double>(group, "p_stockout_by_day_hi", H5T_NATIVE_DOUBLE);
  const auto dq = read_all<std::int64_t>(group, "stockout_days_quantile", H5T_NATIVE_INT64);
  const auto sm = read_all<double>(group, "shortfall_mean", H5T_NATIVE_DOUBLE);
  // Line stops, fill rates and demand came later: files without them still read.
  const auto optional = [&](const char* name) {
    return H5Lexists(group, name, H5P_DEFAULT) > 0 ? read_all<double>(group, name, H5T_NATIVE_DOUBLE)
                                                   : std::vector<double>{};
  };
  const auto ls_cdf = optional("p_line_stop_by_day");
  const auto ls_lo = optional("p_line_stop_by_day_lo");
  const auto ls_hi = optional("p_line_stop_by_day_hi");
  const auto ls_fill = optional("line_stop_fill");
  const auto fill_mean = optional("fill_rate_mean");
  const auto fill_q = optional("fill_rate_quantile");
  const auto demand = optional("demand_mean");
  // Costs, where the scenario asked for them: [0] procurement, [1] shortfall.
  std::vector<double> cost_mean[2], cost_q[2], cost_cvar[2];
  const bool costs = H5Lexists(group, "procurement_cost_mean", H5P_DEFAULT) > 0;
  if (costs) {
    const char* names[2] = {"procurement_cost", "shortfall_cost"};
    for (int c = 0; c < 2; ++c) {
      const std::string n = names[c];
      cost_mean[c] = read_all<double>(group, (n + "_mean").c_str(), H5T_NATIVE_DOUBLE);
      cost_q[c] = read_all<double>(group, (n + "_quantile").c_str(), H5T_NATIVE_DOUBLE);
      cost_cvar[c] = read_all<double>(group, (n + "_cvar95").c_str(), H5T_NATIVE_DOUBLE);
    }
  }
  const auto optional_int = [&](const char* name) {
    return H5Lexists(group, name, H5P_DEFAULT) > 0 ? read_all<std::int64_t>(group, name, H5T_NATIVE_INT64)
                                                   : std::vector<std::int64_t>{};
  };
  const auto ls_dq = optional_int("line_stop_days_quantile");
  const auto survive_q = optional_int("time_to_survive_quantile");
  const auto recover_q = optional_int("time_to_recover_quantile");
  const std::size_t D = sweep_dims.size();
  std::size_t n_points = 1;
  for (std::size_t j = 0; j < D; ++j) n_points *= axis_values[j].size();
  const size_t H = static_cast<size_t>(horizon);
  const size_t cells = segs.size() * mats.size();
  bool shape_ok = shape.size() == D + 3 && shape[D] == segs.size() && shape[D + 1] == mats.size() &&
                  shape[D + 2] == H;
  for (std::size_t j = 0; shape_ok && j < D; ++j) shape_ok = shape[j] == axis_values[j].size();
  if (!shape_ok || cdf.size() != n_points * cells * H || dq.size() != n_points * cells * 4 ||
      sm.size() != n_points * cells) {
    throw InputError(path + ": p_stockout_by_day has an unexpected shape");
  }
  const bool line_stops = !ls_cdf.empty();
  if (line_stops &&
      (ls_cdf.size() != n_points * cells * H || ls_lo.size() != ls_cdf.size() ||
       ls_hi.size() != ls_cdf.size() || ls_fill.size() != n_points * cells ||
       fill_mean.size() != n_points * cells || fill_q.size() != n_points * cells * 4 ||
       ls_dq.size() != n_points * cells * 4)) {
    throw InputError(path + ": the line-stop and fill-rate datasets have an unexpected shape");
  }
  const bool survival = !survive_q.empty() || !recover_q.empty();
  if (survival && (survive_q.size() != n_points * cells * 4 || recover_q.size() != n_points * cells * 4)) {
    throw InputError(path + ": the time-to-survive and time-to-recover datasets have an unexpected shape");
  }
  for (int c = 0; costs && c < 2; ++c) {
    if (cost_mean[c].size() != n_points * segs.size() || cost_cvar[c].size() != n_points * segs.size() ||
        cost_q[c].size() != n_points * segs.size() * 4) {
      throw InputError(path + ": the cost datasets have an unexpected shape");
    }
  }
  if (!demand.empty() && demand.size() != n_points * cells) {
    throw InputError(path + ": demand_mean has an unexpected shape");
  }
  for (std::size_t pt = 0; pt < n_points; ++pt) {
    Summary s;
    s.horizon_days = horizon;
    s.paths = n_paths;
    for (size_t i = 0; i < segs.size(); ++i) {
      for (size_t j = 0; j < mats.size(); ++j) {
        const size_t c = pt * cells + i * mats.size() + j;
        SegmentMaterialSummary cell;
        cell.segment = segs[i];
        cell.material = mats[j];
        cell.p_stockout_by_day.resize(H);
        for (size_t t = 0; t < H; ++t) {
          cell.p_stockout_by_day[t] = {cdf[c * H + t], lo[c * H + t], hi[c * H + t]};
        }
        for (int q = 0; q < 4; ++q) cell.stockout_days_quantile[q] = dq[c * 4 + q];
        cell.shortfall_mean_t = sm[c];
        if (!demand.empty()) cell.has_demand = demand[c] > 0.0;
        if (line_stops) {
          cell.p_line_stop_by_day.resize(H);
          for (size_t t = 0; t < H; ++t) {
            cell.p_line_stop_by_day[t] = {ls_cdf[c * H + t], ls_lo[c * H + t], ls_hi[c * H + t]};
          }
          for (int q = 0; q < 4; ++q) {
            cell.line_stop_days_quantile[q] = ls_dq[c * 4 + q];
            cell.fill_rate_quantile[q] = fill_q[c * 4 + q];
            if (survival) {
              cell.survive_days_quantile[q] = survive_q[c * 4 + q];
              cell.recover_days_quantile[q] = recover_q[c * 4 + q];
            }
          }
          cell.line_stop_fill = ls_fill[c];
          cell.fill_rate_mean = fill_mean[c];
        }
        s.cells.push_back(std::move(cell));
      }
    }
    s.costs = costs;
    for (size_t i = 0; costs && i < segs.size(); ++i) {
      s.cost_segments.push_back(segs[i]);
      std::array<CostSummary, 2> both;
      for (int c = 0; c < 2; ++c) {
        const size_t at = pt * segs.size() + i;
        both[c].mean = cost_mean[c][at];
        both[c].cvar95 = cost_cvar[c][at];
        for (int q = 0; q < 4; ++q) both[c].quantile[q] = cost_q[c][at * 4 + q];
      }
      s.segment_costs.push_back(both);
    }
    std::string label;
    std::size_t rest = pt;
    for (std::size_t j = D; j-- > 0;) {  // row-major: the last axis varies fastest
      const std::size_t k = rest % axis_values[j].size();
      rest /= axis_values[j].size();
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", axis_values[j][k]);
      label = sweep_dims[j] + " = " + buf + (label.empty() ? "" : ", ") + label;
    }
    info.summaries.push_back(std::move(s));
    info.point_labels.push_back(label);
  }
  info.design = D == 1 && sweep_dims[0] == "point";
  if (H5Lexists(group, "sobol_total_p_stockout", H5P_DEFAULT) > 0) {
    SensitivityResult r;
    r.params = read_strings(group, "param");
    auto column = [&](const char* name) { return read_all<double>(group, name, H5T_NATIVE_DOUBLE); };
    const auto f = column("sobol_first_p_stockout"), flo = column("sobol_first_lo_p_stockout"),
               fhi = column("sobol_first_hi_p_stockout"), t = column("sobol_total_p_stockout"),
               tlo = column("sobol_total_lo_p_stockout"), thi = column("sobol_total_hi_p_stockout");
    if (f.size() != r.params.size() * cells) throw InputError(path + ": sensitivity datasets have an unexpected shape");
    for (std::size_t i = 0; i < f.size(); ++i) {
      r.p_stockout.push_back({f[i], flo[i], fhi[i], t[i], tlo[i], thi[i]});
    }
    r.p_stockout_variance = column("sobol_output_variance_p_stockout");
    r.p_stockout_noise = column("sobol_noise_variance_p_stockout");
    info.sensitivity = r;
  }
  LayoutWalk walk{&info.layout};
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &walk);
  return info;
}
}  // namespace

}  // namespace rr
