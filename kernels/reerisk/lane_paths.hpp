/// @file lane_paths.hpp
/// Which path each of a model's W lanes simulates: W consecutive paths from a first one (every
/// run, sweep, shard and comparison), or any W paths from a list (`reerisk size` re-runs only
/// the paths whose outcome at a new stockpile size is not yet known, run/stockpile_search.hpp).
///
/// Every draw is keyed by its lane's path index (rng.hpp), so a path gives the same bits in
/// whichever block and lane it is simulated.
#pragma once

#include <cstdint>

#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

struct LanePaths {
  std::uint64_t first = 0;               ///< lane l's path is first + l, unless a list is given
  const std::uint64_t* list = nullptr;   ///< lane l's path is list[l]

  /// Consecutive paths from @p first_path: implicit, so that a path index reads as the block
  /// that starts there (`model.run(0)`, `philox_lanes<8>(seed, 16, ...)`).
  RR_HD LanePaths(std::uint64_t first_path = 0) : first(first_path) {}  // NOLINT(google-explicit-constructor)
  /// Lane l simulates path @p paths[l]; the list must outlive the calls that read it.
  RR_HD static LanePaths of(const std::uint64_t* paths) {
    LanePaths p;
    p.list = paths;
    return p;
  }
  /// The paths from the @p i-th on (the next block's lanes).
  RR_HD LanePaths from(std::uint64_t i) const {
    LanePaths p(first + i);
    p.list = list ? list + i : nullptr;
    return p;
  }
  RR_HD std::uint64_t operator[](int lane) const {
    return list ? list[lane] : first + static_cast<std::uint64_t>(lane);
  }
};

RR_KERNEL_CODE_END
}  // namespace rr
