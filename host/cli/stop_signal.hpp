/// @file stop_signal.hpp
/// SIGINT/SIGTERM turned into a flag the engine polls, for the scope of a command.
#pragma once

#include <atomic>

namespace rr {

/// The flag: 0, or the number of the signal that asked the command to stop.
extern std::atomic<int> g_stop_signal;

/// Routes SIGINT/SIGTERM to g_stop_signal while it lives (the CPU engine polls it before
/// every block of paths; a GPU batch finishes first) and restores the old handlers after.
class StopSignalScope {
 public:
  StopSignalScope();
  ~StopSignalScope();
  StopSignalScope(const StopSignalScope&) = delete;
  StopSignalScope& operator=(const StopSignalScope&) = delete;

 private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};

}  // namespace rr
