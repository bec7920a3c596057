#include "run/paired_run.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "errors.hpp"
#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

PairedLayout::PairedLayout(const ModelSpec& spec)
    : H(spec.horizon_days), S(spec.n_segments), M(spec.n_materials) {
  const std::uint64_t sm = static_cast<std::uint64_t>(S) * M;
  std::uint64_t at = 0;
  stockout_both = at;     at += sm * (H + 1);
  line_stop_both = at;    at += sm * (H + 1);
  shortfall_diff = at;    at += sm;
  shortfall_diff_sq = at; at += sm * 2;
  size = at;
}

void add_u128(std::uint64_t* into, const std::uint64_t* from) {
  const std::uint64_t lo = into[0] + from[0];
  into[1] += from[1] + (lo < into[0] ? 1 : 0);
  into[0] = lo;
}

namespace {

/// One block's per-path outcomes, [path in block][segment][material].
struct Outcomes {
  std::vector<std::int32_t> first_stockout, first_line_stop;
  std::vector<std::uint64_t> shortfall_kg;
  void resize(std::size_t n) {
    first_stockout.resize(n);
    first_line_stop.resize(n);
    shortfall_kg.resize(n);
  }
};

/// Copies each finished path's outcomes into its row of an Outcomes block.
struct OutcomeRecorder {
  int S = 0, M = 0;
  std::uint64_t begin = 0;  ///< the block's first path
  Outcomes* out = nullptr;

  template <class State>
  void path_end(int l, std::uint64_t path, const State& st) const {
    for (int s = 0; s < S; ++s) {
      for (int m = 0; m < M; ++m) {
        const std::size_t i = ((path - begin) * S + s) * M + m;
        out->first_stockout[i] = st.first_stockout[m][s][l];
        out->first_line_stop[i] = st.first_line_stop[m][s][l];
        out->shortfall_kg[i] = to_sum_units(st.shortfall[m][s][l]);
      }
    }
  }
};

/// Paths [begin, end) of one scenario into @p tally and @p out, in the copy of the model the
/// CPU backend's runs use.
void simulate_block(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                    std::uint64_t* tally, std::uint64_t seed, std::uint64_t begin,
                    std::uint64_t end, Outcomes* out, SharedDemandFactors demand) {
  const OutcomeRecorder rec{spec.n_segments, spec.n_materials, begin, out};
  PathEndHook hook = PathEndHook::calling(rec);
  hook.demand = demand;
  run_path_range_cpu(isa, spec, layout, tally, seed, begin, end, hook);
}

/// Whether @p a and @p b draw the same daily demand factors for every path: the same noise
/// for every segment (the streams are keyed by seed, path and day only).
bool same_demand_noise(const ModelSpec& a, const ModelSpec& b) {
  if (a.any_demand_noise != b.any_demand_noise) return false;
  for (int s = 0; s < a.n_segments; ++s) {
    if (float_bits(a.demand_sigma[s]) != float_bits(b.demand_sigma[s]) ||
        float_bits(a.demand_drift[s]) != float_bits(b.demand_drift[s])) {
      return false;
    }
  }
  return true;
}

/// Adds a block's paired outcomes to the joint counters.
void tally_pairs(const PairedLayout& P, std::uint64_t n, const Outcomes& a, const Outcomes& b,
                 std::uint64_t* joint) {
  const std::uint64_t H1 = static_cast<std::uint64_t>(P.H) + 1;
  for (std::uint64_t k = 0; k < n; ++k) {
    for (int s = 0; s < P.S; ++s) {
      for (int m = 0; m < P.M; ++m) {
        const std::uint64_t sm = P.sm(s, m);
        const std::size_t i = (k * P.S + s) * P.M + m;
        joint[P.stockout_both + sm * H1 + std::max(a.first_stockout[i], b.first_stockout[i])] += 1;
        joint[P.line_stop_both + sm * H1 + std::max(a.first_line_stop[i], b.first_line_stop[i])] += 1;
        // Signed kg difference, summed modulo 2^64 (exact: the total fits in int64).
        const std::uint64_t d = b.shortfall_kg[i] - a.shortfall_kg[i];
        joint[P.shortfall_diff + sm] += d;
        const std::int64_t ds = static_cast<std::int64_t>(d);
        const unsigned __int128 sq = static_cast<unsigned __int128>(
            static_cast<__int128>(ds) * static_cast<__int128>(ds));
        const std::uint64_t words[2] = {static_cast<std::uint64_t>(sq),
                                        static_cast<std::uint64_t>(sq >> 64)};
        add_u128(&joint[P.shortfall_diff_sq + 2 * sm], words);
      }
    }
  }
}

}  // namespace

PairedResult run_paired(const ModelSpec& a, const ModelSpec& b, const RunOptions& options) {
  if (a.n_segments != b.n_segments || a.n_materials != b.n_materials ||
      a.horizon_days != b.horizon_days) {
    throw std::logic_error("run_paired: the scenarios' dimensions differ");
  }
  const TallyLayout la(a), lb(b);
  const PairedLayout lp(a);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const std::uint64_t batch = options.batch > 0 ? options.batch : 16384;
  std::vector<std::uint64_t> slots_a(la.size * threads, 0), slots_b(lb.size * threads, 0),
      slots_j(lp.size * threads, 0);
  const CpuIsa isa = cpu_isa_active();  // may throw: outside the parallel region
  const bool share_demand = same_demand_noise(a, b);
  const auto t0 = std::chrono::steady_clock::now();
  const auto stopped = [&] { return options.stop_signal && options.stop_signal->load() != 0; };
  std::uint64_t done = 0;
  while (done < options.n_paths) {
    if (stopped()) throw Interrupted(options.stop_signal->load());
    const std::uint64_t first = options.first_path + done;
    const std::uint64_t n = std::min(batch, options.n_paths - done);
    const std::uint64_t blocks = (n + kPathLanes - 1) / kPathLanes;
#pragma omp parallel num_threads(threads)
    {
      const std::uint64_t slot = static_cast<std::uint64_t>(omp_get_thread_num());
      Outcomes oa, ob;
      const std::size_t cells = static_cast<std::size_t>(kPathLanes) * a.n_segments * a.n_materials;
      oa.resize(cells);
      ob.resize(cells);
      // A whole block's demand factors, drawn under A and replayed under B (about 15% of a
      // run's work) when the two scenarios' demand noise is the same.
      std::vector<float> demand(share_demand ? static_cast<std::size_t>(a.horizon_days) *
                                                   a.n_segments * kPathLanes
                                             : 0);
      const SharedDemandFactors write{demand.data(), false}, replay{demand.data(), true};
#pragma omp for schedule(dynamic, 1)
      for (std::uint64_t block = 0; block < blocks; ++block) {
        if (stopped()) continue;
        const std::uint64_t begin = first + block * kPathLanes;
        const std::uint64_t end = std::min(begin + kPathLanes, first + n);
        // A block of fewer paths runs in blocks of 8 and single paths, which PathEndHook
        // leaves to draw their own factors.
        simulate_block(isa, a, la, &slots_a[slot * la.size], options.seed, begin, end, &oa,
                       share_demand ? write : SharedDemandFactors{});
        simulate_block(isa, b, lb, &slots_b[slot * lb.size], options.seed, begin, end, &ob,
                       share_demand ? replay : SharedDemandFactors{});
        tally_pairs(lp, end - begin, oa, ob, &slots_j[slot * lp.size]);
      }
    }
    if (stopped()) throw Interrupted(options.stop_signal->load());  // a cut batch is dropped
    done += n;
    if (options.progress) options.progress(done, options.n_paths);
  }
  PairedResult r;
  r.tally_a.assign(la.size, 0);
  r.tally_b.assign(lb.size, 0);
  r.joint.assign(lp.size, 0);
  for (int t = 0; t < threads; ++t) {
    for (std::uint64_t i = 0; i < la.size; ++i) r.tally_a[i] += slots_a[t * la.size + i];
    for (std::uint64_t i = 0; i < lb.size; ++i) r.tally_b[i] += slots_b[t * lb.size + i];
    for (std::uint64_t i = 0; i < lp.shortfall_diff_sq; ++i) r.joint[i] += slots_j[t * lp.size + i];
    for (std::uint64_t i = lp.shortfall_diff_sq; i < lp.size; i += 2) {
      add_u128(&r.joint[i], &slots_j[t * lp.size + i]);
    }
  }
  r.n_paths = done;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.path_days_per_second =
      r.wall_seconds > 0 ? 2.0 * static_cast<double>(done) * a.horizon_days / r.wall_seconds : 0;
  check_transit_overflow(r.tally_a[la.overflow] + r.tally_b[lb.overflow]);
  return r;
}

}  // namespace rr
