/// @file hdf5_writer.hpp
/// The small HDF5 toolkit every reerisk file writer shares: owned handles, string and scalar
/// attributes, labelled datasets with dimension scales, and the atomic write of a whole file.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <hdf5.h>
#include <hdf5_hl.h>

namespace rr {
namespace hdf5 {

/// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const char* what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error(std::string("HDF5: cannot create ") + what);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline void check(herr_t status, const char* what) {
  if (status < 0) throw std::runtime_error(std::string("HDF5: ") + what + " failed");
}

/// A variable-length UTF-8 string attribute (h5py and xarray read it as str).
inline void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  const char* text = value.c_str();
  check(H5Awrite(attr, type, &text), "H5Awrite");
}

template <class T>
void attr_scalar(hid_t obj, const char* name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  check(H5Awrite(attr, type, &value), "H5Awrite");
}

/// Writes one labelled dataset; @p dims name the dimension scales to attach, in order.
class GroupWriter {
 public:
  explicit GroupWriter(hid_t group) : group_(group) {}

  /// Declares @p coordinate as a label of dimension @p dim (CF "coordinates" attribute on
  /// every later dataset using @p dim).
  void label(const std::string& dim, const std::string& coordinate) {
    coordinates_[dim].push_back(coordinate);
  }

  /// Creates a dimension scale @p name of length values.size().
  template <class T>
  void scale(const char* name, hid_t type, const std::vector<T>& values, const char* units,
             const char* long_name) {
    const hsize_t n = values.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "space");
    Handle ds(H5Dcreate2(group_, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, name);
    if (n) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "H5Dwrite");
    check(H5DSset_scale(ds, name), "H5DSset_scale");
    if (units[0]) attr_string(ds, "units", units);
    attr_string(ds, "long_name", long_name);
  }

  /// A CF time coordinate @p name along @p dim: @p days counted from @p start (an ISO date),
  /// so that xarray decodes it to datetime64 and netCDF tools print dates. Later datasets on
  /// @p dim list it in their "coordinates".
  void time_coordinate(const char* name, const std::string& dim,
                       const std::vector<std::int32_t>& days, const std::string& start,
                       const char* long_name) {
    label(dim, name);
    const std::string units = "days since " + start;
    dataset(name, H5T_NATIVE_INT32, {dim}, days, units.c_str(), long_name,
            "CF time (units and calendar): xarray decodes it to datetime64");
    Handle ds(H5Dopen2(group_, name, H5P_DEFAULT), H5Dclose, name);
    attr_string(ds, "calendar", "standard");
    attr_string(ds, "standard_name", "time");
  }

  /// Creates a string-valued scale (variable-length UTF-8).
  void string_scale(const char* name, const std::vector<std::string>& values,
                    const char* long_name) {
    string_dataset(name, values, {}, long_name);
    Handle ds(H5Dopen2(group_, name, H5P_DEFAULT), H5Dclose, name);
    check(H5DSset_scale(ds, name), "H5DSset_scale");
  }

  /// A variable-length UTF-8 string dataset, optionally attached to a scale (1-D).
  void string_dataset(const char* name, const std::vector<std::string>& values,
                      const std::string& dim, const char* long_name) {
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "vlen string");
    check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    const hsize_t n = values.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "space");
    Handle ds(H5Dcreate2(group_, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, name);
    if (n) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dwrite");
    attr_string(ds, "long_name", long_name);
    if (!dim.empty()) attach(ds, {dim});
  }

  /// A numeric dataset of shape given by @p dims (scale names), row-major @p data.
  template <class T>
  void dataset(const char* name, hid_t type, const std::vector<std::string>& dims,
               const std::vector<T>& data, const char* units, const char* long_name,
               const char* description) {
    std::vector<hsize_t> shape;
    hsize_t total = 1;
    for (const auto& d : dims) {
      shape.push_back(scale_length(d));
      total *= shape.back();
    }
    if (total != data.size()) {
      throw std::logic_error(std::string("result_file: shape mismatch for ") + name);
    }
    Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                 H5Sclose, "space");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "dcpl");
    // Chunk and compress the large day-resolved arrays; small ones stay contiguous.
    if (total >= 4096 && !shape.empty() && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      std::vector<hsize_t> chunk(shape.size(), 1);
      chunk.back() = shape.back();
      check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
      check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
      check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
    }
    Handle ds(H5Dcreate2(group_, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
              name);
    if (total) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "H5Dwrite");
    if (units[0]) attr_string(ds, "units", units);
    attr_string(ds, "long_name", long_name);
    attr_string(ds, "description", description);
    // CF "coordinates": xarray shows e.g. the calendar dates as labels beside the day indices.
    std::string coords;
    for (const auto& d : dims) {
      const auto it = coordinates_.find(d);
      if (it == coordinates_.end()) continue;
      for (const auto& c : it->second) {
        if (c != name) coords += (coords.empty() ? "" : " ") + c;
      }
    }
    if (!coords.empty()) attr_string(ds, "coordinates", coords);
    attach(ds, dims);
  }

 private:
  hsize_t scale_length(const std::string& dim) {
    Handle ds(H5Dopen2(group_, dim.c_str(), H5P_DEFAULT), H5Dclose, dim.c_str());
    Handle space(H5Dget_space(ds), H5Sclose, "space");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space, &n, nullptr);
    return n;
  }

  void attach(hid_t ds, const std::vector<std::string>& dims) {
    for (size_t i = 0; i < dims.size(); ++i) {
      Handle scale(H5Dopen2(group_, dims[i].c_str(), H5P_DEFAULT), H5Dclose, dims[i].c_str());
      check(H5DSattach_scale(ds, scale, static_cast<unsigned>(i)), "H5DSattach_scale");
    }
  }

  hid_t group_;
  std::map<std::string, std::vector<std::string>> coordinates_;
};

/// A scalar variable-length UTF-8 string dataset (for texts beyond an attribute's 64 KiB).
inline void string_scalar(hid_t obj, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "vlen string");
  check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle ds(H5Dcreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            name);
  const char* text = value.c_str();
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "H5Dwrite");
}

/// The root attributes every reerisk file starts with: filetype, format_version,
/// reerisk_version, git_sha (readers refuse other filetypes and newer versions).
void attr_provenance(hid_t file, const char* filetype, int format_version);

/// Builds a whole HDF5 file in memory with @p contents (given the file's id) and writes it to
/// a temporary file "<path>.tmp-<pid>" beside @p path, flushed and fsync'ed, then renamed over
/// @p path. On any failure, or when @p stop_signal is raised before the rename, the temporary
/// file is removed and @p path is untouched (throws), so a file at @p path is always
/// complete. Temporary files left by killed runs (their process is gone) are removed first.
void write_file_atomically(const std::string& path, bool force,
                           const std::atomic<int>* stop_signal,
                           const std::function<void(hid_t)>& contents);

}  // namespace hdf5
}  // namespace rr
