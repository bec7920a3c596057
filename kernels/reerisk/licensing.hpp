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
        spec.regimes[st.regime[l]].mean_licence_days[m] + spec.shipping_days[m];
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
    any |= reg.licensing && reg.licence_days[m].kind == DistKind::kLognormal &&
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

/// round_days(lognormal_at) of a lognormal with median @p median and sigma @p sigma at @p z,
/// given @p e = lognormal_exp(sigma, z), which the lanes compute in SIMD: median e is within
/// 5 ulp of lognormal_at's median exp(sigma z), so where round_days (monotone) is the same at
/// both ends of median e (1 -+ 1e-12) that is its day, and @p settled is set; near a day's
/// boundary, or outside exp_d's domain, it is not, and libm's exp decides (lognormal_days).
/// Selects only, so that lanes evaluate it in SIMD.
RR_HD_INLINE std::int32_t settled_lognormal_day(double median, double sigma, double z, double e,
                                                LaneFlag& settled) {
  const double v = median * e;
  const std::int32_t day = round_days(v * (1.0 - 1e-12));
  settled = (day == round_days(v * (1.0 + 1e-12))) & (fabs(sigma * z) <= kExpDRange);
  return day;
}

/// round_days(lognormal_at(@p dist, @p z)) given @p e = lognormal_exp(dist.p1, z): the
/// settled day, or libm's (settled_lognormal_day). The same bits either way.
RR_HD_INLINE std::int32_t lognormal_days(const Dist& dist, double z, double e) {
  LaneFlag settled;
  const std::int32_t day = settled_lognormal_day(dist.p0, dist.p1, z, e, settled);
  return settled ? day : round_days(lognormal_at(dist, z));
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
      skip_sample(reg.licence_days[m], days);  // lot i + 1 keeps draw i + 1, uncomputed here
      continue;
    }
    const std::int32_t wait = round_days(sample(reg.licence_days[m], days));
    seed_exports(spec, st, l, day + wait, m, share, true);
    approved += share;
  }
  return approved;
}

/// Lot i's approval and licence words are word i % 4 of block i / 4 of their streams (purposes
/// @p approval and @p licence, entity @p m, step @p step): loads both blocks at the first lot
/// of each, for W lanes.
template <class Simd, int W>
RR_HD_INLINE void load_lot_words(std::uint64_t seed, LanePaths paths, Purpose approval,
                                 Purpose licence, int m, std::uint32_t step, int i,
                                 std::uint32_t (&approval_word)[4][W],
                                 std::uint32_t (&licence_word)[4][W]) {
  if ((i & 3) != 0) return;
  const std::uint32_t block = static_cast<std::uint32_t>(i >> 2);
  philox_lanes_for<W, Simd>(seed, paths, stream_word2(approval, m, block), step, approval_word);
  philox_lanes_for<W, Simd>(seed, paths, stream_word2(licence, m, block), step, licence_word);
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
  LaneFlag by_lanes[W];
  int any = 0;
  for (int l = 0; l < W; ++l) {
    const RegimeSpec& reg = spec.regimes[st.regime[l]];
    const DistKind kind = reg.licence_days[m].kind;
    by_lanes[l] = reg.licensing && (kind == DistKind::kLognormal || kind == DistKind::kFixed);
    if (reg.licensing && !by_lanes[l]) {
      amount[l] = license_lots(spec, seed, st, l, paths[l], day, m, step, reg, q[l], amount[l],
                               approval, licence);
    }
    any |= by_lanes[l];
  }
  if (!any) return;
  double share[W], approved[W], median[W], sigma[W];
  LaneFlag lognormal[W];
  std::int32_t fixed_days[W];
  for (int l = 0; l < W; ++l) {
    share[l] = amount[l] / lots;
    approved[l] = 0.0;
    const Dist& days = spec.regimes[st.regime[l]].licence_days[m];  // read for by_lanes only
    median[l] = days.p0;
    sigma[l] = days.p1;
    lognormal[l] = days.kind == DistKind::kLognormal;
    fixed_days[l] = round_days(days.p0);
  }
  std::uint32_t approval_word[4][W], licence_word[4][W];
  for (int i = 0; i < lots; ++i) {
    const int w = i & 3;
    load_lot_words<Simd>(seed, paths, approval, licence, m, step, i, approval_word, licence_word);
    // Only the lanes whose lot is approved read their normal: the others skip its tail.
    LaneFlag lot_approved[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      lot_approved[l] = by_lanes[l] & (r123::u01fixedpt<double>(approval_word[w][l]) < q[l]);
    }
    double z[W];
    normals_from_words<W, Simd>(licence_word[w], z, lot_approved);
    // Each lane's wait in SIMD; libm decides the rare lognormal day near a boundary.
    std::int32_t wait[W];
    LaneFlag settled[W];
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      LaneFlag exact;
      const std::int32_t d =
          settled_lognormal_day(median[l], sigma[l], z[l], lognormal_exp(sigma[l], z[l]), exact);
      wait[l] = lognormal[l] ? d : fixed_days[l];
      settled[l] = exact | (lognormal[l] ^ 1);
    }
    // The approved lanes (about one in five is not), listed in Simd's instructions.
    std::int32_t approved_lane[W + 16];
    const int n_approved = list_flagged<W, Simd>(lot_approved, approved_lane);
    for (int k = 0; k < n_approved; ++k) {
      const int l = approved_lane[k];
      const Dist& licence_days = spec.regimes[st.regime[l]].licence_days[m];
      const std::int32_t days =
          settled[l] ? wait[l] : round_days(lognormal_at(licence_days, z[l]));
      seed_exports(spec, st, l, day + days, m, share[l], true);
      approved[l] += share[l];
    }
  }
  for (int l = 0; l < W; ++l) {
    if (by_lanes[l]) amount[l] = approved[l];
  }
}

/// pipeline_at_start: false only when no lane's China batch of material @p m requested on the
/// pre-start day @p day (< 0) can still be waiting for export or at sea on day 0, whatever its
/// throttle, so that seed_pipeline may skip the month's draws (each keyed by its purpose,
/// material and month: the other months' draws keep their bits). A batch licensed w days after
/// @p day lands its last tranche on day + w + offset + shipping; it is seeded if that is >= 0.
/// Without licensing w is 0; with it, w is the licence time of an approved lot (approval and
/// licence words as license_lots_lanes and the one-lot draws of seed_pipeline read them,
/// approval share @p q). The lognormal's days rise with the lot's licence word, so the largest
/// approved word of each regime bounds them (with a margin for AS 241's and exp's roundings);
/// other families (sample() lane by lane) are never ruled out.
template <class Simd = SimdGeneric, int W, class Cap>
RR_HD_INLINE bool pre_start_batch_may_reach_day0(const ModelSpec& spec, std::uint64_t seed,
                                                 const PathState<W, Cap>& st, LanePaths paths,
                                                 std::int32_t day, int m, std::uint32_t step,
                                                 const double (&q)[W], Purpose approval,
                                                 Purpose licence) {
  const int n = batch_tranches(spec, m);
  const std::int32_t landed = day + shipment_offset_days(n - 1, n) + spec.shipping_days[m];
  LaneFlag lognormal[W];
  int any_lognormal = 0;
  for (int l = 0; l < W; ++l) {
    const RegimeSpec& reg = spec.regimes[st.regime[l]];
    const Dist& days = reg.licence_days[m];
    const bool by_word = reg.licensing && days.kind == DistKind::kLognormal;
    lognormal[l] = by_word ? 1 : 0;
    any_lognormal |= by_word;
    if (by_word) {
      if (!(days.p1 >= 0.0)) return true;  // days falling with the word: no bound from the top
      continue;
    }
    std::int32_t wait = 0;
    if (reg.licensing) {
      if (days.kind != DistKind::kFixed) return true;
      wait = round_days(days.p0);
    }
    if (static_cast<std::int64_t>(landed) + wait >= 0) return true;
  }
  if (!any_lognormal) return false;
  // Each lane's largest approved licence word (in SIMD), then each regime's.
  std::uint32_t lane_top[W];
  LaneFlag lane_approved[W];
  RR_SIMD_LANES
  for (int l = 0; l < W; ++l) {
    lane_top[l] = 0;
    lane_approved[l] = 0;
  }
  const int lots = spec.licence_lots[m] > 1 ? spec.licence_lots[m] : 1;
  std::uint32_t approval_word[4][W], licence_word[4][W];
  for (int i = 0; i < lots; ++i) {
    const int w = i & 3;
    load_lot_words<Simd>(seed, paths, approval, licence, m, step, i, approval_word, licence_word);
    RR_SIMD_LANES
    for (int l = 0; l < W; ++l) {
      const LaneFlag approved =
          lognormal[l] & (r123::u01fixedpt<double>(approval_word[w][l]) < q[l]);
      const std::uint32_t word = licence_word[w][l];
      lane_top[l] = approved & (word > lane_top[l]) ? word : lane_top[l];
      lane_approved[l] |= approved;
    }
  }
  std::uint32_t top[kMaxRegimes] = {};
  bool approved_any[kMaxRegimes] = {};
  for (int l = 0; l < W; ++l) {
    if (!lane_approved[l]) continue;
    const int r = st.regime[l];
    top[r] = lane_top[l] > top[r] ? lane_top[l] : top[r];
    approved_any[r] = true;
  }
  for (int r = 0; r < spec.n_regimes; ++r) {
    if (!approved_any[r]) continue;
    const double z = normal_quantile(r123::u01fixedpt<double>(top[r]));
    const double most_days = lognormal_at(spec.regimes[r].licence_days[m], z) * (1.0 + 1e-6) + 1.0;
    if (!(most_days + landed < 0.0)) return true;  // also for a NaN
  }
  return false;
}

RR_KERNEL_CODE_END
}  // namespace rr
