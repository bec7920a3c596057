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

/// Allocates @p available tonnes among segments level by level (see AllocationOrder): within
/// a level pro rata to need, nobody getting more than its need.
/// @param need     tonnes each segment wants (entries <= 0 want nothing); each entry is
///                 reduced by what that segment gets, so the caller can serve the rest from
///                 another source without recomputing it
/// @param eligible whether each segment may take this material
/// @param given    receives each segment's share (added to)
/// @return tonnes handed out, never more than @p available
RR_HD_INLINE double allocate(const AllocationOrder& order, double* need, const bool* eligible,
                             double available, double* given) {
  double left = available;
  for (int l = 0; l < order.n_levels && left > 0.0; ++l) {
    const int b = order.level_begin[l], e = order.level_begin[l + 1];
    double total = 0.0;
    for (int k = b; k < e; ++k) {
      const int i = order.segment[k];
      if (eligible[i] && need[i] > 0.0) total += need[i];
    }
    if (total <= 0.0) continue;
    if (total <= left) {  // the whole level is served in full
      for (int k = b; k < e; ++k) {
        const int i = order.segment[k];
        if (eligible[i] && need[i] > 0.0) {
          given[i] += need[i];
          need[i] = 0.0;
        }
      }
      left -= total;
      if (left < 0.0) left = 0.0;
    } else {  // the level shares what is left in proportion to need; nothing remains
      const double share = left / total;  // < 1, so nobody gets more than its need
      for (int k = b; k < e; ++k) {
        const int i = order.segment[k];
        if (eligible[i] && need[i] > 0.0) {
          const double g = need[i] * share;
          given[i] += g;
          need[i] = need[i] - g > 0.0 ? need[i] - g : 0.0;
        }
      }
      left = 0.0;
    }
  }
  return available - left;
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
