/// @file progress_bar.hpp
/// A one-line progress bar on stderr: paths done, path-days/s, ETA. Shown only when stderr is
/// a terminal, the user did not ask for --quiet, and the run has taken more than a second.
#pragma once

#include <chrono>
#include <cstdint>

namespace rr {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::int32_t horizon_days);
  ~ProgressBar();
  /// Reports @p done of @p total paths.
  void update(std::uint64_t done, std::uint64_t total);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::int32_t horizon_days_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace rr
