/// @file compare_file.hpp
/// The HDF5 file `reerisk compare -o` writes (layout: docs/output-format.md, "Comparison
/// files"), atomically.
#pragma once

#include <atomic>
#include <string>

#include "io/result_file.hpp"
#include "stats/comparison.hpp"

namespace rr {

constexpr const char* kCompareFiletype = "reerisk-compare";
constexpr int kCompareFormatVersion = 2;

void write_compare_file(const std::string& path, const Scenario& a, const Scenario& b,
                        const Comparison& c, const ResultMetadata& meta, bool force,
                        const std::atomic<int>* stop_signal);

}  // namespace rr
