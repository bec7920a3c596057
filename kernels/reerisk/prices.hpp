/// @file prices.hpp
/// Western prices (docs/model.md §6 "Price"): the monthly price multiplier from the month's
/// demand and supply, and the demand response that follows it with a lag.
#pragma once

#include <cmath>
#include <cstdint>

#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// A demand/supply ratio from which (ratio)^(1/elasticity) exceeds @p cap whatever pow's
/// rounding: (cap (1 + 1e-12))^elasticity. The margin of 1e-12 dwarfs pow's error (under 1 ulp,
/// 1.1e-16, in the threshold and again in the root, the first magnified by 1/elasticity), for
/// elasticity >= 0.01; below that there is no shortcut (infinity).
RR_HD_INLINE double price_saturating_ratio(double elasticity, double cap) {
  return elasticity >= 0.01 ? pow(cap * (1.0 + 1e-12), elasticity) : HUGE_VAL;
}

/// The monthly Western price multiplier of docs/model.md §1/§6:
/// clamp((demand/supply)^(1/elasticity), 1, cap); the cap when supply is 0 and there is
/// demand; 1 when there is no demand (docs/model.md §6: no buyers, no
/// scarcity premium). Months whose clamp is sure not to depend on pow skip it (about 60% in the
/// baseline), with the same result: a ratio <= 1 gives a power <= 1, which the clamp makes 1,
/// and a ratio >= @p saturating_ratio (price_saturating_ratio) one above the cap.
RR_HD_INLINE double price_multiplier(double demand, double supply, double elasticity,
                                     double cap, double saturating_ratio = HUGE_VAL) {
  if (!(demand > 0.0)) return 1.0;
  if (!(supply > 0.0)) return cap;
  const double ratio = demand / supply;
  if (ratio <= 1.0) return 1.0;
  if (ratio >= saturating_ratio) return cap;
  const double x = pow(ratio, 1.0 / elasticity);
  return x < 1.0 ? 1.0 : (x > cap ? cap : x);
}

/// Demand response at the start of month @p month: each responding segment's demand factor
/// max(floor, P^-elasticity) from its material's price multiplier P of response_lag_months
/// earlier (1 before the run's first months). No draws. A material the segment does not use
/// keeps its factor of 1 (only ever multiplied by its demand of 0), and a segment that
/// responds as an earlier one (elasticity, lag and floor) copies that one's factors.
template <int W, class Cap>
RR_HD_INLINE void respond_to_prices(const ModelSpec& spec, std::int32_t month, PathState<W, Cap>& st) {
  for (int s = 0; s < spec.n_segments; ++s) {
    const SegmentSpec& seg = spec.segments[s];
    if (!(seg.response_elasticity > 0.0)) continue;
    int alike = -1;
    for (int r = 0; r < s && alike < 0; ++r) {
      const SegmentSpec& o = spec.segments[r];
      if (o.response_elasticity == seg.response_elasticity &&
          o.response_lag_months == seg.response_lag_months &&
          o.demand_floor_share == seg.demand_floor_share) {
        alike = r;
      }
    }
    const std::int32_t then = month - seg.response_lag_months;
    for (int m = 0; m < spec.n_materials; ++m) {
      if (!(spec.demand_t[m][s] > 0.0)) continue;
      if (alike >= 0 && spec.demand_t[m][alike] > 0.0) {
        for (int l = 0; l < W; ++l) st.demand_scale[m][s][l] = st.demand_scale[m][alike][l];
        continue;
      }
      for (int l = 0; l < W; ++l) {
        const double price = then >= 0 ? st.price_history[then % kMaxResponseLag][m][l] : 1.0;
        const double f = price > 1.0 ? pow(price, -seg.response_elasticity) : 1.0;
        st.demand_scale[m][s][l] = f > seg.demand_floor_share ? f : seg.demand_floor_share;
      }
    }
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
