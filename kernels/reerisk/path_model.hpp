/// @file path_model.hpp
/// One path of the daily-step supply model (MODEL.md §1 and §6), written once for the GPU
/// and the CPU. No I/O, no allocation, no exceptions: outcomes go into the integer tally.
#pragma once

#include <cstdint>

#include "reerisk/allocation.hpp"
#include "reerisk/demand_noise.hpp"
#include "reerisk/dist.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/rng.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Pool buckets, allocated in this order (most restricted first, MODEL.md §6).
enum Bucket : std::int32_t { kSmuggled = 0, kChinaLegal = 1, kNonChina = 2, kBuckets = 3 };
static_assert(kBuckets == kPoolBuckets, "ModelSpec::eligible is indexed by Bucket");

/// next_arrival when nothing is in transit.
constexpr std::int32_t kNoArrival = 0x7fffffff;

/// A shortfall above this many tonnes makes a stockout day (MODEL.md §5).
constexpr double kShortfallEpsilon = 1e-9;

/// Ramp-and-cap output fraction of a plant @p age_days after its start (MODEL.md §6):
/// linear from 0 to 1 over @p ramp_days, evaluated at the end of the day (so the start day
/// delivers 1/ramp_days), 1 at once for a zero ramp, capped at @p first_year_cap for the
/// first 365 days. 0 before the start.
RR_HD_INLINE double plant_output_fraction(std::int32_t age_days, double ramp_days,
                                          double first_year_cap) {
  if (age_days < 0) return 0.0;
  double f = 1.0;
  if (ramp_days > 0.0) {
    f = (age_days + 1.0) / ramp_days;
    if (f > 1.0) f = 1.0;
  }
  if (age_days < 365 && f > first_year_cap) f = first_year_cap;
  return f;
}

/// Rounds to the nearest whole day, saturating far outside any horizon.
RR_HD_INLINE std::int32_t round_days(double days) {
  if (!(days < 1e9)) return 1000000000;
  if (!(days > -1e9)) return -1000000000;
  return static_cast<std::int32_t>(floor(days + 0.5));
}

/// Everything one path carries from day to day.
struct PathState {
  struct Transit {
    std::int32_t day;
    std::int16_t material;
    std::int16_t bucket;
    double tonnes;
  };

  std::int32_t regime = 0;
  std::int32_t initial_regime = 0;
  std::int32_t episode = 0;
  std::int32_t months_in_regime[kMaxRegimes];  ///< month starts spent in each state
  double approval_share = 1.0;  ///< q of the current regime episode
  double leakage = 0.0;
  double interdiction = 0.0;

  bool plant_cancelled[kMaxPlants];
  std::int32_t plant_start[kMaxPlants];
  double plant_ramp_days[kMaxPlants];
  std::int32_t plant_outage_until[kMaxPlants];

  // Per (material, segment): [m][s], so each material's loop over segments is contiguous.
  double cover_days[kMaxSegments];    ///< initial cover drawn for each segment
  double inventory[kMaxMaterials][kMaxSegments];
  std::int32_t first_stockout[kMaxMaterials][kMaxSegments];
  std::int32_t stockout_days[kMaxMaterials][kMaxSegments];
  bool in_stockout[kMaxMaterials][kMaxSegments];
  double shortfall[kMaxMaterials][kMaxSegments];

  double pool[kBuckets][kMaxMaterials];
  double stockpile[kMaxMaterials];
  double stockpile_ceiling[kMaxMaterials];

  double month_demand[kMaxMaterials];
  double month_supply[kMaxMaterials];
  double smuggled[kMaxMaterials];
  double seized[kMaxMaterials];

  Transit transit[kMaxPending];
  std::int32_t n_transit = 0;
  std::int32_t next_arrival = 0;  ///< earliest day in transit (kNoArrival when none)
  bool overflow = false;
};

/// Observer hooks for tests and per-path traces; the default does nothing and compiles away.
struct NullObserver {
  RR_HD void plant_output(std::int32_t, int, int, double) const {}
  RR_HD void day_end(std::int32_t, const PathState&) const {}
  RR_HD void path_end(std::uint64_t, const PathState&) const {}
};

/// Simulates one path and adds its outcomes to a tally.
///
/// @tparam Observer receives plant output and end-of-day state (tests); NullObserver in runs.
template <class Observer = NullObserver>
class PathModel {
 public:
  /// @param spec   the scenario (device or host memory)
  /// @param layout offsets into @p tally
  /// @param tally  counters this path adds to (atomically on the GPU)
  /// @param seed   run seed (MODEL.md §3)
  RR_HD PathModel(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                  std::uint64_t seed, const Observer& observer = Observer())
      : spec_(spec), layout_(layout), tally_(tally), seed_(seed), observer_(observer) {}

  /// Runs path @p path from day 0 to the horizon and tallies its outcomes.
  RR_HD void run(std::uint64_t path) const {
    PathState st;
    init(path, st);
    std::int32_t month = -1;
    std::int32_t next_event = 0;
    const std::int32_t H = spec_.horizon_days;
    for (std::int32_t t = 0; t < H; ++t) {
      const bool month_start = month + 1 < spec_.n_months && spec_.month_start_day[month + 1] == t;
      if (month_start) {
        if (month >= 0) close_month(month, st);
        ++month;
      }
      update_regime(path, t, month, month_start, next_event, st);
      if (month_start) start_month(path, t, month, st);
      simulate_day(path, t, st);
      observer_.day_end(t, st);
    }
    if (month >= 0) close_month(month, st);
    finish(st);
    observer_.path_end(path, st);
  }

 private:
  RR_HD void add(std::uint64_t index, std::uint64_t value = 1) const {
    tally_add(tally_ + index, value);
  }

  RR_HD void init(std::uint64_t path, PathState& st) const {
    const int M = spec_.n_materials;
    const int S = spec_.n_segments;
    const double days_per_month = 365.0 / 12.0;

    st.leakage = sample(spec_.leakage, seed_, path, Purpose::kLeakage, 0, 0);
    st.interdiction = sample(spec_.interdiction, seed_, path, Purpose::kInterdiction, 0, 0);

    for (int p = 0; p < spec_.n_plants; ++p) {
      const PlantSpec& pl = spec_.plants[p];
      st.plant_cancelled[p] =
          bernoulli(pl.cancel_probability, seed_, path, Purpose::kPlantCancel, p, 0);
      const double delay = sample(pl.delay_months, seed_, path, Purpose::kPlantDelay, p, 0);
      st.plant_start[p] = round_days(pl.planned_start_day + delay * days_per_month);
      st.plant_ramp_days[p] =
          sample(pl.ramp_months, seed_, path, Purpose::kPlantRamp, p, 0) * days_per_month;
      st.plant_outage_until[p] = 0;
      if (st.plant_cancelled[p]) {
        add(layout_.plant_cancelled + p);
      } else {
        add(layout_.plant_start + static_cast<std::uint64_t>(p) * (layout_.K + 2) +
            plant_start_bin(st.plant_start[p]));
      }
    }

    for (int m = 0; m < M; ++m) {
      for (int b = 0; b < kBuckets; ++b) st.pool[b][m] = 0.0;
      st.month_demand[m] = 0.0;
      st.month_supply[m] = 0.0;
      st.smuggled[m] = 0.0;
      st.seized[m] = 0.0;
      st.stockpile_ceiling[m] = 0.0;
    }
    for (int s = 0; s < S; ++s) {
      const SegmentSpec& seg = spec_.segments[s];
      const double cover = sample(seg.cover_days, seed_, path, Purpose::kCover, s, 0);
      st.cover_days[s] = cover;
      for (int m = 0; m < M; ++m) {
        st.inventory[m][s] = cover * seg.demand_t_per_day[m];
        st.first_stockout[m][s] = spec_.horizon_days;
        st.stockout_days[m][s] = 0;
        st.in_stockout[m][s] = false;
        st.shortfall[m][s] = 0.0;
        if (spec_.has_stockpile && seg.stockpile_participant) {
          st.stockpile_ceiling[m] += spec_.stockpile_cover_days * seg.demand_t_per_day[m];
        }
      }
    }
    for (int m = 0; m < M; ++m) st.stockpile[m] = st.stockpile_ceiling[m];
    st.n_transit = 0;
    st.next_arrival = kNoArrival;
    st.overflow = false;

    Stream rs(seed_, path, Purpose::kRegimeInitial, 0, 0);
    st.regime = pick(rs.uniform(), spec_.n_regimes,
                     [&](int r) { return spec_.regimes[r].initial_probability; });
    st.initial_regime = st.regime;
    st.episode = 0;
    for (int r = 0; r < spec_.n_regimes; ++r) st.months_in_regime[r] = 0;
    if (spec_.pipeline_at_start) seed_pipeline(path, st);
  }

  /// pipeline_at_start: the China and smuggled batches of the pre-start months that are still
  /// in transit on day 0, drawn as if the initial regime had held before day 0 (one approval
  /// share q for that episode). Pre-start seizures are not counted in the run's totals.
  RR_HD void seed_pipeline(std::uint64_t path, PathState& st) const {
    const RegimeSpec& reg = spec_.regimes[st.regime];
    const double q =
        reg.licensing ? sample(reg.approval, seed_, path, Purpose::kPipelineShare, 0, 0) : 1.0;
    for (int j = 0; j < spec_.n_pipeline_months; ++j) {
      const std::int32_t day = spec_.pipeline_month_start_day[j];
      const std::uint32_t step = static_cast<std::uint32_t>(j);
      for (int m = 0; m < spec_.n_materials; ++m) {
        const double baseline = spec_.china_t_per_month[m];
        double approved =
            baseline * sample(reg.throttle[m], seed_, path, Purpose::kPipelineThrottle, m, step);
        std::int32_t lead = spec_.shipping_days[m];
        if (reg.licensing) {
          Stream s(seed_, path, Purpose::kPipelineApproval, m, step);
          if (s.uniform() < q) {
            lead += round_days(
                sample(reg.licence_days, seed_, path, Purpose::kPipelineLicenceDays, m, step));
          } else {
            approved = 0.0;
          }
        }
        if (day + lead >= 0) enqueue(st, day + lead, m, kChinaLegal, approved);
        const double blocked = baseline - approved > 0.0 ? baseline - approved : 0.0;
        const double smuggled = st.leakage * blocked;
        if (smuggled > 0.0 && day + spec_.smuggling_delay_days >= 0 &&
            !bernoulli(st.interdiction, seed_, path, Purpose::kPipelineSeizure, m, step)) {
          enqueue(st, day + spec_.smuggling_delay_days, m, kSmuggled, smuggled);
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

  RR_HD void enqueue(PathState& st, std::int32_t day, int m, int bucket, double tonnes) const {
    if (day >= spec_.horizon_days || !(tonnes > 0.0)) return;  // after the horizon: dropped
    if (st.n_transit == kMaxPending) {
      st.overflow = true;
      return;
    }
    if (day < st.next_arrival) st.next_arrival = day;
    PathState::Transit& tr = st.transit[st.n_transit++];
    tr.day = day;
    tr.material = static_cast<std::int16_t>(m);
    tr.bucket = static_cast<std::int16_t>(bucket);
    tr.tonnes = tonnes;
  }

  /// Regime at the start of day @p t (§6 "Calendar"): the chain's step at every month start
  /// after day 0 (day 0's draw is in init()), then the events dated today; day 0 and every
  /// change of state start a new episode with a fresh approval share q.
  RR_HD void update_regime(std::uint64_t path, std::int32_t t, std::int32_t month,
                           bool month_start, std::int32_t& next_event, PathState& st) const {
    const int R = spec_.n_regimes;
    const std::int32_t before = st.regime;
    if (t > 0 && month_start) {  // day 0's state was drawn in init()
      Stream s(seed_, path, Purpose::kRegimeStep, 0, static_cast<std::uint32_t>(month));
      const RegimeSpec& cur = spec_.regimes[st.regime];
      st.regime = pick(s.uniform(), R, [&](int r) { return cur.transition[r]; });
    }
    while (next_event < spec_.n_events && spec_.events[next_event].day <= t) {
      const EventSpec& ev = spec_.events[next_event];
      if (ev.day == t && st.regime != ev.to_regime &&
          bernoulli(ev.probability, seed_, path, Purpose::kEvent, next_event, 0)) {
        st.regime = ev.to_regime;
      }
      ++next_event;
    }
    if (t == 0 || st.regime != before) {
      const RegimeSpec& reg = spec_.regimes[st.regime];
      ++st.episode;
      st.approval_share = reg.licensing
          ? sample(reg.approval, seed_, path, Purpose::kApprovalShare, 0, st.episode)
          : 1.0;
    }
  }

  /// Occupancy record, China batches, smuggling and outage starts at a month start (§6).
  RR_HD void start_month(std::uint64_t path, std::int32_t t, std::int32_t month,
                         PathState& st) const {
    const RegimeSpec& reg = spec_.regimes[st.regime];
    add(layout_.regime_occupancy + static_cast<std::uint64_t>(month) * layout_.R + st.regime);
    ++st.months_in_regime[st.regime];

    const std::uint32_t step = static_cast<std::uint32_t>(month);
    for (int m = 0; m < spec_.n_materials; ++m) {
      const double baseline = spec_.china_t_per_month[m];
      const double throttle = sample(reg.throttle[m], seed_, path, Purpose::kThrottle, m, step);
      const double requested = baseline * throttle;
      double approved = requested;
      std::int32_t lead = spec_.shipping_days[m];
      if (reg.licensing) {
        Stream s(seed_, path, Purpose::kApproval, m, step);
        if (s.uniform() < st.approval_share) {
          lead += round_days(
              sample(reg.licence_days, seed_, path, Purpose::kLicenceDays, m, step));
        } else {
          approved = 0.0;
        }
      }
      enqueue(st, t + lead, m, kChinaLegal, approved);

      // Smuggling leaks a share of what was blocked (baseline minus approved, §6).
      const double blocked = baseline - approved > 0.0 ? baseline - approved : 0.0;
      const double smuggled = st.leakage * blocked;
      if (smuggled > 0.0) {
        st.smuggled[m] += smuggled;
        add(layout_.smuggled_batches + m);
        if (bernoulli(st.interdiction, seed_, path, Purpose::kSeizure, m, step)) {
          st.seized[m] += smuggled;
          add(layout_.seized_batches + m);
        } else {
          enqueue(st, t + spec_.smuggling_delay_days, m, kSmuggled, smuggled);
        }
      }
    }

    for (int p = 0; p < spec_.n_plants; ++p) {
      const PlantSpec& pl = spec_.plants[p];
      if (st.plant_cancelled[p] || t < st.plant_start[p] || t < st.plant_outage_until[p]) continue;
      if (bernoulli(pl.outage_probability_per_month, seed_, path, Purpose::kPlantOutage, p, step)) {
        st.plant_outage_until[p] =
            t + round_days(sample(pl.outage_days, seed_, path, Purpose::kPlantOutageDays, p, step));
      }
    }
  }

  /// Index drawn by inverse CDF over @p n weights; rounding residue goes to the last
  /// non-zero weight.
  template <class Weight>
  RR_HD static std::int32_t pick(double u, int n, Weight weight) {
    double acc = 0.0;
    int last = 0;
    for (int i = 0; i < n; ++i) {
      const double w = weight(i);
      if (w <= 0.0) continue;
      last = i;
      acc += w;
      if (u < acc) return i;
    }
    return last;
  }

  /// Bins the month's price multiplier per material and clears the month's accumulators.
  RR_HD void close_month(std::int32_t month, PathState& st) const {
    for (int m = 0; m < spec_.n_materials; ++m) {
      const double x = price_multiplier(st.month_demand[m], st.month_supply[m],
                                        spec_.price_elasticity[m], spec_.price_cap[m]);
      add(layout_.price_hist +
          (static_cast<std::uint64_t>(month) * layout_.M + m) * kPriceSlots +
          price_bin(x, spec_.price_cap[m]));
      st.month_demand[m] = 0.0;
      st.month_supply[m] = 0.0;
    }
  }

  /// Arrivals, offtake, pool allocation, stockpile, consumption for day @p t (§1 order).
  RR_HD void simulate_day(std::uint64_t path, std::int32_t t, PathState& st) const {
    const int M = spec_.n_materials;
    const int S = spec_.n_segments;
    if (t == st.next_arrival) receive_arrivals(t, st);

    float demand_factor[kMaxSegments];
    draw_demand_factors(path, t, demand_factor);

    // Output fraction of each plant today (0 when cancelled, not started or in an outage).
    double plant_fraction[kMaxPlants];
    for (int p = 0; p < spec_.n_plants; ++p) {
      const bool running =
          !st.plant_cancelled[p] && t >= st.plant_start[p] && t >= st.plant_outage_until[p];
      plant_fraction[p] = running ? plant_output_fraction(t - st.plant_start[p], st.plant_ramp_days[p],
                                                          spec_.plants[p].first_year_cap)
                                  : 0.0;
    }

    const bool(&eligible)[kBuckets][kMaxSegments] = spec_.eligible[st.regime];
    for (int m = 0; m < M; ++m) {
      double* inventory = st.inventory[m];

      // Plant output: offtake straight to its segments, the rest to the non-China bucket.
      double offtake_today = 0.0;
      for (int k = 0; k < spec_.n_producers[m]; ++k) {
        const int p = spec_.producers[m][k];
        if (plant_fraction[p] <= 0.0) continue;
        const PlantSpec& pl = spec_.plants[p];
        const double out = pl.output_t_per_day[m] * plant_fraction[p];
        observer_.plant_output(t, p, m, out);
        double rest = out;
        for (int j = 0; j < spec_.n_offtakers[p]; ++j) {
          const int s = spec_.offtakers[p][j];
          const double x = out * pl.offtake[s];
          inventory[s] += x;
          offtake_today += x;
          rest -= x;
        }
        if (rest > 0.0) {
          st.pool[kNonChina][m] += rest;
          st.month_supply[m] += rest;
        }
      }

      // Pool allocation by need, most restricted bucket first; what a bucket gives reduces the
      // need the next one sees.
      double need[kMaxSegments];
      const double* target = spec_.target_t[m];
      for (int s = 0; s < S; ++s) {
        const double gap = target[s] - inventory[s];
        need[s] = gap > 0.0 ? gap : 0.0;
      }
      for (int b = 0; b < kBuckets; ++b) {
        if (!(st.pool[b][m] > 0.0)) continue;
        const double handed =
            allocate(spec_.allocation_order, need, eligible[b], st.pool[b][m], inventory);
        st.pool[b][m] = st.pool[b][m] - handed > 0.0 ? st.pool[b][m] - handed : 0.0;
      }

      if (spec_.has_stockpile) release_and_refill_stockpile(m, st);

      // Consumption and stockout bookkeeping.
      const double* demand_mean = spec_.demand_t[m];
      double demand_total = 0.0;
      for (int s = 0; s < S; ++s) {
        const double demand = demand_mean[s] * demand_factor[s];
        demand_total += demand;
        const double have = inventory[s];
        const double used = have < demand ? have : demand;
        inventory[s] = have - used;
        const double short_t = demand - used;
        if (short_t > kShortfallEpsilon) {
          st.shortfall[m][s] += short_t;
          ++st.stockout_days[m][s];
          if (st.first_stockout[m][s] == spec_.horizon_days) st.first_stockout[m][s] = t;
          if (!st.in_stockout[m][s]) {
            st.in_stockout[m][s] = true;
            add(layout_.run_starts + layout_.sm(s, m) * layout_.H + t);
          }
        } else if (st.in_stockout[m][s]) {
          st.in_stockout[m][s] = false;
          add(layout_.run_ends + layout_.sm(s, m) * layout_.H + t);
        }
      }
      st.month_demand[m] += demand_total - offtake_today;
    }
  }

  /// China and smuggled batches arriving today go to their pool buckets (the transit list is
  /// scanned only on arrival days).
  RR_HD void receive_arrivals(std::int32_t t, PathState& st) const {
    std::int32_t next = kNoArrival;
    for (int i = 0; i < st.n_transit;) {
      PathState::Transit& tr = st.transit[i];
      if (tr.day == t) {
        st.pool[tr.bucket][tr.material] += tr.tonnes;
        st.month_supply[tr.material] += tr.tonnes;
        st.transit[i] = st.transit[--st.n_transit];
      } else {
        if (tr.day < next) next = tr.day;
        ++i;
      }
    }
    st.next_arrival = next;
  }

  /// Daily demand factor per segment, shared by its materials: lognormal with mean 1. One
  /// stream per day; segment s always takes the stream's s-th normal, so a segment's noise
  /// does not depend on the others' settings (demand_noise.hpp).
  RR_HD void draw_demand_factors(std::uint64_t path, std::int32_t t, float* factor) const {
    if (!spec_.any_demand_noise) {
      for (int s = 0; s < spec_.n_segments; ++s) factor[s] = 1.0f;
      return;
    }
    Stream noise(seed_, path, Purpose::kDemand, 0, static_cast<std::uint32_t>(t));
    lognormal_demand_factors(noise, spec_.n_segments, spec_.demand_sigma, spec_.demand_drift,
                             factor);
  }

  /// Strategic stockpile for material @p m: release to participants below their trigger
  /// cover (at most the daily cap), then refill from the non-China and China pools.
  RR_HD void release_and_refill_stockpile(int m, PathState& st) const {
    const int S = spec_.n_segments;
    double* inventory = st.inventory[m];
    double cap = spec_.stockpile_max_release_t_per_day[m];
    if (cap > st.stockpile[m]) cap = st.stockpile[m];
    if (cap > 0.0) {
      double need[kMaxSegments];
      bool asking = false;
      const double* trigger = spec_.release_trigger_t[m];  // 0 for non-participants
      for (int s = 0; s < S; ++s) {
        const double gap = trigger[s] - inventory[s];
        need[s] = gap > 0.0 ? gap : 0.0;
        asking = asking || gap > 0.0;
      }
      if (asking) {
        const double released = allocate(spec_.allocation_order, need,
                                         spec_.eligible[st.regime][kNonChina], cap, inventory);
        st.stockpile[m] = st.stockpile[m] - released > 0.0 ? st.stockpile[m] - released : 0.0;
      }
    }
    if (spec_.stockpile_refill) {
      for (int b = kNonChina; b >= kChinaLegal; --b) {
        const double room = st.stockpile_ceiling[m] - st.stockpile[m];
        if (!(room > 0.0)) break;
        const double take = st.pool[b][m] < room ? st.pool[b][m] : room;
        st.pool[b][m] -= take;
        st.stockpile[m] += take;
      }
    }
  }

  /// Adds the path's per-path outcomes to the tally.
  RR_HD void finish(const PathState& st) const {
    const std::uint64_t H1 = static_cast<std::uint64_t>(layout_.H) + 1;
    for (int s = 0; s < spec_.n_segments; ++s) {
      for (int m = 0; m < spec_.n_materials; ++m) {
        const std::uint64_t sm = layout_.sm(s, m);
        add(layout_.first_stockout + sm * H1 + st.first_stockout[m][s]);
        add(layout_.stockout_days + sm * H1 + st.stockout_days[m][s]);
        add(layout_.shortfall_hist + sm * kTonneSlots + tonne_bin(st.shortfall[m][s]));
        const std::uint64_t kg = to_sum_units(st.shortfall[m][s]);
        if (kg) add(layout_.shortfall_sum + sm, kg);
      }
    }
    for (int m = 0; m < spec_.n_materials; ++m) {
      add(layout_.smuggled_hist + static_cast<std::uint64_t>(m) * kTonneSlots +
          tonne_bin(st.smuggled[m]));
      add(layout_.seized_hist + static_cast<std::uint64_t>(m) * kTonneSlots +
          tonne_bin(st.seized[m]));
      const std::uint64_t a = to_sum_units(st.smuggled[m]);
      const std::uint64_t b = to_sum_units(st.seized[m]);
      if (a) add(layout_.smuggled_sum + m, a);
      if (b) add(layout_.seized_sum + m, b);
    }
    add(layout_.paths);
    if (st.overflow) add(layout_.overflow);
  }

  const ModelSpec& spec_;
  const TallyLayout& layout_;
  std::uint64_t* tally_;
  std::uint64_t seed_;
  Observer observer_;
};

RR_KERNEL_CODE_END
}  // namespace rr
