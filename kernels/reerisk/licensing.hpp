/// @file licensing.hpp
/// China's monthly flow under export licensing (docs/model.md §6 "China batches", "Flows that
/// answer orders"): what buyers request, the regime's throttle, approvals lot by lot, the
/// licence lead times, and the licensed tranches handed to the transit calendar.
#pragma once

#include <cstdint>

#include "reerisk/dist.hpp"
#include "reerisk/float_math.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"
#include "reerisk/rng.hpp"
#include "reerisk/transit_calendar.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// The month's China request of material @p m per lane, before the throttle: the baseline,
/// or, where the material has an export capacity, the segments' orders up to it: their
/// demand over the month's @p days (with any demand response) plus what brings their
/// inventory position to target cover plus the demand of the lead time (the regime's mean
/// licence days and the shipping days), net of what they hold, what lies in the pool and
/// what China has approved and not yet delivered (docs/model.md §6 "Flows that answer
/// orders"). Without the lead-time term a pipeline longer than the target cover would
/// drain the inventories to zero at steady state.
template <int W, class Cap>
RR_HD_INLINE void request_china_batch(const ModelSpec& spec, int m, std::int32_t days,
                                      const PathState<W, Cap>& st, double (&requested)[W]) {
  const double capacity = spec.china_capacity_t_per_month[m];
  if (!(capacity > 0.0)) {
    for (int l = 0; l < W; ++l) requested[l] = spec.china_t_per_month[m];
    return;
  }
  for (int l = 0; l < W; ++l) {
    const double lead_days =
        spec.regimes[st.regime[l]].mean_licence_days + spec.shipping_days[m];
    double use = 0.0, gap = 0.0;
    for (int s = 0; s < spec.n_segments; ++s) {
      const double daily = spec.demand_t[m][s] * st.demand_scale[m][s][l];
      use += daily * days;
      gap += spec.target_t[m][s] + daily * lead_days - st.inventory[m][s][l];
    }
    for (int b = 0; b < kBuckets; ++b) gap -= st.pool[b][m][l];
    gap -= st.china_on_order[m][l];
    const double orders = use + (gap > 0.0 ? gap : 0.0);
    requested[l] = orders < capacity ? orders : capacity;
  }
}

/// Each lane's throttle of material @p m under its regime (sample_lanes: Beta draws in SIMD).
template <class Simd = SimdGeneric, int W, class Cap>
RR_HD_INLINE void draw_throttles(const ModelSpec& spec, std::uint64_t seed, LanePaths paths,
                                 Purpose purpose, int m, std::uint32_t step,
                                 const PathState<W, Cap>& st, double (&throttle)[W]) {
  sample_lanes<W, Simd>(
      [&](int l) -> const Dist& { return spec.regimes[st.regime[l]].throttle[m]; }, seed,
      paths, purpose, m, step, throttle);
}

/// The normals of the lognormal licence times of material @p m, for all lanes at once, when
/// some lane's batch is approved (@p approval_u below @p share) under a licensing regime with a
/// lognormal licence time; licence_lead_days reads them.
template <class Simd = SimdGeneric, int W, class Cap>
RR_HD_INLINE void draw_licence_normals(const ModelSpec& spec, std::uint64_t seed,
                                       LanePaths paths, Purpose purpose, int m,
                                       std::uint32_t step, const double* approval_u,
                                       const double* share, const PathState<W, Cap>& st,
                                       double (&z)[W]) {
  int any = 0;
  for (int l = 0; l < W; ++l) {
    const RegimeSpec& reg = spec.regimes[st.regime[l]];
    any |= reg.licensing && reg.licence_days.kind == DistKind::kLognormal &&
           approval_u[l] < share[l];
  }
  if (any) first_normal_lanes<W, Simd>(seed, paths, purpose, m, step, z);
}

/// Whole days of licensing for an approved batch: the lognormal at the lane's normal @p z
/// (draw_licence_normals), what sample() would draw, or sample() for another family.
RR_HD_INLINE std::int32_t licence_lead_days(std::uint64_t seed, const Dist& days, double z,
                                           std::uint64_t path, Purpose purpose, int m,
                                           std::uint32_t step) {
  return round_days(days.kind == DistKind::kLognormal
                        ? lognormal_at(days, z)
                        : sample(days, seed, path, purpose, m, step));
}

/// exp_d(@p sigma x @p z), the lognormal's exponential, branch-free for SIMD lanes; 1 outside
/// exp_d's domain (and for a NaN), where lognormal_days asks libm instead.
RR_HD_INLINE double lognormal_exp(double sigma, double z) {
  const double y = sigma * z;
  return exp_d(y >= -kExpDRange && y <= kExpDRange ? y : 0.0);
}

/// round_days(lognormal_at(@p dist, @p z)) given @p e = lognormal_exp(dist.p1, z), which the
/// lanes compute in SIMD: p0 e is within 5 ulp of lognormal_at's p0 exp(p1 z), so where
/// round_days (monotone) is the same at both ends of p0 e (1 -+ 1e-12) that is its day; near a
/// day's boundary, or outside exp_d's domain, libm's exp decides. The same bits either way.
RR_HD_INLINE std::int32_t lognormal_days(const Dist& dist, double z, double e) {
  const double v = dist.p0 * e;
  const std::int32_t day = round_days(v * (1.0 - 1e-12));
  if (day == round_days(v * (1.0 + 1e-12)) && fabs(dist.p1 * z) <= kExpDRange) return day;
  return round_days(lognormal_at(dist, z));
}

/// The tranches of a batch licensed on day @p licensed (before day 0 for pipeline_at_start):
/// those that left China before day 0 are at sea if they arrive on or after day 0; the first
/// one leaving on or after day 0 waits for export, carrying the rest with it.
template <int W, class Cap>
RR_HD_INLINE void seed_exports(const ModelSpec& spec, PathState<W, Cap>& st, int l,
                               std::int32_t licensed, int m, double approved, bool licensing) {
  const int n = batch_tranches(spec, m);
  const double tonnes = approved / n;
  if (!(tonnes > 0.0)) return;
  for (int i = 0; i < n; ++i) {
    const std::int32_t leaves = licensed + shipment_offset_days(i, n);
    if (leaves >= 0) {
      enqueue_batch(spec, st, l, leaves, m, licensing ? kAwaitingExport : kAwaitingExportUnlicensed,
                    tonnes, i);
      st.china_on_order[m][l] += tonnes * (n - i);
      return;
    }
    const std::int32_t arrives = leaves + spec.shipping_days[m];
    if (arrives >= 0) {
      enqueue_batch(spec, st, l, arrives, m, kChinaLegal, tonnes);
      st.china_on_order[m][l] += tonnes;
    }
  }
}

/// licence_lots > 1: a request of @p requested tonnes (after the throttle) as lots, lot i
/// approved when uniform i of the @p approval stream is below @p q and licensed after draw i
/// of the @p licence stream (drawn for every lot, so a lot's time does not depend on the
/// others' approvals); each approved lot waits for export as a batch of its own, or is seeded
/// as seed_exports does for a pre-start day (docs/model.md §6). Returns the approved tonnes.
template <int W, class Cap>
RR_HD_INLINE double license_lots(const ModelSpec& spec, std::uint64_t seed, PathState<W, Cap>& st,
                                 int l, std::uint64_t path, std::int32_t day, int m,
                                 std::uint32_t step, const RegimeSpec& reg, double q,
                                 double requested, Purpose approval, Purpose licence) {
  const int lots = spec.licence_lots[m];
  Stream lot(seed, path, approval, m, step);
  Stream days(seed, path, licence, m, step);
  const double share = requested / lots;
  double approved = 0.0;
  for (int i = 0; i < lots; ++i) {
    if (!(lot.uniform() < q)) {
      skip_sample(reg.licence_days, days);  // lot i + 1 keeps draw i + 1, uncomputed here
      continue;
    }
    const std::int32_t wait = round_days(sample(reg.licence_days, days));
    seed_exports(spec, st, l, day + wait, m, share, true);
    approved += share;
  }
  return approved;
}

/// license_lots for all W lanes at once (a month start, or a pre-start month of the
/// pipeline): for each lane under a licensing regime (the others keep @p amount), approved
/// with probability @p q, lot i's approval uniform and licence normal are word i of the lane's
/// @p approval and @p licence streams, as the one-lane function draws them, so the results are
/// the same bits; the Philox blocks and AS 241's central branch run in SIMD registers. A lane
/// whose licence days are neither lognormal nor fixed goes through license_lots. Each lane's
/// lots are enqueued in lot order (what the pools' sums depend on); the lanes' lots
/// interleave in the slot lists, which sum lane by lane.
template <class Simd = SimdGeneric, int W, class Cap>
RR_HD_INLINE void license_lots_lanes(const ModelSpec& spec, std::uint64_t seed,
                                     PathState<W, Cap>& st, LanePaths paths,
                                     std::int32_t day, int m, std::uint32_t step,
                                     const double (&q)[W], Purpose approval, Purpose licence,
                                     double (&amount)[W]) {
  const int lots = spec.licence_lots[m];
  bool by_lanes[W];
  int any = 0;
  for (int l = 0; l < W; ++l) {
    const RegimeSpec& reg = spec.regimes[st.regime[l]];
    const DistKind kind = reg.licence_days.kind;
    by_lanes[l] = reg.licensing && (kind == DistKind::kLognormal || kind == DistKind::kFixed);
    if (reg.licensing && !by_lanes[l]) {
      amount[l] = license_lots(spec, seed, st, l, paths[l], day, m, step, reg, q[l], amount[l],
                               approval, licence);
    }
    any |= by_lanes[l];
  }
  if (!any) return;
  double share[W], approved[W], sigma[W];
  for (int l = 0; l < W; ++l) {
    share[l] = amount[l] / lots;
    approved[l] = 0.0;
    sigma[l] = spec.regimes[st.regime[l]].licence_days.p1;  // read for lognormal times only
  }
  std::uint32_t approval_word[4][W], licence_word[4][W];
  for (int i = 0; i < lots; ++i) {
    const int w = i & 3;
    if (w == 0) {
      const std::uint32_t block = static_cast<std::uint32_t>(i >> 2);
      philox_lanes_for<W, Simd>(seed, paths, stream_word2(approval, m, block), step,
                                approval_word);
      philox_lanes_for<W, Simd>(seed, paths, stream_word2(licence, m, block), step,
                                licence_word);
    }
    // Only the lanes whose lot is approved read their normal: the others skip its tail.
    LaneFlag lot_approved[W];
    for (int l = 0; l < W; ++l) {
      lot_approved[l] = by_lanes[l] && r123::u01fixedpt<double>(approval_word[w][l]) < q[l];
    }
    double z[W], e[W];
    normals_from_words<W>(licence_word[w], z, lot_approved);
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) e[l] = lognormal_exp(sigma[l], z[l]);
    for (int l = 0; l < W; ++l) {
      if (!lot_approved[l]) continue;
      const Dist& days = spec.regimes[st.regime[l]].licence_days;
      const std::int32_t wait = days.kind == DistKind::kLognormal
                                    ? lognormal_days(days, z[l], e[l])
                                    : round_days(days.p0);
      seed_exports(spec, st, l, day + wait, m, share[l], true);
      approved[l] += share[l];
    }
  }
  for (int l = 0; l < W; ++l) {
    if (by_lanes[l]) amount[l] = approved[l];
  }
}

RR_KERNEL_CODE_END
}  // namespace rr
