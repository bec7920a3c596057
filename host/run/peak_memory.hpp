/// @file peak_memory.hpp
/// How much memory a run took at its peak, for the summary line and the result file.
#pragma once

#include <cstdint>

namespace rr {

/// The most resident memory this process has held so far (getrusage's ru_maxrss), in bytes;
/// 0 where the system does not say.
std::uint64_t peak_host_bytes();

}  // namespace rr
