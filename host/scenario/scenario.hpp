/// @file scenario.hpp
/// A scenario as written by the user (docs/model.md §4), after validation: names kept, dates
/// resolved. Converted for the kernels by build_model_spec() (model_spec_builder.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reerisk/dist.hpp"
#include "reerisk/model_spec.hpp"

namespace rr {

/// A calendar date as days since 1970-01-01 (proleptic Gregorian).
using DayNumber = std::int64_t;

struct MaterialConfig {
  std::string name;
  double china_baseline_t_per_year = 0.0;
  std::int32_t shipping_days = 0;
  std::int32_t shipments_per_month = 1;  ///< tranches of a licensed batch (4: weekly)
  std::int32_t licence_lots = 1;         ///< lots approved one by one (many exporters)
  double export_capacity_t_per_year = 0.0;  ///< > 0: China's flow answers orders up to this
  double price_elasticity = 1.0;
  double price_cap = 10.0;
  std::optional<double> base_price_usd_per_kg;  ///< pre-control price, for the cost outputs
};

struct RegimeConfig {
  std::string name;
  std::optional<double> initial_probability;
  bool defense_allowed = true;
  bool licensing = false;
  std::vector<Dist> licence_days;   ///< per material: licence_days, or licence_days_by_material's
  Dist approval{DistKind::kFixed, 1.0};
  std::vector<Dist> throttle;       ///< per material
  std::vector<Dist> price_premium;  ///< per material; fixed 1 where not given
  std::vector<double> transition;   ///< per regime; all zero when not given (absorbing)
  bool has_transition = false;
};

struct EventConfig {
  std::string name;                 ///< optional; empty when not given
  std::string date;
  DayNumber day = 0;                ///< days after run.start
  std::int32_t to = 0;              ///< regime index
  double probability = 1.0;
};

struct SmugglingConfig {
  Dist leakage;                     ///< fixed 0 when the section is absent
  Dist interdiction;
  std::int32_t delay_days = 0;
};

struct PlantConfig {
  std::string name;
  std::string kind;
  std::string planned_start;
  DayNumber planned_start_day = 0;  ///< days after run.start
  std::vector<double> output_t_per_year;  ///< per material
  Dist delay_months;
  double cancel_probability = 0.0;
  Dist ramp_months;
  double first_year_cap = 1.0;
  double outage_probability_per_month = 0.0;
  Dist outage_days;
  std::vector<double> offtake;      ///< per segment
};

struct SegmentConfig {
  std::string name;
  bool defense = false;
  bool china_licences = true;  ///< false: China licenses no exports to this segment (any regime)
  std::int32_t priority = 1;
  std::vector<double> demand_t_per_year;  ///< per material
  double demand_cv = 0.0;
  Dist cover_days;
  double target_cover_days = 0.0;
  double response_elasticity = 0.0;  ///< demand response to the lagged price multiplier
  double demand_floor_share = 0.0;   ///< the response never cuts demand below this share
  std::int32_t response_lag_months = 3;
  double line_stop_fill = 0.8;       ///< a line-stop day meets less than this share of demand
  std::optional<double> shortfall_cost_usd_per_t;  ///< value lost per tonne short
};

struct StockpileConfig {
  std::vector<std::int32_t> participants;  ///< segment indices
  std::vector<double> cover_days;  ///< per material (one number in the file: the same for all)
  double release_below_days = 0.0;
  std::vector<double> max_release_t_per_day;  ///< per material
  bool refill = false;
};

/// Importance sampling for rare outcomes ([rare_event], docs/model.md §10): the tilted laws the
/// paths are drawn from instead of the scenario's; each path is weighted by the likelihood ratio.
struct RareEventConfig {
  /// Per regime: the tilted monthly transition row (per regime), empty where not tilted.
  std::vector<std::vector<double>> transition;
  std::vector<std::optional<double>> event_probability;   ///< per event
  std::vector<std::optional<double>> cancel_probability;  ///< per plant
  std::vector<std::optional<Dist>> cover_days;             ///< per segment
  std::vector<std::optional<Dist>> delay_months;           ///< per plant
};

struct SweepParam {
  std::string key;
  std::vector<double> values;       ///< grid
  double min = 0.0, max = 0.0;      ///< designs
  bool log = false;
};

struct SweepConfig {
  std::string mode = "grid";
  std::vector<SweepParam> params;
  std::int64_t points = 0;
};

/// A validated scenario.
struct Scenario {
  std::string source_name;          ///< file path (or a label for in-memory text)
  /// The scenario as one self-contained TOML text: the file exactly as given when it extends
  /// nothing and no --set changed it, else the merged document (what --print-config prints).
  std::string text;
  std::vector<std::string> files;      ///< the extends chain, source_name first
  std::vector<std::string> overrides;  ///< --set assignments applied, in order

  std::string start;                ///< ISO date of day 0
  DayNumber start_day = 0;          ///< days since 1970-01-01
  std::int32_t horizon_days = 0;
  std::uint64_t paths = 100000;
  std::uint64_t seed = 1;
  Allocation allocation = Allocation::kProRata;
  bool pipeline_at_start = false;   ///< extension: seed pre-start batches in transit

  std::vector<MaterialConfig> materials;
  std::vector<RegimeConfig> regimes;
  std::vector<EventConfig> events;
  SmugglingConfig smuggling;
  std::vector<PlantConfig> plants;
  std::vector<SegmentConfig> segments;
  std::optional<StockpileConfig> stockpile;
  std::optional<RareEventConfig> rare_event;
  std::optional<SweepConfig> sweep;
};

}  // namespace rr
