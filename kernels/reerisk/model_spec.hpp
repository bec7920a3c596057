/// @file model_spec.hpp
/// The scenario as the path model sees it: one trivially copyable struct of fixed-size
/// arrays, copied once to the device. The host's Scenario (std::vector, names) is converted
/// into it by host/model_spec_builder.cpp, which also enforces the limits below.
#pragma once

#include <cstdint>

#include "reerisk/dist.hpp"

namespace rr {

constexpr int kMaxMaterials = 8;
constexpr int kMaxSegments = 16;  // a multiple of 4 (demand_noise.hpp draws four at a time)
constexpr int kMaxPlants = 16;
constexpr int kMaxRegimes = 8;
constexpr int kMaxEvents = 16;
constexpr int kMaxMonths = 1201;        ///< month starts in the horizon (100 years + 1)
constexpr int kMaxHorizonDays = 36525;  ///< 100 years
constexpr int kMaxPending = 128;        ///< batches awaiting export or in transit per path
constexpr int kMaxPipelineMonths = 24;  ///< pre-start month starts seeded by pipeline_at_start
constexpr int kPoolBuckets = 3;         ///< smuggled, China legal, non-China (path_state.hpp)
constexpr int kMaxResponseLag = 12;     ///< months a demand response may lag the price
constexpr int kMaxLicenceLots = 16;     ///< lots a monthly request may be licensed in

enum class Allocation : std::int32_t { kProRata = 0, kPriority = 1 };

/// Whether a segment may take from a pool bucket: never, always, or depending on the regime
/// (then per path, from ModelSpec::eligible). Most scenarios have no regime-dependent case,
/// and allocation then needs no per-path mask (allocation.hpp).
enum Eligibility : std::int8_t { kNeverEligible = 0, kAlwaysEligible = 1, kEligibleByRegime = 2 };

/// The order in which allocation serves segments: levels served one after the other, pro rata
/// to need within a level. pro_rata: one level of all segments; priority: one level per
/// priority number, ascending (built by make_allocation_order in allocation.hpp).
struct AllocationOrder {
  std::int32_t n_levels = 0;
  std::int32_t level_begin[kMaxSegments + 1] = {};  ///< level l is segment[begin[l] .. begin[l+1])
  std::int32_t segment[kMaxSegments] = {};
};

/// One control regime (docs/model.md §1, "Control regime").
struct RegimeSpec {
  bool licensing = false;
  bool defense_allowed = true;
  /// Licence lead time of each material, days: the regime's, or the material's own where the
  /// scenario gives one (licence_days_by_material).
  Dist licence_days[kMaxMaterials];
  /// Mean licence lead time in days (0 without licensing), set by the host from licence_days:
  /// buyers order for it (docs/model.md §6 "Flows that answer orders").
  double mean_licence_days[kMaxMaterials] = {};
  Dist approval;                             ///< q, drawn once per regime episode
  Dist throttle[kMaxMaterials];              ///< share of the baseline flow requested
  /// Licensing-friction price factor per material, drawn per episode; fixed 1 (none) unless
  /// the scenario gives one, and only for licensing regimes (docs/model.md §6 "Price").
  Dist price_premium[kMaxMaterials];
  double transition[kMaxRegimes] = {};       ///< monthly transition row (sums to 1)
  /// Importance sampling ([rare_event]): `transition` is then the tilted row q the paths are
  /// drawn from, and a step to r multiplies the path's weight by p(r) / q(r), the scenario's
  /// row over the tilted one. 1 where nothing is tilted.
  static_assert(kMaxRegimes == 8, "one 1 per regime below");
  double transition_weight[kMaxRegimes] = {1, 1, 1, 1, 1, 1, 1, 1};
  double initial_probability = 0.0;
};

/// A scheduled event: at the start of `day`, jump to `to_regime` with `probability`.
struct EventSpec {
  std::int32_t day = 0;
  std::int32_t to_regime = 0;
  double probability = 0.0;  ///< the tilted probability under importance sampling
  /// Likelihood ratios p / q of a jump and (1 - p) / (1 - q) of no jump (1: not tilted).
  double weight_if_jump = 1.0;
  double weight_if_stay = 1.0;
};

/// A separation/refining plant outside China.
struct PlantSpec {
  double output_t_per_day[kMaxMaterials] = {};  ///< nameplate / 365
  double planned_start_day = 0.0;               ///< days after run.start (may be < 0)
  Dist delay_months;  ///< the tilted law under importance sampling when delay_tilted
  bool delay_tilted = false;
  Dist delay_months_untilted;  ///< the scenario's law, for the likelihood ratio
  double cancel_probability = 0.0;  ///< the tilted probability under importance sampling
  /// Likelihood ratios p / q of a cancellation and (1 - p) / (1 - q) of none (1: not tilted).
  double weight_if_cancelled = 1.0;
  double weight_if_built = 1.0;
  Dist ramp_months;
  double first_year_cap = 1.0;
  double outage_probability_per_month = 0.0;
  Dist outage_days;
  double offtake[kMaxSegments] = {};            ///< share of output routed to each segment
};

/// A consumer segment (region x sector).
struct SegmentSpec {
  bool defense = false;
  std::int32_t priority = 0;
  double demand_t_per_day[kMaxMaterials] = {};  ///< mean daily demand
  double demand_cv = 0.0;
  /// Demand response (thrifting, substitution) to the price multiplier P of the material
  /// `response_lag_months` earlier: demand x max(floor, P^-elasticity), in [floor, 1].
  double response_elasticity = 0.0;
  double demand_floor_share = 1.0;
  std::int32_t response_lag_months = 1;
  Dist cover_days;  ///< the tilted law under importance sampling when cover_tilted
  bool cover_tilted = false;
  Dist cover_days_untilted;  ///< the scenario's law, for the likelihood ratio
  double target_cover_days = 0.0;
  bool stockpile_participant = false;
  /// A line-stop day: less than this share of the day's demand met (docs/model.md §6).
  double line_stop_fill = 0.8;
  double shortfall_cost_usd_per_t = 0.0;  ///< value lost per tonne short
};

/// The scenario, fully resolved to day indices and per-day rates.
struct ModelSpec {
  std::int32_t horizon_days = 0;
  std::int32_t n_materials = 0;
  std::int32_t n_segments = 0;
  std::int32_t n_plants = 0;
  std::int32_t n_regimes = 0;
  std::int32_t n_events = 0;
  std::int32_t n_months = 0;                  ///< month starts in [0, horizon), day 0 first
  /// The first month start on or after the horizon: where the last month ends in the calendar,
  /// so that its orders cover the whole month whatever the horizon (a path's first days do not
  /// depend on where the run stops; docs/model.md §6).
  std::int32_t last_month_end_day = 0;
  Allocation allocation = Allocation::kProRata;
  /// Importance sampling ([rare_event], docs/model.md §10): some laws above are tilted, each
  /// path carries its likelihood ratio, and the tally has the weighted blocks (tally_layout.hpp).
  bool importance_sampling = false;

  std::int32_t month_start_day[kMaxMonths] = {};  ///< ascending; [0] == 0

  /// pipeline_at_start: batches requested at these pre-start month starts (days < 0, most
  /// recent first) under the initial regime are in transit on day 0 if they arrive on or
  /// after it. An extension of docs/model.md §6, which has nothing in transit on day 0.
  bool pipeline_at_start = false;
  std::int32_t n_pipeline_months = 0;
  std::int32_t pipeline_month_start_day[kMaxPipelineMonths] = {};

  // Materials
  double china_t_per_month[kMaxMaterials] = {};   ///< baseline_t_per_year / 12
  /// Flows that answer orders: where > 0, the month's request is min(capacity / 12, orders)
  /// instead of the baseline (docs/model.md §6 "China batches").
  double china_capacity_t_per_month[kMaxMaterials] = {};
  bool any_orders = false;
  std::int32_t shipping_days[kMaxMaterials] = {};
  /// Tranches a licensed monthly batch is exported in (1 = all on the licence day); tranche i
  /// leaves China shipment_offset_days(i, n) days after the licence (transit_calendar.hpp).
  std::int32_t shipments_per_month[kMaxMaterials] = {};
  /// Lots a monthly request is licensed in, each approved on its own (1 = all or nothing).
  std::int32_t licence_lots[kMaxMaterials] = {};
  double price_elasticity[kMaxMaterials] = {};
  double price_cap[kMaxMaterials] = {};
  /// Cost outputs (docs/model.md §6 "What a shortfall costs"): on when the scenario gives a
  /// price or a shortfall cost; the pre-control price in US dollars per tonne.
  bool costs = false;
  double base_price_usd_per_t[kMaxMaterials] = {};

  RegimeSpec regimes[kMaxRegimes];
  EventSpec events[kMaxEvents];                   ///< sorted by day, then file order

  // Smuggling
  Dist leakage;
  Dist interdiction;
  std::int32_t smuggling_delay_days = 0;

  PlantSpec plants[kMaxPlants];
  SegmentSpec segments[kMaxSegments];

  // Derived lookup lists (model_spec_builder.cpp), so the daily loop visits only what matters.
  AllocationOrder allocation_order;
  std::int32_t n_producers[kMaxMaterials] = {};             ///< plants with output of material m
  std::int32_t producers[kMaxMaterials][kMaxPlants] = {};
  std::int32_t n_offtakers[kMaxPlants] = {};                ///< segments with an offtake share
  std::int32_t offtakers[kMaxPlants][kMaxSegments] = {};

  // Constants of the daily loop, precomputed so the hot loop does no arithmetic twice. The
  // [material][segment] layout makes each material's per-segment loop read contiguous memory.
  double demand_t[kMaxMaterials][kMaxSegments] = {};   ///< mean daily demand
  double target_t[kMaxMaterials][kMaxSegments] = {};   ///< target_cover_days x demand
  double release_trigger_t[kMaxMaterials][kMaxSegments] = {};  ///< stockpile releases below
                                                      ///< this; 0 for non-participants
  float demand_sigma[kMaxSegments] = {};  ///< sigma of the log demand factor (from demand_cv)
  float demand_drift[kMaxSegments] = {};  ///< sigma^2 / 2, so the factor's mean is 1
  bool any_demand_noise = false;
  bool any_demand_response = false;
  /// Whether segment s may take from pool bucket b (smuggled, China legal, non-China) in
  /// regime r: defense never takes smuggled material, and takes China's only where allowed.
  bool eligible[kMaxRegimes][kPoolBuckets][kMaxSegments] = {};
  /// eligible[.][b][s] summarised over the scenario's regimes.
  std::int8_t eligibility[kPoolBuckets][kMaxSegments] = {};
  /// eligibility per material, with kNeverEligible where the segment's target of the material
  /// is 0: its need is then always 0 (inventories are never negative), and a need of 0 adds
  /// nothing to a level's total and takes nothing, so leaving the segment out of the
  /// material's allocation gives the same bits and skips its arithmetic (segments that do not
  /// use a material: half the baseline's segment x material pairs).
  std::int8_t pool_eligibility[kMaxMaterials][kPoolBuckets][kMaxSegments] = {};
  /// eligibility[kNonChina] per material for stockpile releases, kNeverEligible where the
  /// release trigger is 0 (non-participants, and participants without demand): as above.
  std::int8_t release_eligibility[kMaxMaterials][kMaxSegments] = {};

  // Strategic stockpile
  bool has_stockpile = false;
  /// Initial tonnes per material, also the refill ceiling: cover_days x the participants'
  /// mean daily demand (summed in segment order). `reerisk size` sets it directly.
  double stockpile_ceiling_t[kMaxMaterials] = {};
  double stockpile_release_below_days = 0.0;
  double stockpile_max_release_t_per_day[kMaxMaterials] = {};
  bool stockpile_refill = false;
};

}  // namespace rr
