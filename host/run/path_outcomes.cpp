#include "run/path_outcomes.hpp"

#include <omp.h>

#include <algorithm>

#include "errors.hpp"
#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"
#include "reerisk/tally_layout.hpp"
#include "run/engine.hpp"

namespace rr {
namespace {

/// Copies a finished path's first stockout days into the row of its place in the list (the
/// list is sorted, so a binary search finds it: one per path, next to a horizon of days).
struct FirstStockoutRecorder {
  int S = 0, M = 0;
  const std::uint64_t* list = nullptr;
  std::uint64_t n = 0;
  std::int32_t* out = nullptr;

  template <class State>
  void path_end(int l, std::uint64_t path, const State& st) const {
    const std::uint64_t i = static_cast<std::uint64_t>(std::lower_bound(list, list + n, path) - list);
    for (int s = 0; s < S; ++s) {
      for (int m = 0; m < M; ++m) out[(i * S + s) * M + m] = st.first_stockout[m][s][l];
    }
  }
};

}  // namespace

std::vector<std::int32_t> first_stockouts_of_paths(const ModelSpec& spec, std::uint64_t seed,
                                                   const std::vector<std::uint64_t>& paths,
                                                   int threads, const std::atomic<int>* stop) {
  const int S = spec.n_segments, M = spec.n_materials;
  const std::uint64_t n = paths.size();
  std::vector<std::int32_t> out(n * S * M, spec.horizon_days);
  if (n == 0) return out;
  const TallyLayout layout(spec);
  const int nthreads = threads > 0 ? threads : omp_get_max_threads();
  const CpuIsa isa = cpu_isa_active();  // may throw: outside the parallel region
  const FirstStockoutRecorder rec{S, M, paths.data(), n, out.data()};
  const PathEndHook hook = PathEndHook::calling(rec);
  // Blocks of the list shared out among the threads; the tallies serve only the overflow count.
  const std::uint64_t block = kPathLanes;
  const std::uint64_t blocks = (n + block - 1) / block;
  std::vector<std::uint64_t> tallies(layout.size * nthreads, 0);
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
  for (std::uint64_t b = 0; b < blocks; ++b) {
    const std::uint64_t at = b * block;
    const std::uint64_t k = std::min(block, n - at);
    std::uint64_t* tally = &tallies[static_cast<std::uint64_t>(omp_get_thread_num()) * layout.size];
    run_path_list_cpu(isa, spec, layout, tally, seed, paths.data() + at, k, hook, stop);
  }
  if (stop && stop->load() != 0) throw Interrupted(stop->load());
  std::uint64_t overflow = 0;
  for (int t = 0; t < nthreads; ++t) overflow += tallies[t * layout.size + layout.overflow];
  check_transit_overflow(overflow);
  return out;
}

}  // namespace rr
