#include "io/run_attributes.hpp"

#include "io/hdf5_writer.hpp"

namespace rr {

void write_run_attributes(hid_t file, const ResultMetadata& meta, std::uint64_t n_paths,
                          double wall_seconds) {
  hdf5::attr_scalar(file, "seed", H5T_NATIVE_UINT64, meta.seed);
  hdf5::attr_scalar(file, "n_paths", H5T_NATIVE_UINT64, n_paths);
  hdf5::attr_string(file, "backend", meta.backend);
  hdf5::attr_string(file, "device", meta.device);
  hdf5::attr_string(file, "started_utc", meta.started_utc);
  hdf5::attr_string(file, "created_utc", utc_now());
  hdf5::attr_scalar(file, "wall_seconds", H5T_NATIVE_DOUBLE, wall_seconds);
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace rr
