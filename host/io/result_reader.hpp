/// @file result_reader.hpp
/// Reads reerisk result files back (for `reerisk info`), refusing anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/result_file.hpp"
#include "stats/summary.hpp"

namespace rr {

/// What `reerisk info` shows of a result file.
struct ResultFileInfo {
  std::vector<std::pair<std::string, std::string>> metadata;  ///< root attributes, as text
  std::vector<std::string> scenarios;                         ///< scenario groups
  std::vector<Summary> summaries;     ///< of the first scenario: one per sweep point
  std::vector<std::string> point_labels;  ///< "key = value, ..." per sweep point ("" for a run)
  std::vector<std::string> layout;                            ///< "path  shape  units" lines
  bool design = false;                         ///< a design sweep (dimension "point")
  std::optional<SensitivityResult> sensitivity;  ///< Sobol indices of a design sweep
};

/// Opens @p path read-only and checks it is a reerisk result of a format this build reads.
/// The file is first read in a child process (probe_hdf5_file), so that a corrupt file that
/// crashes libhdf5 ends in an InputError, not a crash.
/// @throws InputError when the file is missing, not HDF5, not a reerisk result, newer, or
///         corrupt.
ResultFileInfo read_result_file(const std::string& path);

/// Runs @p read on @p path in a forked child first. libhdf5 1.10 can crash (or corrupt
/// memory) on hostile files, which no check of ours can prevent; a child that dies, or
/// fails with anything but an InputError, makes this throw InputError("corrupt ...").
/// @p read should throw InputError for files it refuses.
void probe_hdf5_file(const std::string& path, void (*read)(const std::string&));

}  // namespace rr
