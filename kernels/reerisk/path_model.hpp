/// @file path_model.hpp
/// The daily-step supply model (docs/model.md §1 and §6), written once for the GPU and the CPU. No
/// I/O, no allocation, no exceptions: outcomes go into the integer tally.
///
/// PathModel composes the mechanisms in the day's order (docs/model.md §1): regimes.hpp,
/// licensing.hpp, transit_calendar.hpp, plants.hpp, allocation.hpp, stockpile.hpp, prices.hpp
/// and demand_noise.hpp, each over the state of path_state.hpp. What stays here adds to the
/// tally: the set-up (covers, plants, the pipeline at start), the month start (smuggling,
/// seizures, outages), consumption and stockout bookkeeping, month closes and the per-path
/// outcomes.
///
/// One PathModel<W> simulates W paths in lockstep, one per "lane". The calendar (month starts,
/// events) is the same for every path, so the lanes share the day loop; their state is stored
/// [...][lane], and the daily arithmetic (plants, allocation, stockpile, consumption, demand
/// noise) runs over the lanes without branches, which the CPU compiler turns into SIMD code
/// (kPathLanes lanes per CPU thread). Rare, path-specific work (month starts, arrivals, tally
/// updates) runs lane by lane. A GPU thread runs one path (W = 1). Every lane does exactly the
/// arithmetic a one-lane model would do, in the same order, so a path's outcome does not
/// depend on W or on which lane it ran in (tests/model/test_reproducibility.cpp).
#pragma once

#include <cstdint>

#include "reerisk/allocation.hpp"
#include "reerisk/capacity.hpp"
#include "reerisk/demand_noise.hpp"
#include "reerisk/licensing.hpp"
#include "reerisk/dist.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/path_weight.hpp"
#include "reerisk/plants.hpp"
#include "reerisk/prices.hpp"
#include "reerisk/regimes.hpp"
#include "reerisk/rng.hpp"
#include "reerisk/stockpile.hpp"
#include "reerisk/tally_layout.hpp"
#include "reerisk/transit_calendar.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// A shortfall above this many tonnes makes a stockout day (docs/model.md §5).
constexpr double kShortfallEpsilon = 1e-9;

/// One block's daily demand factors kept for a second run of the same paths (`reerisk
/// compare`, run_paired): [day][segment][lane], written by the first run and read by the
/// second, so that the second draws none. The factors depend only on the seed, the path, the
/// day and each segment's noise, so the second run gets the bits it would draw whenever the
/// two scenarios give every segment the same noise (run_paired shares them only then).
struct SharedDemandFactors {
  float* factors = nullptr;  ///< null: draw as usual
  bool replay = false;       ///< read them (the second run) rather than write them (the first)
};

/// An observer's SharedDemandFactors for blocks of W lanes (its `shared_demand<W>()`), or none.
template <int W, class Observer>
RR_HD_INLINE auto shared_demand_of(const Observer& o, int) -> decltype(o.template shared_demand<W>()) {
  return o.template shared_demand<W>();
}
template <int W, class Observer>
RR_HD_INLINE SharedDemandFactors shared_demand_of(const Observer&, long) {
  return {};
}

/// Observer hooks for tests and per-path traces; the default does nothing and compiles away.
/// @p lane says which of the model's W paths a call is about.
struct NullObserver {
  RR_HD void plant_output(int /*lane*/, std::int32_t, int, int, double) const {}
  template <class State>
  RR_HD void day_end(std::int32_t, const State&) const {}
  template <class State>
  RR_HD void path_end(int /*lane*/, std::uint64_t, const State&) const {}
};

/// Simulates W paths in lockstep and adds their outcomes to a tally.
///
/// @tparam W        paths simulated in lockstep (kPathLanes on the CPU, 1 on the GPU)
/// @tparam Observer receives plant output and end-of-day state (tests); NullObserver in runs.
///                  Its optional `simd_isa` names the SIMD instructions the model may use
///                  (philox_x86.hpp); the CPU backend's copies set it.
/// @tparam Cap      array bounds of the state (capacity.hpp); the scenario must fit them
template <int W = 1, class Observer = NullObserver, class Cap = FullCapacity>
class PathModel {
 public:
  using State = PathState<W, Cap>;
  /// The SIMD instructions the random draws may use (philox_x86.hpp): what the CPU backend's
  /// copy was compiled for (cpu_paths.cpp), SimdGeneric elsewhere. It changes no bit.
  using Simd = typename simd_isa_of<Observer>::type;

  /// @param spec   the scenario (device or host memory)
  /// @param layout offsets into @p tally
  /// @param tally  counters the paths add to (atomically on the GPU)
  /// @param seed   run seed (docs/model.md §3)
  RR_HD PathModel(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                  std::uint64_t seed, const Observer& observer = Observer())
      : spec_(spec), layout_(layout), tally_(tally), seed_(seed), observer_(observer) {}

  /// Runs the lanes' paths (W consecutive ones from a path index, or a list: lane_paths.hpp)
  /// from day 0 to the horizon and tallies their outcomes.
  RR_HD void run(LanePaths paths) const {
    State st;
    init(paths, st);
    std::int32_t month = -1;
    std::int32_t next_event = 0;
    const std::int32_t H = spec_.horizon_days;
    for (std::int32_t t = 0; t < H; ++t) {
      const bool month_start = month + 1 < spec_.n_months && spec_.month_start_day[month + 1] == t;
      if (month_start) {
        if (month >= 0) close_month(month, st);
        ++month;
      }
      // The regime can change only on day 0, at month starts and on event days.
      const bool event_day = next_event < spec_.n_events && spec_.events[next_event].day <= t;
      if (t == 0 || month_start || event_day) {
        update_regime<Simd>(spec_, seed_, paths, t, month, month_start, next_event, st);
      }
      if (month_start) start_month(paths, t, month, st);
      simulate_day(paths, t, st);
      observer_.day_end(t, st);
    }
    if (month >= 0) close_month(month, st);
    finish(st);
    for (int l = 0; l < W; ++l) observer_.path_end(l, paths[l], st);
  }

 private:
  RR_HD void add(std::uint64_t index, std::uint64_t value = 1) const {
    tally_add(tally_ + index, value);
  }

  /// Counts lane @p l at @p index and, in an importance-sampled run, adds the lane's w and w^2
  /// to the counter's weighted twin (tally_layout.hpp).
  RR_HD void count(std::uint64_t index, const State& st, int l) const {
    add(index);
    if (spec_.importance_sampling) add_weight(index, st, l);
  }

  /// Adds @p value to the fixed-point sum at @p index and, in an importance-sampled run, lane
  /// @p l's w times it to the sum's weighted twin.
  RR_HD void add_sum(std::uint64_t index, std::uint64_t value, const State& st, int l) const {
    if (!value) return;
    add(index, value);
    if (spec_.importance_sampling) add_weighted_value(index, value, st, l);
  }

  /// Adds lane @p l's w times @p value to the weighted twin of the sum at @p index (the limbs
  /// of the sum of w; its w^2 words stay 0). A product that does not fit is clamped and counted.
  RR_HD_COLD void add_weighted_value(std::uint64_t index, std::uint64_t value, const State& st, int l) const {
    if (!value) return;
    const double w = st.weight[l] < kWeightClamp ? st.weight[l] : kWeightClamp;  // as weigh_paths
    double v = w * static_cast<double>(value);
    if (!(v < kWeightLimit)) {
      add(layout_.w_clamped);
      v = kWeightValueClamp;
    }
    std::uint32_t limbs[kWeightLimbs];
    weight_limbs(v, limbs);
    const std::uint64_t at = layout_.weighted(index);
    for (int k = 0; k < kWeightLimbs; ++k) {
      if (limbs[k]) add(at + k, limbs[k]);
    }
  }

  /// Adds lane @p l's w and w^2 to the weighted twin of counter @p index.
  RR_HD_COLD void add_weight(std::uint64_t index, const State& st, int l) const {
    const std::uint64_t at = layout_.weighted(index);
    for (int k = 0; k < 2 * kWeightLimbs; ++k) {
      const std::uint32_t v = st.weight_limb[k][l];
      if (v) add(at + k, v);
    }
  }

  RR_HD void init(LanePaths paths, State& st) const {
    clear_transit_calendar(st);
    const int M = spec_.n_materials;
    for (int m = 0; m < M; ++m) {
      st.stockpile_ceiling[m] = spec_.has_stockpile ? spec_.stockpile_ceiling_t[m] : 0.0;
      st.stockpile_has_room[m] = 0;  // every lane starts full
      if constexpr (State::kSpellsApart) {
        for (int s = 0; s < spec_.n_segments; ++s) st.any_in_spell[m][s] = 0;
      }
    }
    for (int l = 0; l < W; ++l) init_lane(paths[l], l, st);
    if (spec_.importance_sampling) weigh_paths(paths, st);
    for (int l = 0; l < W; ++l) {
      for (int p = 0; p < spec_.n_plants; ++p) {
        if (st.plant_cancelled(p, l)) {
          count(layout_.plant_cancelled + p, st, l);
        } else {
          count(layout_.plant_start + static_cast<std::uint64_t>(p) * (layout_.K + 2) +
                    plant_start_bin(static_cast<std::int32_t>(st.plant_start[p][l])), st, l);
        }
      }
    }
    if (spec_.pipeline_at_start) seed_pipeline(paths, st);
    for (int p = 0; p < spec_.n_plants; ++p) {
      std::int32_t first = kNeverDay, ramped = -kNeverDay;
      for (int l = 0; l < W; ++l) {
        if (st.plant_cancelled(p, l)) continue;
        const std::int32_t start = static_cast<std::int32_t>(st.plant_start[p][l]);
        first = start < first ? start : first;
        // From day start - 1 + ceil(ramp), age + 1 >= ramp, so (age + 1) / ramp >= 1.
        const double ramp = st.plant_ramp_days[p][l];
        const double full = ramp > 0.0 ? start - 1.0 + ceil(ramp) : static_cast<double>(start);
        const std::int32_t day = full < kNeverDay ? static_cast<std::int32_t>(full) : kNeverDay;
        ramped = day > ramped ? day : ramped;
      }
      st.plant_first_day[p] = first;
      st.plant_ramped_day[p] = ramped;
    }
  }

  RR_HD void init_lane(std::uint64_t path, int l, State& st) const {
    const int M = spec_.n_materials;
    const int S = spec_.n_segments;
    const double days_per_month = 365.0 / 12.0;

    st.weight[l] = 1.0;
    st.leakage[l] = sample(spec_.leakage, seed_, path, Purpose::kLeakage, 0, 0);
    st.interdiction[l] = sample(spec_.interdiction, seed_, path, Purpose::kInterdiction, 0, 0);

    for (int p = 0; p < spec_.n_plants; ++p) {
      const PlantSpec& pl = spec_.plants[p];
      const bool cancelled = bernoulli(pl.cancel_probability, seed_, path, Purpose::kPlantCancel, p, 0);
      st.weight[l] *= cancelled ? pl.weight_if_cancelled : pl.weight_if_built;
      const double delay = sample(pl.delay_months, seed_, path, Purpose::kPlantDelay, p, 0);
      if (pl.delay_tilted) st.weight[l] *= density_ratio(pl.delay_months_untilted, pl.delay_months, delay);
      st.plant_start[p][l] = round_days(pl.planned_start_day + delay * days_per_month);
      st.plant_ramp_days[p][l] =
          sample(pl.ramp_months, seed_, path, Purpose::kPlantRamp, p, 0) * days_per_month;
      st.plant_run_from[p][l] = cancelled ? PlantDay<W>(kNeverDay) : st.plant_start[p][l];
      st.plant_quarter_days[p][l] = 0.0;
    }

    for (int m = 0; m < M; ++m) {
      for (int b = 0; b < kBuckets; ++b) st.pool[b][m][l] = 0.0;
      st.month_demand[m][l] = 0.0;
      st.month_supply[m][l] = 0.0;
      st.smuggled[m][l] = 0.0;
      st.seized[m][l] = 0.0;
      st.shipped[m][l] = 0.0;
      st.china_on_order[m][l] = 0.0;
      st.price_premium[m][l] = 1.0;
      st.stockpile[m][l] = st.stockpile_ceiling[m];
    }
    for (int s = 0; s < S; ++s) {
      const SegmentSpec& seg = spec_.segments[s];
      st.procurement_usd[s][l] = 0.0;
      const double cover = sample(seg.cover_days, seed_, path, Purpose::kCover, s, 0);
      if (seg.cover_tilted) st.weight[l] *= density_ratio(seg.cover_days_untilted, seg.cover_days, cover);
      st.cover_days[s][l] = cover;
      for (int m = 0; m < M; ++m) {
        st.inventory[m][s][l] = cover * seg.demand_t_per_day[m];
        st.first_stockout[m][s][l] = spec_.horizon_days;
        st.stockout_days[m][s][l] = 0;
        st.in_stockout[m][s][l] = 0;
        st.shortfall[m][s][l] = 0.0;
        st.consumed[m][s][l] = 0.0;
        st.demanded[m][s][l] = 0.0;
        st.consumed_total[m][s][l] = 0.0;
        st.demanded_total[m][s][l] = 0.0;
        st.inventory_at_close[m][s][l] = st.inventory[m][s][l];
        st.first_line_stop[m][s][l] = spec_.horizon_days;
        st.line_stop_days[m][s][l] = 0;
        st.in_line_stop[m][s][l] = 0;
        st.disruption_from[m][s][l] = 0;
        st.stop_spell_from[m][s][l] = -1;
        st.demand_scale[m][s][l] = 1.0;
      }
    }
    Stream rs(seed_, path, Purpose::kRegimeInitial, 0, 0);
    st.regime[l] = pick(rs.uniform(), spec_.n_regimes,
                        [&](int r) { return spec_.regimes[r].initial_probability; });
    st.initial_regime[l] = st.regime[l];
    st.episode[l] = 0;
    for (int r = 0; r < spec_.n_regimes; ++r) st.months_in_regime[r][l] = 0;
  }

  /// pipeline_at_start: the China and smuggled batches of the pre-start months that are still
  /// in transit on day 0, drawn as if the initial regime had held before day 0 (one approval
  /// share q for that episode). Pre-start seizures are not counted in the run's totals. As at
  /// a month start (start_month), the approvals, lognormal licence times and seizures are drawn
  /// for all lanes at once when some lane needs them; each lane enqueues month by month and
  /// material by material, China then smuggled.
  RR_HD void seed_pipeline(LanePaths paths, State& st) const {
    double q[W];
    int licensing = 0;
    for (int l = 0; l < W; ++l) {
      const RegimeSpec& reg = spec_.regimes[st.regime[l]];
      licensing |= reg.licensing ? 1 : 0;
      q[l] = reg.licensing ? sample(reg.approval, seed_, paths[l], Purpose::kPipelineShare, 0, 0)
                           : 1.0;
    }
    for (int j = 0; j < spec_.n_pipeline_months; ++j) {
      const std::int32_t day = spec_.pipeline_month_start_day[j];
      const std::uint32_t step = static_cast<std::uint32_t>(j);
      for (int m = 0; m < spec_.n_materials; ++m) {
        // Most of the 24 months' batches landed before day 0: a month none of whose batches
        // can be in transit then seeds nothing, and its draws are not made (the same bits).
        if (day + spec_.smuggling_delay_days < 0 &&
            !pre_start_batch_may_reach_day0<Simd>(spec_, seed_, st, paths, day, m, step, q,
                                                  Purpose::kPipelineApproval,
                                                  Purpose::kPipelineLicenceDays)) {
          continue;
        }
        const double baseline = spec_.china_t_per_month[m];
        const bool lots = spec_.licence_lots[m] > 1;
        double approval_u[W] = {}, licence_z[W] = {};  // read only where drawn
        if (licensing && !lots) {
          first_uniform_lanes<W, Simd>(seed_, paths, Purpose::kPipelineApproval, m, step,
                                       approval_u);
          draw_licence_normals<Simd>(spec_, seed_, paths, Purpose::kPipelineLicenceDays, m,
                                     step, approval_u, q, st, licence_z);
        }
        double throttle[W];
        draw_throttles<Simd>(spec_, seed_, paths, Purpose::kPipelineThrottle, m, step, st,
                             throttle);
        double approved[W];
        for (int l = 0; l < W; ++l) approved[l] = baseline * throttle[l];
        // Lots are licensed for all lanes at once, before each lane's smuggled batch (the
        // order a lane's pools sum in).
        if (licensing && lots) {
          license_lots_lanes<Simd>(spec_, seed_, st, paths, day, m, step, q,
                                   Purpose::kPipelineApproval, Purpose::kPipelineLicenceDays,
                                   approved);
        }
        double smuggled[W];
        int any_smuggled = 0;
        for (int l = 0; l < W; ++l) {
          const std::uint64_t path = paths[l];
          const RegimeSpec& reg = spec_.regimes[st.regime[l]];
          if (!(reg.licensing && lots)) {
            std::int32_t licence = 0;
            if (reg.licensing) {
              if (approval_u[l] < q[l]) {
                licence = licence_lead_days(seed_, reg.licence_days[m], licence_z[l], path,
                                            Purpose::kPipelineLicenceDays, m, step);
              } else {
                approved[l] = 0.0;
              }
            }
            seed_exports(spec_, st, l, day + licence, m, approved[l], reg.licensing);
          }
          const double blocked = baseline - approved[l] > 0.0 ? baseline - approved[l] : 0.0;
          smuggled[l] = st.leakage[l] * blocked;
          any_smuggled |= smuggled[l] > 0.0;
        }
        if (!any_smuggled || day + spec_.smuggling_delay_days < 0) continue;
        double seizure_u[W];
        first_uniform_lanes<W, Simd>(seed_, paths, Purpose::kPipelineSeizure, m, step,
                                     seizure_u);
        for (int l = 0; l < W; ++l) {
          if (smuggled[l] > 0.0 && !(seizure_u[l] < st.interdiction[l])) {
            enqueue_batch(spec_, st, l, day + spec_.smuggling_delay_days, m, kSmuggled, smuggled[l]);
          }
        }
      }
    }
  }

  /// Month bin of a plant start: 0 before day 0, 1 + k in month k, K + 1 after the horizon.
  RR_HD std::uint64_t plant_start_bin(std::int32_t start) const {
    if (start < 0) return 0;
    if (start >= spec_.horizon_days) return static_cast<std::uint64_t>(spec_.n_months) + 1;
    int lo = 0, hi = spec_.n_months - 1;  // last month whose first day is <= start
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (spec_.month_start_day[mid] <= start) lo = mid; else hi = mid - 1;
    }
    return 1 + static_cast<std::uint64_t>(lo);
  }

  /// Importance sampling: completes each lane's weight at day 0 with the likelihood ratios of
  /// the regime chain's and the events' draws over the whole horizon (init_lane gave those of
  /// the plants and covers). The chain does not depend on the path's stocks, so replaying its
  /// keyed draws here gives the states update_regime will reach, in its order (step at each
  /// month start, then the events of each day); every count the path adds then carries its
  /// final weight, and the weighted twin of every counter is unbiased (docs/model.md §10).
  RR_HD_COLD void weigh_paths(LanePaths paths, State& st) const {
    std::int32_t regime[W];
    for (int l = 0; l < W; ++l) regime[l] = st.regime[l];
    int e = 0;
    while (e < spec_.n_events && spec_.events[e].day < 0) ++e;  // never applied
    for (int k = 0; k < spec_.n_months; ++k) {
      if (spec_.month_start_day[k] > 0) {
        step_chain<W, Simd>(spec_, seed_, paths, k, regime, st.weight);
      }
      const std::int32_t end = k + 1 < spec_.n_months ? spec_.month_start_day[k + 1] : spec_.horizon_days;
      for (; e < spec_.n_events && spec_.events[e].day < end; ++e) {
        apply_event<W, Simd>(spec_, seed_, paths, e, regime, st.weight);
      }
    }
    for (int l = 0; l < W; ++l) {
      double w = st.weight[l];
      if (!(w * w < kWeightLimit)) {
        add(layout_.w_clamped);
        w = kWeightClamp;
      }
      std::uint32_t limbs[2][kWeightLimbs];
      weight_limbs(w, limbs[0]);
      weight_limbs(w * w, limbs[1]);
      for (int k = 0; k < 2 * kWeightLimbs; ++k) st.weight_limb[k][l] = limbs[k / kWeightLimbs][k % kWeightLimbs];
    }
  }

  /// Occupancy record, China batches, smuggling and outage starts at a month start (§6).
  ///
  /// The yes/no decisions (approval, seizure, outage start) take the first uniform of their
  /// stream, u < p being bernoulli(p) for u in (0, 1); they are drawn for all lanes at once
  /// (first_uniform_lanes, the same numbers each lane's own Stream gives), and only when some
  /// lane needs them, so that one lane (the GPU) draws what it needs and nothing more. Beta
  /// throttles and lognormal licence times are drawn for all lanes too (draw_throttles,
  /// draw_licence_normals); other families, and lanes the Beta sampler rejects, lane by lane.
  /// Each lane enqueues its batches in the order material by material, China then smuggled.
  RR_HD void start_month(LanePaths paths, std::int32_t t, std::int32_t month,
                         State& st) const {
    const int M = spec_.n_materials;
    const std::uint32_t step = static_cast<std::uint32_t>(month);
    if (spec_.any_demand_response) respond_to_prices(spec_, month, st);
    double requested[Cap::kMaterials][W], approved[Cap::kMaterials][W], smuggled[Cap::kMaterials][W];
    std::int32_t licence[Cap::kMaterials][W];  ///< days from the request to the export
    const std::int32_t month_days =
        (month + 1 < spec_.n_months ? spec_.month_start_day[month + 1] : spec_.last_month_end_day) - t;
    // A material no lane asks China for this month (one without China flow: `reerisk size`
    // leaves materials out so) approves, licenses and leaks nothing whatever its draws, which
    // are keyed by material and so are skipped without moving any other draw.
    bool asked[Cap::kMaterials];
    for (int m = 0; m < M; ++m) {
      request_china_batch(spec_, m, month_days, st, requested[m]);
      int any = 0;
      for (int l = 0; l < W; ++l) any |= requested[m][l] > 0.0;
      asked[m] = any != 0;
    }

    int licensing = 0;
    for (int l = 0; l < W; ++l) licensing |= spec_.regimes[st.regime[l]].licensing ? 1 : 0;
    double approval_u[Cap::kMaterials][W];
    double licence_z[Cap::kMaterials][W];
    if (licensing) {
      for (int m = 0; m < M; ++m) {
        // A material licensed in lots draws its approvals and licence times there.
        if (!asked[m] || spec_.licence_lots[m] > 1) continue;
        first_uniform_lanes<W, Simd>(seed_, paths, Purpose::kApproval, m, step, approval_u[m]);
        draw_licence_normals<Simd>(spec_, seed_, paths, Purpose::kLicenceDays, m, step,
                                   approval_u[m], st.approval_share, st, licence_z[m]);
      }
    }

    for (int m = 0; m < M; ++m) {
      if (!asked[m]) {
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) approved[m][l] = 0.0;
        continue;
      }
      double throttle[W];
      draw_throttles<Simd>(spec_, seed_, paths, Purpose::kThrottle, m, step, st, throttle);
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) approved[m][l] = requested[m][l] * throttle[l];
    }
    // Each lane's China nodes keep their order within a bucket and material, so enqueueing
    // the lots here, before the smuggled batches, sums the pools alike.
    for (int m = 0; m < M; ++m) {
      if (spec_.licence_lots[m] > 1 && asked[m]) {
        license_lots_lanes<Simd>(spec_, seed_, st, paths, t, m, step, st.approval_share,
                                 Purpose::kApproval, Purpose::kLicenceDays, approved[m]);
      }
    }
    for (int l = 0; l < W; ++l) {
      const std::uint64_t path = paths[l];
      const RegimeSpec& reg = spec_.regimes[st.regime[l]];
      count(layout_.regime_occupancy + static_cast<std::uint64_t>(month) * layout_.R + st.regime[l], st, l);
      ++st.months_in_regime[st.regime[l]][l];
      for (int m = 0; m < M; ++m) {
        licence[m][l] = 0;
        if (reg.licensing && spec_.licence_lots[m] <= 1 && asked[m]) {  // lots: licensed above
          if (approval_u[m][l] < st.approval_share[l]) {
            licence[m][l] = licence_lead_days(seed_, reg.licence_days[m], licence_z[m][l], path,
                                              Purpose::kLicenceDays, m, step);
          } else {
            approved[m][l] = 0.0;
          }
        }
        // Smuggling leaks a share of what was blocked (requested minus approved, §6).
        const double gap = requested[m][l] - approved[m][l];
        const double blocked = gap > 0.0 ? gap : 0.0;
        smuggled[m][l] = st.leakage[l] * blocked;
      }
    }

    double seizure_u[Cap::kMaterials][W];
    for (int m = 0; m < M; ++m) {
      int any = 0;
      for (int l = 0; l < W; ++l) any |= smuggled[m][l] > 0.0;
      if (any) {
        first_uniform_lanes<W, Simd>(seed_, paths, Purpose::kSeizure, m, step, seizure_u[m]);
      }
    }
    for (int l = 0; l < W; ++l) {
      const RegimeSpec& reg = spec_.regimes[st.regime[l]];
      const bool licensing = reg.licensing;
      for (int m = 0; m < M; ++m) {
        const bool by_lots = licensing && spec_.licence_lots[m] > 1;  // enqueued above
        // On order whether or not the export falls inside the horizon (enqueue_batch drops it
        // then), as seed_exports counts lots: later orders must not depend on the horizon.
        if (!by_lots && approved[m][l] > 0.0) {
          enqueue_batch(spec_, st, l, t + licence[m][l], m,
                  licensing ? kAwaitingExport : kAwaitingExportUnlicensed,
                  approved[m][l] / batch_tranches(spec_, m));
          st.china_on_order[m][l] += approved[m][l];
        }
        if (smuggled[m][l] > 0.0) {
          st.smuggled[m][l] += smuggled[m][l];
          count(layout_.smuggled_batches + m, st, l);
          if (seizure_u[m][l] < st.interdiction[l]) {
            st.seized[m][l] += smuggled[m][l];
            count(layout_.seized_batches + m, st, l);
          } else {
            enqueue_batch(spec_, st, l, t + spec_.smuggling_delay_days, m, kSmuggled, smuggled[m][l]);
          }
        }
      }
    }

    const double day = t;
    for (int p = 0; p < spec_.n_plants; ++p) {
      if (t < st.plant_first_day[p]) continue;  // no lane runs it yet
      const PlantSpec& pl = spec_.plants[p];
      LaneFlag running[W];
      int any = 0;
      for (int l = 0; l < W; ++l) {
        running[l] = day >= st.plant_run_from[p][l];
        any |= running[l];
      }
      if (!any) continue;
      double u[W];
      first_uniform_lanes<W, Simd>(seed_, paths, Purpose::kPlantOutage, p, step, u);
      for (int l = 0; l < W; ++l) {
        if (running[l] && u[l] < pl.outage_probability_per_month) {
          st.plant_run_from[p][l] =  // after its start: the outage's end
              t + round_days(sample(pl.outage_days, seed_, paths[l],
                                    Purpose::kPlantOutageDays, p, step));
        }
      }
    }
  }

  /// Bins the month's price multiplier, China exports and deliveries per material and clears
  /// the month's accumulators.
  RR_HD void close_month(std::int32_t month, State& st) const {
    const std::uint64_t K = static_cast<std::uint64_t>(layout_.K);
    const std::int32_t next_month_day =
        month + 1 < spec_.n_months ? spec_.month_start_day[month + 1] : spec_.horizon_days;
    for (int m = 0; m < spec_.n_materials; ++m) {
      const double cap = spec_.price_cap[m];
      const double log_cap = log(cap);
      const double saturating = price_saturating_ratio(spec_.price_elasticity[m], cap);
      const std::uint64_t km = static_cast<std::uint64_t>(month) * layout_.M + m;
      double* price = st.price_history[month % kMaxResponseLag][m];
      for (int l = 0; l < W; ++l) {
        double x = price_multiplier(st.month_demand[m][l], st.month_supply[m][l],
                                    spec_.price_elasticity[m], cap, saturating);
        // Licensing friction scales the deficit term where there are buyers (§6 "Price").
        const double premium = st.price_premium[m][l];
        if (premium != 1.0 && st.month_demand[m][l] > 0.0) {
          x *= premium;
          x = x < 1.0 ? 1.0 : (x > cap ? cap : x);
        }
        price[l] = x;
        st.month_demand[m][l] = 0.0;
        st.month_supply[m][l] = 0.0;
      }
      int price_bin_of[W], shipped_bin_of[W];
      price_bins_lanes<W>(price, cap, log_cap, price_bin_of);
      tonne_bins_lanes<W>(st.shipped[m], shipped_bin_of);
      for (int l = 0; l < W; ++l) {
        count(layout_.price_hist + km * kPriceSlots + price_bin_of[l], st, l);
        count(layout_.shipped_hist + km * kTonneSlots + shipped_bin_of[l], st, l);
        add_sum(layout_.shipped_sum + km, to_sum_units(st.shipped[m][l]), st, l);
        st.shipped[m][l] = 0.0;
      }
      for (int s = 0; s < spec_.n_segments; ++s) {
        const std::uint64_t at = layout_.delivered_sum + layout_.sm(s, m) * K + month;
        const std::uint64_t fill_at = layout_.fill_month_sum + layout_.sm(s, m) * K + month;
        double* consumed = st.consumed[m][s];
        double* demanded = st.demanded[m][s];
        const double* inventory = st.inventory[m][s];
        double* at_close = st.inventory_at_close[m][s];
        const LaneDay<W>* first_line_stop = st.first_line_stop[m][s];
        LaneDay<W>* disruption_from = st.disruption_from[m][s];
        double got[W];
        std::uint64_t lane_kg[W], lane_fill[W];
        std::uint64_t kg = 0, fill = 0;
        RR_SIMD_LANES_SUM(kg, fill)
        for (int l = 0; l < W; ++l) {
          // The month's receipts: what it consumed plus the change of inventory.
          got[l] = consumed[l] + inventory[l] - at_close[l];
          at_close[l] = inventory[l];
          // Receipts that met the month's demand end a disruption not yet dated by a line stop.
          const LaneFlag met = !(demanded[l] - got[l] > kShortfallEpsilon);
          disruption_from[l] =
              met & (first_line_stop[l] == spec_.horizon_days) ? next_month_day : disruption_from[l];
          lane_kg[l] = to_sum_units(consumed[l]);
          lane_fill[l] = to_fill_units(fill_rate(consumed[l], demanded[l]));
          kg += lane_kg[l];
          fill += lane_fill[l];
          st.consumed_total[m][s][l] += consumed[l];
          st.demanded_total[m][s][l] += demanded[l];
          consumed[l] = 0.0;
          demanded[l] = 0.0;
        }
        if (spec_.costs) {  // at the month's price multiplier
          for (int l = 0; l < W; ++l) {
            st.procurement_usd[s][l] += (got[l] > 0.0 ? got[l] : 0.0) * price[l] * spec_.base_price_usd_per_t[m];
          }
        }
        if (spec_.importance_sampling) {
          for (int l = 0; l < W; ++l) {
            add_weighted_value(at, lane_kg[l], st, l);
            add_weighted_value(fill_at, lane_fill[l], st, l);
          }
        }
        if (kg) add(at, kg);
        add(fill_at, fill);
      }
    }
    if (month % kMonthsPerQuarter == kMonthsPerQuarter - 1 || month + 1 == spec_.n_months) {
      close_quarter(month / kMonthsPerQuarter, st);
    }
  }

  /// Bins each plant's output over quarter @p q (all its materials) and starts the next. Out of
  /// line on the GPU (four times a year), where inlined it made the day loop spill.
  RR_HD_COLD void close_quarter(std::int32_t q, State& st) const {
    for (int p = 0; p < spec_.n_plants; ++p) {
      double nameplate = 0.0;  // t/day, all materials
      for (int m = 0; m < spec_.n_materials; ++m) nameplate += spec_.plants[p].output_t_per_day[m];
      const std::uint64_t qp = static_cast<std::uint64_t>(q) * layout_.P + p;
      double tonnes[W];
      int bin_of[W];
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        tonnes[l] = st.plant_quarter_days[p][l] * nameplate;
        st.plant_quarter_days[p][l] = 0.0;
      }
      tonne_bins_lanes<W>(tonnes, bin_of);
      for (int l = 0; l < W; ++l) {
        count(layout_.plant_output_hist + qp * kTonneSlots + bin_of[l], st, l);
        add_sum(layout_.plant_output_sum + qp, to_sum_units(tonnes[l]), st, l);
      }
    }
  }

  /// Arrivals, offtake, pool allocation, stockpile, consumption for day @p t (§1 order).
  RR_HD void simulate_day(LanePaths paths, std::int32_t t, State& st) const {
    const int M = spec_.n_materials;
    const int S = spec_.n_segments;
    receive_arrivals(spec_, t, st);

    float demand_factor[Cap::kSegments][W];
    draw_demand_factors(paths, t, demand_factor);

    // Output fraction of each plant today, added to its quarter's output (plants.hpp).
    double plant_fraction[Cap::kPlants][W];
    plant_fractions_today(spec_, t, st, plant_fraction);

    for (int m = 0; m < M; ++m) {
      double* inventory = &st.inventory[m][0][0];  // [segment][lane]

      // Plant output: offtake straight to its segments, the rest to the non-China bucket.
      double offtake_today[W];
      deliver_plant_output(spec_, t, m, plant_fraction, observer_, st, offtake_today);

      // Pool allocation by need, most restricted bucket first; what a bucket gives reduces the
      // need the next one sees.
      double need[Cap::kSegments * W];
      const double* target = spec_.target_t[m];
      for (int s = 0; s < S; ++s) {
        const double target_s = target[s];
        if (!(target_s > 0.0)) continue;  // out of this material's allocation (pool_eligibility)
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          const double gap = target_s - inventory[s * W + l];
          need[s * W + l] = gap > 0.0 ? gap : 0.0;
        }
      }
      for (int b = 0; b < kBuckets; ++b) {
        double* pool = st.pool[b][m];
        double available[W], handed[W];
        LaneMask any = 0;
        RR_SIMD_LANES_ANY(any)
        for (int l = 0; l < W; ++l) {
          available[l] = pool[l] > 0.0 ? pool[l] : 0.0;
          any |= pool[l] > 0.0;
        }
        if (!any) continue;
        allocate_lanes<W>(spec_.allocation_order, spec_.pool_eligibility[m][b], &st.eligible[b][0][0],
                          need, available, inventory, handed);
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) {
          pool[l] = pool[l] - handed[l] > 0.0 ? pool[l] - handed[l] : 0.0;
        }
      }

      if (spec_.has_stockpile) release_and_refill_stockpile(spec_, m, st);

      // Consumption and stockout bookkeeping.
      const double* demand_mean = spec_.demand_t[m];
      const std::int32_t never = spec_.horizon_days;  // first_stockout of a path not yet out
      double demand_total[W];
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) demand_total[l] = 0.0;
      LaneFlag was_short[W] = {}, was_stopped[W] = {};  // importance sampling only
      for (int s = 0; s < S; ++s) {
        double* shortfall = st.shortfall[m][s];
        LaneDay<W>* stockout_days = st.stockout_days[m][s];
        LaneDay<W>* first_stockout = st.first_stockout[m][s];
        LaneBit<W>* in_stockout = st.in_stockout[m][s];
        LaneDay<W>* line_stop_days = st.line_stop_days[m][s];
        LaneDay<W>* first_line_stop = st.first_line_stop[m][s];
        LaneBit<W>* in_line_stop = st.in_line_stop[m][s];
        std::int32_t* spell_from = st.stop_spell_from[m][s];
        double* consumed = st.consumed[m][s];
        double* demanded = st.demanded[m][s];
        const double* scale = st.demand_scale[m][s];
        const double mean_s = demand_mean[s];
        // A segment that does not use the material demands 0 every day: it consumes nothing,
        // is never short and adds zeros, so it is skipped (the same bits).
        if (!(mean_s > 0.0)) continue;
        // A line stop: short by more than (1 - line_stop_fill) of the day's demand (plus the
        // stockout's epsilon, so that a fill of 1 gives the stockout days exactly).
        const double slack = 1.0 - spec_.segments[s].line_stop_fill;
        int starts = 0, ends = 0;  // stockout spells starting today, and ended yesterday
        int stop_starts = 0, stop_ends = 0;  // the same for line stops
        // The day's consumption, in doubles; the spell bookkeeping below reads its demand and
        // shortage.
        double day_demand[W], day_short[W];
        LaneMask any_short = 0;
        RR_SIMD_LANES_ANY(any_short)
        for (int l = 0; l < W; ++l) {
          const double demand = mean_s * demand_factor[s][l] * scale[l];
          demand_total[l] += demand;
          demanded[l] += demand;
          const double have = inventory[s * W + l];
          const double used = have < demand ? have : demand;
          inventory[s * W + l] = have - used;
          consumed[l] += used;
          const double short_t = demand - used;
          // The double comparison selects the double (a mask of its width, no conversion).
          shortfall[l] += short_t > kShortfallEpsilon ? short_t : 0.0;
          day_demand[l] = demand;
          day_short[l] = short_t;
          any_short |= short_t > kShortfallEpsilon;
        }
        // Stockout and line-stop spells. On a day no lane is short and none was in a spell,
        // every flag stays 0 and every counter adds 0, so the pass is skipped: the same bits,
        // and most of a healthy block's day. (A line stop is a shortage too: its threshold,
        // slack x demand + epsilon, is at least epsilon.)
        if (!any_short && !st.spell_open(m, s) && slack >= 0.0) continue;
        if (spec_.importance_sampling) {  // yesterday's flags, for the weighted spell counts
          for (int l = 0; l < W; ++l) {
            was_short[l] = in_stockout[l];
            was_stopped[l] = in_line_stop[l];
          }
        }
        LaneFlag in_spell = 0;
        RR_SIMD_LANES_SUM(starts, ends, stop_starts, stop_ends, in_spell)
        for (int l = 0; l < W; ++l) {
          const double demand = day_demand[l];
          const double short_t = day_short[l];
          // A spell starts where today is short and yesterday was not (short - both) and
          // ends where yesterday was and today is not (was - both): no negated comparison,
          // which the compiler would convert from a double mask a second time.
          const LaneFlag is_short = short_t > kShortfallEpsilon;
          const LaneFlag short_both = is_short & in_stockout[l];
          stockout_days[l] += is_short;
          starts += is_short - short_both;
          ends += in_stockout[l] - short_both;
          in_stockout[l] = is_short;
          const LaneFlag is_stop = short_t > slack * demand + kShortfallEpsilon;
          const LaneFlag stop_both = is_stop & in_line_stop[l];
          line_stop_days[l] += is_stop;
          stop_starts += is_stop - stop_both;
          stop_ends += in_line_stop[l] - stop_both;
          in_line_stop[l] = is_stop;
          in_spell += is_short | is_stop;
        }
        if constexpr (State::kSpellsApart) st.any_in_spell[m][s] = in_spell != 0;
        // With many lanes, adding a zero costs less than a branch the lanes make unpredictable;
        // one lane (a GPU thread, whose adds are atomics) adds only what is not zero.
        const std::uint64_t at = layout_.sm(s, m) * layout_.H + t;
        if (W > 1 || starts) add(layout_.run_starts + at, static_cast<std::uint64_t>(starts));
        if (W > 1 || ends) add(layout_.run_ends + at, static_cast<std::uint64_t>(ends));
        if (W > 1 || stop_starts) {
          add(layout_.line_stop_starts + at, static_cast<std::uint64_t>(stop_starts));
        }
        if (W > 1 || stop_ends) add(layout_.line_stop_ends + at, static_cast<std::uint64_t>(stop_ends));
        if (spec_.importance_sampling && (starts | ends | stop_starts | stop_ends)) {
          for (int l = 0; l < W; ++l) {
            if (in_stockout[l] != was_short[l]) {
              add_weight((in_stockout[l] ? layout_.run_starts : layout_.run_ends) + at, st, l);
            }
            if (in_line_stop[l] != was_stopped[l]) {
              add_weight((in_line_stop[l] ? layout_.line_stop_starts : layout_.line_stop_ends) + at, st, l);
            }
          }
        }
        // Spells start and end on few days, so what changes only then is kept outside the
        // loop above, on the days some lane starts or ends one: the same bits as inside it,
        // and two state arrays fewer to read every day. A first stockout or line stop is the
        // first day of a spell: a lane in one whose first day is still `never` starts it
        // today. A lane out of its line stop whose spell still has a first day ended it
        // yesterday.
        if (stop_ends) {
          const std::uint64_t H1 = static_cast<std::uint64_t>(layout_.H) + 1;
          const std::uint64_t recover = layout_.recover_hist + layout_.sm(s, m) * H1;
          // The lanes that ended a spell, listed without a branch per lane (a branch on lanes
          // that flip in and out of line stops mispredicts).
          int ended[W];
          int n_ended = 0;
          for (int l = 0; l < W; ++l) {
            ended[n_ended] = l;
            n_ended += (in_line_stop[l] ^ 1) & (spell_from[l] >= 0);
          }
          for (int k = 0; k < n_ended; ++k) {
            const int l = ended[k];
            count(recover + (t - spell_from[l]), st, l);
            spell_from[l] = -1;
          }
        }
        if (starts) {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) {
            const LaneFlag first = in_stockout[l] & (first_stockout[l] == never);
            first_stockout[l] = first ? t : first_stockout[l];
          }
        }
        if (stop_starts) {
          RR_SIMD_LANES
          for (int l = 0; l < W; ++l) {
            const LaneFlag first = in_line_stop[l] & (first_line_stop[l] == never);
            first_line_stop[l] = first ? t : first_line_stop[l];
            spell_from[l] = (in_line_stop[l] & (spell_from[l] < 0)) ? t : spell_from[l];
          }
        }
      }
      RR_SIMD_LANES
      for (int l = 0; l < W; ++l) {
        st.month_demand[m][l] += demand_total[l] - offtake_today[l];
      }
    }
  }

  /// Daily demand factor per segment, shared by its materials: drawn (draw_demand_factors_anew)
  /// or, in the second run of a compare, replayed from the first's (SharedDemandFactors).
  RR_HD void draw_demand_factors(LanePaths paths, std::int32_t t,
                                 float (*factor)[W]) const {
    const SharedDemandFactors shared = shared_demand_of<W>(observer_, 0);
    const int S = spec_.n_segments;
    float* day = shared.factors ? shared.factors + static_cast<std::int64_t>(t) * S * W : nullptr;
    if (day && shared.replay) {
      for (int s = 0; s < S; ++s) {
        for (int l = 0; l < W; ++l) factor[s][l] = day[s * W + l];
      }
      return;
    }
    draw_demand_factors_anew(paths, t, factor);
    if (day) {
      for (int s = 0; s < S; ++s) {
        for (int l = 0; l < W; ++l) day[s * W + l] = factor[s][l];
      }
    }
  }

  /// Lognormal with mean 1. One stream per path and day; segment s always takes the stream's
  /// s-th normal, so a segment's noise does not depend on the others' settings
  /// (demand_noise.hpp).
  RR_HD void draw_demand_factors_anew(LanePaths paths, std::int32_t t, float (*factor)[W]) const {
    if (!spec_.any_demand_noise) {
      for (int s = 0; s < spec_.n_segments; ++s) {
        RR_SIMD_LANES
        for (int l = 0; l < W; ++l) factor[s][l] = 1.0f;
      }
      return;
    }
    lognormal_demand_factors<W, Simd>(seed_, paths, static_cast<std::uint32_t>(t),
                                      spec_.n_segments, spec_.demand_sigma, spec_.demand_drift,
                                      factor);
  }

  /// Adds the paths' per-path outcomes to the tally.
  RR_HD void finish(const State& st) const {
    const std::uint64_t H1 = static_cast<std::uint64_t>(layout_.H) + 1;
    for (int l = 0; l < W; ++l) {
      for (int s = 0; s < spec_.n_segments; ++s) {
        for (int m = 0; m < spec_.n_materials; ++m) {
          const std::uint64_t sm = layout_.sm(s, m);
          count(layout_.first_stockout + sm * H1 + st.first_stockout[m][s][l], st, l);
          count(layout_.stockout_days + sm * H1 + st.stockout_days[m][s][l], st, l);
          count(layout_.shortfall_hist + sm * kTonneSlots + tonne_bin(st.shortfall[m][s][l]), st, l);
          add_sum(layout_.shortfall_sum + sm, to_sum_units(st.shortfall[m][s][l]), st, l);
          count(layout_.first_line_stop + sm * H1 + st.first_line_stop[m][s][l], st, l);
          count(layout_.line_stop_days + sm * H1 + st.line_stop_days[m][s][l], st, l);
          if (st.first_line_stop[m][s][l] < layout_.H) {
            count(layout_.survive_hist + sm * layout_.H +
                      (st.first_line_stop[m][s][l] - st.disruption_from[m][s][l]), st, l);
          }
          if (st.in_line_stop[m][s][l]) {  // a spell the horizon cuts off
            count(layout_.recover_censored + sm * H1 + (layout_.H - st.stop_spell_from[m][s][l]), st, l);
          }
          const double fill = fill_rate(st.consumed_total[m][s][l], st.demanded_total[m][s][l]);
          count(layout_.fill_hist + sm * kFillSlots + fill_bin(fill), st, l);
          add_sum(layout_.fill_sum + sm, to_fill_units(fill), st, l);
        }
      }
      if (spec_.costs) {
        for (int s = 0; s < spec_.n_segments; ++s) {
          double short_t = 0.0;
          for (int m = 0; m < spec_.n_materials; ++m) short_t += st.shortfall[m][s][l];
          const double cost[2] = {st.procurement_usd[s][l],
                                  short_t * spec_.segments[s].shortfall_cost_usd_per_t};
          for (int c = 0; c < 2; ++c) {
            const std::uint64_t at = (static_cast<std::uint64_t>(s) * 2 + c) * kTonneSlots + usd_bin(cost[c]);
            count(layout_.cost_hist + at, st, l);
            add_sum(layout_.cost_bin_sum + at, to_usd_units(cost[c]), st, l);
          }
        }
      }
      for (int m = 0; m < spec_.n_materials; ++m) {
        count(layout_.smuggled_hist + static_cast<std::uint64_t>(m) * kTonneSlots +
                  tonne_bin(st.smuggled[m][l]), st, l);
        count(layout_.seized_hist + static_cast<std::uint64_t>(m) * kTonneSlots +
                  tonne_bin(st.seized[m][l]), st, l);
        add_sum(layout_.smuggled_sum + m, to_sum_units(st.smuggled[m][l]), st, l);
        add_sum(layout_.seized_sum + m, to_sum_units(st.seized[m][l]), st, l);
      }
      count(layout_.paths, st, l);  // its twin: the sums of w and w^2 over all paths
      if (st.overflow[l]) count(layout_.overflow, st, l);
    }
  }


  const ModelSpec& spec_;
  const TallyLayout& layout_;
  std::uint64_t* tally_;
  std::uint64_t seed_;
  Observer observer_;
};

/// A stop condition that never holds (the GPU cannot poll host memory).
struct NeverStop {
  RR_HD bool operator()() const { return false; }
};

/// Simulates @p n paths into one tally: whole blocks of W paths, then what is left in blocks of
/// 8 and one at a time (the same outcomes, path by path; the smaller blocks keep a short range
/// from running mostly one path at a time). The paths are @p paths[0 .. n-1]: consecutive from
/// a first index, or a list of any indices (lane_paths.hpp); a path gives the same bits in any
/// block and lane, since its draws are keyed by its index. @p stop() is asked before every
/// block; when it holds the run ends early and the caller must discard the tally.
template <int W, class Observer, class Stop, class Cap = FullCapacity>
RR_HD void run_paths_in_blocks(const ModelSpec& spec, const TallyLayout& layout,
                               std::uint64_t* tally, std::uint64_t seed, LanePaths paths,
                               std::uint64_t n, const Observer& observer, const Stop& stop) {
  const PathModel<W, Observer, Cap> block(spec, layout, tally, seed, observer);
  std::uint64_t i = 0;
  for (; i + W <= n; i += W) {
    if (stop()) return;
    block.run(paths.from(i));
  }
  if (W > 8) {
    const PathModel<(W > 8 ? 8 : 1), Observer, Cap> small(spec, layout, tally, seed, observer);
    for (; i + 8 <= n; i += 8) {
      if (stop()) return;
      small.run(paths.from(i));
    }
  }
  if (W > 1) {
    const PathModel<1, Observer, Cap> single(spec, layout, tally, seed, observer);
    for (; i < n; ++i) {
      if (stop()) return;
      single.run(paths.from(i));
    }
  }
}

/// Simulates paths [begin, end) into one tally (run_paths_in_blocks).
template <int W, class Observer, class Stop, class Cap = FullCapacity>
RR_HD void run_path_range(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                          std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                          const Observer& observer, const Stop& stop) {
  run_paths_in_blocks<W, Observer, Stop, Cap>(spec, layout, tally, seed, LanePaths(begin),
                                              end - begin, observer, stop);
}

RR_KERNEL_CODE_END
}  // namespace rr
