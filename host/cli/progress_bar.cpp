#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace rr {

ProgressBar::ProgressBar(bool enabled, std::int32_t horizon_days)
    : enabled_(enabled && isatty(STDERR_FILENO)),
      horizon_days_(horizon_days),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\n", stderr);
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_ || total == 0) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < 1.0) return;
  const double frac = static_cast<double>(done) / static_cast<double>(total);
  const double rate = static_cast<double>(done) * horizon_days_ / elapsed;
  const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
  char bar[31];
  const int filled = static_cast<int>(frac * 30);
  for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  std::fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu paths  %.3g path-days/s  ETA %.0f s   ", bar,
               100 * frac, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), rate, eta);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace rr
