/// @file scenario_reader.hpp
/// One scenario document (already merged along its extends chain and overridden by --set) read
/// section by section into a Scenario (docs/model.md §4). The sections
/// are defined in four files: scenario_reader.cpp ([run], [[material]], [sweep]),
/// supply_sections.cpp (regimes, events, smuggling, plants), consumer_sections.cpp
/// (segments, stockpile) and rare_event_section.cpp ([rare_event]).
#pragma once

#include <string>
#include <vector>

#include "scenario/field_reader.hpp"

namespace rr {

class ScenarioReader : public FieldReader {
 public:
  using FieldReader::FieldReader;

  /// Reads every section; the problems are in errors (the Scenario is complete only when
  /// there are none).
  Scenario read();

  /// Sweep keys and values as written, for the loader to check against the scenario.
  struct SweepKey {
    std::string key;
    const toml::node* where;
  };
  struct SweepValue {
    std::string key;
    double value;
    const toml::node* where;
  };
  std::vector<SweepKey> sweep_keys_;
  std::vector<SweepValue> sweep_values_;

 private:
  void read_run(Scenario& sc);
  void read_materials(Scenario& sc);
  void read_regimes(Scenario& sc);
  void read_events(Scenario& sc);
  void read_smuggling(Scenario& sc);
  void read_plants(Scenario& sc);
  void read_segments(Scenario& sc);
  void read_stockpile(Scenario& sc);
  void read_rare_event(Scenario& sc);  // rare_event_section.cpp
  void read_sweep(Scenario& sc);
  void check_cost_inputs(const Scenario& sc);

  std::vector<std::string> regime_names_;
  std::vector<std::string> segment_names_;
  std::int32_t horizon_ = 1;
  DayNumber start_day_ = 0;
};

}  // namespace rr
