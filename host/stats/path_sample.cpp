#include "stats/path_sample.hpp"

#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {
namespace {

/// Copies a finished path's drawn parameters and outcomes into its row of the sample.
/// (State is PathState<kPathLanes>, or PathState<1> for the paths after the last whole block.)
struct SampleRecorder {
  const ModelSpec* spec;
  PathSample* out;

  template <class State>
  void path_end(int l, std::uint64_t path, const State& st) const {
    const int M = spec->n_materials, S = spec->n_segments, P = spec->n_plants, R = spec->n_regimes;
    PathSample& o = *out;
    o.initial_regime[path] = st.initial_regime[l];
    o.weight[path] = st.weight[l];
    o.regime_episodes[path] = st.episode[l];
    for (int r = 0; r < R; ++r) o.months_in_regime[path * R + r] = st.months_in_regime[r][l];
    o.leakage[path] = st.leakage[l];
    o.interdiction[path] = st.interdiction[l];
    for (int s = 0; s < S; ++s) o.cover_days[path * S + s] = st.cover_days[s][l];
    for (int p = 0; p < P; ++p) {
      o.plant_start_day[path * P + p] = static_cast<std::int32_t>(st.plant_start[p][l]);
      o.plant_ramp_days[path * P + p] = st.plant_ramp_days[p][l];
      o.plant_cancelled[path * P + p] = st.plant_cancelled(p, l) ? 1 : 0;
    }
    for (int s = 0; s < S; ++s) {
      for (int m = 0; m < M; ++m) {
        const std::uint64_t i = (path * S + s) * M + m;
        o.first_stockout_day[i] = st.first_stockout[m][s][l];
        o.stockout_days[i] = st.stockout_days[m][s][l];
        o.shortfall_t[i] = st.shortfall[m][s][l];
      }
    }
    for (int m = 0; m < M; ++m) {
      o.smuggled_t[path * M + m] = st.smuggled[m][l];
      o.seized_t[path * M + m] = st.seized[m][l];
    }
  }
};

/// Paths [begin, end) into the sample, in the copy of the model the CPU backend's runs use.
void sample_range(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                  std::uint64_t* scratch, std::uint64_t seed, std::uint64_t begin,
                  std::uint64_t end, PathSample* out) {
  const SampleRecorder recorder{&spec, out};
  run_path_range_cpu(isa, spec, layout, scratch, seed, begin, end,
                     PathEndHook::calling(recorder));
}

}  // namespace

PathSample sample_paths(const ModelSpec& spec, std::uint64_t seed, std::uint64_t n) {
  const std::uint64_t M = spec.n_materials, S = spec.n_segments, P = spec.n_plants,
                      R = spec.n_regimes;
  PathSample o;
  o.n = n;
  o.initial_regime.resize(n);
  o.regime_episodes.resize(n);
  o.months_in_regime.resize(n * R);
  o.leakage.resize(n);
  o.interdiction.resize(n);
  o.cover_days.resize(n * S);
  o.weight.resize(n);
  o.plant_start_day.resize(n * P);
  o.plant_ramp_days.resize(n * P);
  o.plant_cancelled.resize(n * P);
  o.first_stockout_day.resize(n * S * M);
  o.stockout_days.resize(n * S * M);
  o.shortfall_t.resize(n * S * M);
  o.smuggled_t.resize(n * M);
  o.seized_t.resize(n * M);
  const TallyLayout layout(spec);
  // Blocks of kPathLanes paths, shared out among the threads; the sample's tally is not used.
  const std::uint64_t blocks = (n + kPathLanes - 1) / kPathLanes;
  std::vector<std::uint64_t> scratch(layout.size);
  const CpuIsa isa = cpu_isa_active();  // may throw: outside the parallel region
#pragma omp parallel for schedule(static) firstprivate(scratch)
  for (std::uint64_t b = 0; b < blocks; ++b) {
    const std::uint64_t begin = b * kPathLanes;
    const std::uint64_t end = begin + kPathLanes < n ? begin + kPathLanes : n;
    sample_range(isa, spec, layout, scratch.data(), seed, begin, end, &o);
  }
  return o;
}

}  // namespace rr
