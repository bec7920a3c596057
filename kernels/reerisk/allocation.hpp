/// @file allocation.hpp
/// Sharing a quantity among segments by need (MODEL.md §6 "Pool and allocation").
#pragma once

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
/// @param need      tonnes each segment wants (entries <= 0 want nothing); each entry is
///                  reduced by what that segment gets, so the caller can serve the rest from
///                  another source without recomputing it
/// @param eligible  whether each segment may take this material (0 or 1)
/// @param available tonnes to share, per lane
/// @param given     receives each segment's share (added to)
/// @param handed    receives the tonnes handed out per lane, never more than available
template <int W>
RR_HD_INLINE void allocate_lanes(const AllocationOrder& order, double* need,
                                 const std::int32_t* eligible,
                                 const double* available, double* given, double* handed) {
  double left[W];
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) left[l] = available[l];
  for (int lv = 0; lv < order.n_levels; ++lv) {
    int any_left = 0;
    RR_SIMD_LANES_ANY(any_left)
    for (int l = 0; l < W; ++l) any_left |= left[l] > 0.0;
    if (!any_left) break;
    const int b = order.level_begin[lv], e = order.level_begin[lv + 1];
    double total[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) total[l] = 0.0;
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        const double n = need[i * W + l];
        total[l] += eligible[i * W + l] & (n > 0.0) ? n : 0.0;
      }
    }
    // full: the whole level is served in full; part: it shares what is left in proportion
    // to need (share < 1, so nobody gets more than its need) and nothing remains.
    std::int32_t full[W], part[W];
    double share[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      const std::int32_t active = (left[l] > 0.0) & (total[l] > 0.0);
      full[l] = active & (total[l] <= left[l]);
      part[l] = active & !(total[l] <= left[l]);
      share[l] = left[l] / (total[l] > 0.0 ? total[l] : 1.0);
    }
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        const double n = need[i * W + l];
        const std::int32_t takes = eligible[i * W + l] & (n > 0.0);
        const double g = full[l] ? n : n * share[l];
        given[i * W + l] += takes & (full[l] | part[l]) ? g : 0.0;
        const double rest = n - g > 0.0 ? n - g : 0.0;
        need[i * W + l] = takes & full[l] ? 0.0 : (takes & part[l] ? rest : n);
      }
    }
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      const double after = left[l] - total[l] < 0.0 ? 0.0 : left[l] - total[l];
      left[l] = full[l] ? after : (part[l] ? 0.0 : left[l]);
    }
  }
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) handed[l] = available[l] - left[l];
}

/// allocate_lanes for one path: shares @p available among the segments by need.
/// @return tonnes handed out, never more than @p available
RR_HD_INLINE double allocate(const AllocationOrder& order, double* need, const bool* eligible,
                             double available, double* given) {
  std::int32_t flags[kMaxSegments];
  for (int k = 0; k < order.level_begin[order.n_levels]; ++k) {
    flags[order.segment[k]] = eligible[order.segment[k]] ? 1 : 0;
  }
  double handed;
  allocate_lanes<1>(order, need, flags, &available, given, &handed);
  return handed;
}

/// The monthly Western price multiplier of MODEL.md §1/§6:
/// clamp((demand/supply)^(1/elasticity), 1, cap); the cap when supply is 0 and there is
/// demand; 1 when there is no demand (a choice where MODEL.md is silent: no buyers, no
/// scarcity premium).
RR_HD_INLINE double price_multiplier(double demand, double supply, double elasticity,
                                     double cap) {
  if (!(demand > 0.0)) return 1.0;
  if (!(supply > 0.0)) return cap;
  const double x = pow(demand / supply, 1.0 / elasticity);
  return x < 1.0 ? 1.0 : (x > cap ? cap : x);
}

RR_KERNEL_CODE_END
}  // namespace rr
