/// @file plants.hpp
/// Separation plants outside China (docs/model.md §6 "Plants"): each day's output fraction of
/// every plant (start, ramp, first-year cap, outages, cancellation) and the output of one
/// material, offtake first.
#pragma once

#include <cstdint>

#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Ramp-and-cap output fraction of a plant @p age_days (a whole number) after its start
/// (docs/model.md §6): linear from 0 to 1 over @p ramp_days, evaluated at the end of the day
/// (so the start day delivers 1/ramp_days), 1 at once for a zero ramp, capped at
/// @p first_year_cap for the first 365 days. 0 before the start. Written as selects, so it
/// vectorises over lanes.
RR_HD_INLINE double plant_output_fraction(double age_days, double ramp_days, double first_year_cap) {
  const double ramped = (age_days + 1.0) / (ramp_days > 0.0 ? ramp_days : 1.0);
  double f = ramp_days > 0.0 ? (ramped > 1.0 ? 1.0 : ramped) : 1.0;
  f = age_days < 365.0 && f > first_year_cap ? first_year_cap : f;
  return age_days < 0.0 ? 0.0 : f;
}

/// Fills @p fraction[p][lane] with plant p's output fraction on day @p t: 0 when it is
/// cancelled, not started or in an outage, and adds it to the plant's days at nameplate this
/// quarter (PathState::plant_quarter_days). Not computed for a plant before plant_first_day,
/// where no lane reads it (and its output is 0).
template <int W, class Cap>
RR_HD_INLINE void plant_fractions_today(const ModelSpec& spec, std::int32_t t,
                                        PathState<W, Cap>& st, double (*fraction)[W]) {
  const double day = t;
  for (int p = 0; p < spec.n_plants; ++p) {
    if (t < st.plant_first_day[p]) continue;
    const double cap = spec.plants[p].first_year_cap;
    const bool ramped = t >= st.plant_ramped_day[p];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      const double age = day - st.plant_start[p][l];
      const double f = ramped ? (age < 365.0 && 1.0 > cap ? cap : 1.0)
                              : plant_output_fraction(age, st.plant_ramp_days[p][l], cap);
      fraction[p][l] = day >= st.plant_run_from[p][l] ? f : 0.0;
      st.plant_quarter_days[p][l] += fraction[p][l];
    }
  }
}

/// What a plant's offtakers left of its output (@p rest, none when they took it all) goes to
/// the non-China bucket and the month's supply.
RR_HD_INLINE void deliver_rest(double rest, double& pool_nonchina, double& month_supply) {
  const double r = rest > 0.0 ? rest : 0.0;
  pool_nonchina += r;
  month_supply += r;
}

/// Day @p t's output of material @p m by the plants that make it (@p fraction from
/// plant_fractions_today): each offtaker's share straight to its inventory, the rest to the
/// non-China bucket (and the month's supply). @p offtake_today receives the offtake per lane.
/// A lane whose plant does not run adds zeros (x + 0.0 == x for the non-negative tonnages
/// here), which is what skipping it would give.
template <int W, class Cap, class Observer>
RR_HD_INLINE void deliver_plant_output(const ModelSpec& spec, std::int32_t t, int m,
                                       const double (*fraction)[W], const Observer& observer,
                                       PathState<W, Cap>& st, double* offtake_today) {
  double* inventory = &st.inventory[m][0][0];  // [segment][lane]
  double* pool_nonchina = st.pool[kNonChina][m];
  double* month_supply = st.month_supply[m];
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) offtake_today[l] = 0.0;
  for (int k = 0; k < spec.n_producers[m]; ++k) {
    const int p = spec.producers[m][k];
    if (t < st.plant_first_day[p]) continue;
    const PlantSpec& pl = spec.plants[p];
    const double nameplate = pl.output_t_per_day[m];
    for (int l = 0; l < W; ++l) {
      if (fraction[p][l] > 0.0) observer.plant_output(l, t, p, m, nameplate * fraction[p][l]);
    }
    // A plant with at most one offtaker (every plant of the shipped scenarios) in one pass
    // over the lanes, with the arithmetic of the general passes below.
    if (spec.n_offtakers[p] == 0) {
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        deliver_rest(nameplate * fraction[p][l], pool_nonchina[l], month_supply[l]);
      }
      continue;
    }
    if (spec.n_offtakers[p] == 1) {
      const int s = spec.offtakers[p][0];
      const double share = pl.offtake[s];
      double* taker = inventory + s * W;
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        const double out = nameplate * fraction[p][l];
        const double x = out * share;
        taker[l] += x;
        offtake_today[l] += x;
        deliver_rest(out - x, pool_nonchina[l], month_supply[l]);
      }
      continue;
    }
    double out[W], rest[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      out[l] = nameplate * fraction[p][l];
      rest[l] = out[l];
    }
    for (int j = 0; j < spec.n_offtakers[p]; ++j) {
      const int s = spec.offtakers[p][j];
      const double share = pl.offtake[s];
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        const double x = out[l] * share;
        inventory[s * W + l] += x;
        offtake_today[l] += x;
        rest[l] -= x;
      }
    }
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) deliver_rest(rest[l], pool_nonchina[l], month_supply[l]);
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
