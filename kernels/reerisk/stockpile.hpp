/// @file stockpile.hpp
/// The strategic stockpile's day (docs/model.md §6): releases to participants below their
/// trigger cover, at most the daily cap, shared by the allocation order; then the refill from
/// the non-China and China pools up to the ceiling.
#pragma once

#include <cstdint>

#include "reerisk/allocation.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Strategic stockpile for material @p m: release to participants below their trigger
/// cover (at most the daily cap), then refill from the non-China and China pools.
template <int W, class Cap>
RR_HD_INLINE void release_and_refill_stockpile(const ModelSpec& spec, int m, PathState<W, Cap>& st) {
  const int S = spec.n_segments;
  double* inventory = &st.inventory[m][0][0];
  double* stock = st.stockpile[m];
  const double max_release = spec.stockpile_max_release_t_per_day[m];
  double cap[W];
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) cap[l] = max_release > stock[l] ? stock[l] : max_release;
  // Participants below their trigger cover ask for the gap (need 0 for the others and where
  // there is nothing to release, which allocates nothing).
  double need[Cap::kSegments * W];
  const double* trigger = spec.release_trigger_t[m];  // 0 for non-participants
  LaneMask asking = 0;
  for (int s = 0; s < S; ++s) {
    const double trigger_s = trigger[s];
    // A zero trigger (a gap never above 0) leaves the segment out (release_eligibility).
    if (!(trigger_s > 0.0)) continue;
    RR_SIMD_LANES_ANY(asking)
    for (int l = 0; l < W; ++l) {
      const double gap = trigger_s - inventory[s * W + l];
      need[s * W + l] = gap > 0.0 ? gap : 0.0;
      asking |= (cap[l] > 0.0) & (gap > 0.0);
    }
  }
  if (asking) {
    double available[W], released[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) available[l] = cap[l] > 0.0 ? cap[l] : 0.0;
    allocate_lanes<W>(spec.allocation_order, spec.release_eligibility[m],
                      &st.eligible[kNonChina][0][0], need, available, inventory, released);
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      stock[l] = stock[l] - released[l] > 0.0 ? stock[l] - released[l] : 0.0;
    }
    st.stockpile_has_room[m] = 1;
  }
  // With every lane full the refill takes 0 everywhere (x - 0 and x + 0 are x), so it is
  // skipped: the vault is full on most days of most blocks.
  if (spec.stockpile_refill && st.stockpile_has_room[m]) {
    // A lane with no room before the non-China take has none after it either (it took 0),
    // so each bucket's test of the room is the whole condition.
    const double ceiling = st.stockpile_ceiling[m];
    LaneMask room_left = 0;
    for (int b = kNonChina; b >= kChinaLegal; --b) {
      double* pool = st.pool[b][m];
      room_left = 0;  // the last (China-legal) pass leaves the day's stocks
      RR_SIMD_LANES_ANY(room_left)
      for (int l = 0; l < W; ++l) {
        const double room = ceiling - stock[l];
        const double take = room > 0.0 ? (pool[l] < room ? pool[l] : room) : 0.0;
        pool[l] -= take;
        stock[l] += take;
        room_left |= stock[l] < ceiling;
      }
    }
    st.stockpile_has_room[m] = room_left != 0;
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
