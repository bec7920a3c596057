/// @file regimes.hpp
/// China's export-control regime on each path (docs/model.md §6 "Calendar", "Regimes"): the
/// Markov chain stepped at month starts, the scheduled events, and what a new episode draws
/// (its approval share q, its licensing price premium) and sets (which buckets each segment
/// may take from).
#pragma once

#include <cstdint>

#include "reerisk/dist.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"
#include "reerisk/rng.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Index drawn by inverse CDF over @p n weights; rounding residue goes to the last
/// non-zero weight.
template <class Weight>
RR_HD_INLINE std::int32_t pick(double u, int n, Weight weight) {
  double acc = 0.0;
  int last = 0;
  for (int i = 0; i < n; ++i) {
    const double w = weight(i);
    if (w <= 0.0) continue;
    last = i;
    acc += w;
    if (u < acc) return i;
  }
  return last;
}

/// The regime chain's step into month @p month (at its first day, after day 0) for every lane;
/// @p weight, where not null, takes the likelihood ratio of the drawn transition.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void step_chain(const ModelSpec& spec, std::uint64_t seed, LanePaths paths,
                             std::int32_t month, std::int32_t* regime, double* weight) {
  double u[W];
  first_uniform_lanes<W, Simd>(seed, paths, Purpose::kRegimeStep, 0,
                               static_cast<std::uint32_t>(month), u);
  for (int l = 0; l < W; ++l) {
    const RegimeSpec& cur = spec.regimes[regime[l]];
    regime[l] = pick(u[l], spec.n_regimes, [&](int r) { return cur.transition[r]; });
    if (weight) weight[l] *= cur.transition_weight[regime[l]];
  }
}

/// Event @p e on its day for every lane: a lane not yet in its regime jumps with its
/// probability; @p weight, where not null, takes the likelihood ratio of the draw.
template <int W, class Simd = SimdGeneric>
RR_HD_INLINE void apply_event(const ModelSpec& spec, std::uint64_t seed, LanePaths paths, int e,
                              std::int32_t* regime, double* weight) {
  const EventSpec& ev = spec.events[e];
  double u[W];  // bernoulli(p) is u < p for the stream's first uniform, u in (0, 1)
  first_uniform_lanes<W, Simd>(seed, paths, Purpose::kEvent, static_cast<std::uint32_t>(e),
                               0, u);
  for (int l = 0; l < W; ++l) {
    if (regime[l] == ev.to_regime) continue;  // nothing drawn: no weight
    const bool jump = u[l] < ev.probability;
    if (weight) weight[l] *= jump ? ev.weight_if_jump : ev.weight_if_stay;
    if (jump) regime[l] = ev.to_regime;
  }
}

/// Regime at the start of day @p t (§6 "Calendar"): the chain's step at every month start
/// after day 0 (day 0's draw is in init()), then the events dated today; day 0 and every
/// change of state start a new episode with a fresh approval share q.
// A call on the GPU (RR_HD_COLD), as nvcc kept it when it was a PathModel member: it runs only
// on day 0, month starts and event days.
template <class Simd = SimdGeneric, int W, class Cap>
RR_HD_COLD void update_regime(const ModelSpec& spec, std::uint64_t seed, LanePaths paths,
                                std::int32_t t, std::int32_t month, bool month_start,
                                std::int32_t& next_event, PathState<W, Cap>& st) {
  std::int32_t before[W];
  for (int l = 0; l < W; ++l) before[l] = st.regime[l];
  // The weights of these draws were taken at day 0 (weigh_paths).
  if (t > 0 && month_start) {  // day 0's: init()
    step_chain<W, Simd>(spec, seed, paths, month, st.regime, nullptr);
  }
  while (next_event < spec.n_events && spec.events[next_event].day <= t) {
    if (spec.events[next_event].day == t) {
      apply_event<W, Simd>(spec, seed, paths, next_event, st.regime, nullptr);
    }
    ++next_event;
  }
  for (int l = 0; l < W; ++l) {
    if (t == 0 || st.regime[l] != before[l]) {
      const RegimeSpec& reg = spec.regimes[st.regime[l]];
      ++st.episode[l];
      st.approval_share[l] =
          reg.licensing ? sample(reg.approval, seed, paths[l], Purpose::kApprovalShare,
                                 0, st.episode[l])
                        : 1.0;
      for (int m = 0; m < spec.n_materials; ++m) {
        st.price_premium[m][l] =
            reg.licensing ? sample(reg.price_premium[m], seed, paths[l],
                                   Purpose::kPricePremium, m, st.episode[l])
                          : 1.0;
      }
      for (int b = 0; b < kBuckets; ++b) {
        for (int s = 0; s < spec.n_segments; ++s) {
          st.eligible[b][s][l] = spec.eligible[st.regime[l]][b][s] ? 1 : 0;
        }
      }
    }
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
