/// @file allocation.hpp
/// Sharing a quantity among segments by need (docs/model.md §6 "Pool and allocation").
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/model_spec.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Builds the serving order for @p rule over segments with the given priorities (ascending
/// priority number; equal numbers share a level; ties keep segment order).
RR_HD_INLINE AllocationOrder make_allocation_order(Allocation rule, const std::int32_t* priority,
                                                  int n) {
  AllocationOrder o;
  for (int i = 0; i < n; ++i) o.segment[i] = i;
  if (rule == Allocation::kPriority) {  // insertion sort: stable, n <= kMaxSegments
    for (int i = 1; i < n; ++i) {
      const std::int32_t x = o.segment[i];
      int j = i - 1;
      while (j >= 0 && priority[o.segment[j]] > priority[x]) {
        o.segment[j + 1] = o.segment[j];
        --j;
      }
      o.segment[j + 1] = x;
    }
  }
  o.n_levels = 0;
  for (int i = 0; i < n; ++i) {
    const bool new_level = i == 0 || (rule == Allocation::kPriority &&
                                      priority[o.segment[i]] != priority[o.segment[i - 1]]);
    if (new_level) o.level_begin[o.n_levels++] = i;
  }
  o.level_begin[o.n_levels] = n;
  return o;
}

/// Allocates tonnes among segments level by level (see AllocationOrder), for W paths at once
/// ("lanes"): in each lane, within a level pro rata to need, nobody getting more than its need.
/// Arrays of per-segment values are [segment][lane] (element i * W + l). Every lane does the
/// arithmetic a one-lane call would do, in the same order, so a lane's result does not depend
/// on W; the lanes run without branches, so the CPU compiler keeps them in SIMD registers.
/// @param eligibility per segment: never, always, or by regime (then @p eligible says, per lane)
/// @param eligible    [segment][lane] 0 or 1 (any integer type), read only for kEligibleByRegime segments
/// @param need        tonnes each segment wants (>= 0); each entry is reduced by what that
///                    segment gets, so the caller can serve the rest from another source
///                    without recomputing it
/// @param available   tonnes to share, per lane (nothing where it is not > 0)
/// @param given       receives each segment's share (added to)
/// @param handed      receives the tonnes handed out per lane, never more than available
template <int W, class Flag>
RR_HD_INLINE void allocate_lanes(const AllocationOrder& order, const std::int8_t* eligibility,
                                 const Flag* eligible, double* need,
                                 const double* available, double* given, double* handed) {
  double left[W];  // >= 0, which the shares below rely on; handed holds the start until the end
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) handed[l] = left[l] = available[l] > 0.0 ? available[l] : 0.0;
  // Every level is visited: a lane with nothing left is inactive there. (Stopping once no
  // lane has anything left costs a reduction across the lanes per level, which measured
  // dearer than the levels it saves.)
  for (int lv = 0; lv < order.n_levels; ++lv) {
    const int b = order.level_begin[lv], e = order.level_begin[lv + 1];
    // The level's takers: a lone one needs no total (below); with more, each gets need x f.
    int takers = 0, taker = -1;
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      if (eligibility[i] == kNeverEligible) continue;
      ++takers;
      taker = i;
    }
    if (takers == 0) continue;
    if (takers == 1) {
      // One taker gets its need, or all that is left: min(need, left) exactly, with no
      // division (need x (left / need) could miss left by an ulp).
      double* n = need + taker * W;
      double* got = given + taker * W;
      if (eligibility[taker] == kAlwaysEligible) {
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          const double g = n[l] <= left[l] ? n[l] : left[l];
          got[l] += g;
          n[l] -= g;
          left[l] -= g;
        }
      } else {
        const Flag* ok = eligible + taker * W;
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          const double g = ok[l] ? (n[l] <= left[l] ? n[l] : left[l]) : 0.0;
          got[l] += g;
          n[l] -= g;
          left[l] -= g;
        }
      }
      continue;
    }
    // The level's total need per lane; the first taker's need is the start (0 + need == need
    // for the non-negative needs here, so this is the sum from zero).
    double total[W];
    bool first = true;
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      if (eligibility[i] == kNeverEligible) continue;
      const double* n = need + i * W;
      if (eligibility[i] == kAlwaysEligible) {
        if (first) {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) total[l] = n[l];
        } else {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) total[l] += n[l];
        }
      } else {
        const Flag* ok = eligible + i * W;
        if (first) {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) total[l] = ok[l] ? n[l] : 0.0;
        } else {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) total[l] += ok[l] ? n[l] : 0.0;
        }
      }
      first = false;
    }
    // Each taker gets need x f: f = 1 when the level is served in full (need x 1 == need
    // exactly), left / total when it shares what is left in proportion to need (< 1, so
    // nobody gets more than its need, and nothing remains). The two edge cases need no test
    // of their own: with nothing to share (left 0, total > 0) the share is 0 / total = 0, and a
    // level that needs nothing (total 0 <= left) is served in full, each of its zero needs
    // times 1. What is left after the level follows from the totals alone; left - total >= 0
    // exactly when total <= left.
    double f[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      const bool full = total[l] <= left[l];
      f[l] = full ? 1.0 : left[l] / (full ? 1.0 : total[l]);  // total > left >= 0 in the division
      left[l] = full ? left[l] - total[l] : 0.0;
    }
    // need x f <= need for f <= 1, so what is still wanted stays >= 0 without a clamp.
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      if (eligibility[i] == kNeverEligible) continue;
      double* n = need + i * W;
      double* got = given + i * W;
      if (eligibility[i] == kAlwaysEligible) {
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          const double g = n[l] * f[l];
          got[l] += g;
          n[l] -= g;
        }
      } else {
        const Flag* ok = eligible + i * W;
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          const double g = ok[l] ? n[l] * f[l] : 0.0;
          got[l] += g;
          n[l] -= g;
        }
      }
    }
  }
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) handed[l] -= left[l];
}

/// allocate_lanes for one path whose eligibility does not depend on the regime.
/// @return tonnes handed out, never more than @p available
RR_HD_INLINE double allocate(const AllocationOrder& order, double* need, const bool* eligible,
                             double available, double* given) {
  std::int8_t eligibility[kMaxSegments];
  for (int k = 0; k < order.level_begin[order.n_levels]; ++k) {
    const int i = order.segment[k];
    eligibility[i] = eligible[i] ? kAlwaysEligible : kNeverEligible;
  }
  double handed;
  allocate_lanes<1, std::int32_t>(order, eligibility, nullptr, need, &available, given, &handed);
  return handed;
}

RR_KERNEL_CODE_END
}  // namespace rr
