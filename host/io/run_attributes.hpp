/// @file run_attributes.hpp
/// The root attributes that say how a run was made, shared by result, comparison and sizing
/// files so that readers find the same names with the same types in each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hdf5.h>

#include "io/result_file.hpp"

namespace rr {

/// Writes seed, n_paths, backend, device, started_utc, created_utc (now) and wall_seconds;
/// @p n_paths and @p wall_seconds as the file counts them (per evaluation, both scenarios).
void write_run_attributes(hid_t file, const ResultMetadata& meta, std::uint64_t n_paths,
                          double wall_seconds);

/// @p lines joined by newlines: how the files list overrides and extends chains.
std::string joined_lines(const std::vector<std::string>& lines);

}  // namespace rr
