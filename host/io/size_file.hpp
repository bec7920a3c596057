/// @file size_file.hpp
/// The HDF5 file `reerisk size -o` writes (layout: docs/output-format.md, "Sizing files").
#pragma once

#include <atomic>
#include <string>

#include "io/result_file.hpp"
#include "run/stockpile_search.hpp"

namespace rr {

constexpr const char* kSizeFiletype = "reerisk-size";
constexpr int kSizeFormatVersion = 1;

void write_size_file(const std::string& path, const Scenario& sc, const SizeRequest& request,
                     const SizeResult& r, const ResultMetadata& meta, bool force,
                     const std::atomic<int>* stop_signal);

}  // namespace rr
