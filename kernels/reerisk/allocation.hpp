/// @file allocation.hpp
/// Sharing a quantity among segments by need (MODEL.md §6 "Pool and allocation").
#pragma once

#include <cstdint>

#include "reerisk/model_spec.hpp"

namespace rr {

/// Shares @p available tonnes among the eligible entries of @p need in proportion to need,
/// never giving anyone more than its need. Adds each share to @p given.
/// @param only_priority when >= 0, only entries with this priority take part.
/// @return the tonnes handed out (<= available).
RR_HD_INLINE double share_pro_rata(const double* need, const bool* eligible,
                                   const std::int32_t* priority, int n, int only_priority,
                                   bool use_priority, double available, double* given) {
  double total = 0.0;
  for (int i = 0; i < n; ++i) {
    if (eligible[i] && need[i] > 0.0 && (!use_priority || priority[i] == only_priority)) {
      total += need[i];
    }
  }
  if (total <= 0.0 || available <= 0.0) return 0.0;
  const bool enough = total <= available;
  double handed = 0.0;
  for (int i = 0; i < n; ++i) {
    if (eligible[i] && need[i] > 0.0 && (!use_priority || priority[i] == only_priority)) {
      const double g = enough ? need[i] : available * (need[i] / total);
      given[i] += g;
      handed += g;
    }
  }
  return handed < available ? handed : available;
}

/// Allocates @p available tonnes among @p n segments by the run's rule: pro rata to need
/// among all eligible segments, or by ascending priority number, pro rata within a level.
/// @param need     tonnes each segment wants (entries <= 0 want nothing)
/// @param eligible whether each segment may take this material
/// @param given    receives each segment's share (added to)
/// @return tonnes handed out, never more than @p available
RR_HD_INLINE double allocate(Allocation rule, const double* need, const bool* eligible,
                             const std::int32_t* priority, int n, double available,
                             double* given) {
  if (rule == Allocation::kProRata) {
    return share_pro_rata(need, eligible, priority, n, 0, false, available, given);
  }
  double handed = 0.0;
  bool first = true;
  std::int32_t level = 0;
  for (;;) {
    // Next priority level above the last one served, among segments that still need.
    bool found = false;
    std::int32_t next = 0;
    for (int i = 0; i < n; ++i) {
      if (!eligible[i] || need[i] <= 0.0) continue;
      if (!first && priority[i] <= level) continue;
      if (!found || priority[i] < next) {
        next = priority[i];
        found = true;
      }
    }
    if (!found || available - handed <= 0.0) break;
    handed += share_pro_rata(need, eligible, priority, n, next, true, available - handed, given);
    level = next;
    first = false;
  }
  return handed < available ? handed : available;
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

}  // namespace rr
