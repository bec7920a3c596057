#include "stop_signal.hpp"

#include <csignal>

namespace rr {

std::atomic<int> g_stop_signal{0};

namespace {
extern "C" void on_stop_signal(int sig) { g_stop_signal.store(sig); }
}  // namespace

StopSignalScope::StopSignalScope() {
  g_stop_signal.store(0);
  old_int_ = std::signal(SIGINT, on_stop_signal);
  old_term_ = std::signal(SIGTERM, on_stop_signal);
}

StopSignalScope::~StopSignalScope() {
  std::signal(SIGINT, old_int_);
  std::signal(SIGTERM, old_term_);
}

}  // namespace rr
