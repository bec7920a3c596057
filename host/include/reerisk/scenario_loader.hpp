/// @file scenario_loader.hpp
/// Reads and validates scenario TOML (MODEL.md §4) with toml++.
#pragma once

#include <string>

#include "reerisk/scenario.hpp"

namespace rr {

/// Loads and validates the scenario file at @p path.
/// @throws InputError listing every problem found, one per line, as
///         "file:line:column: what is wrong; what is allowed". Nothing is simulated.
Scenario load_scenario_file(const std::string& path);

/// Same as load_scenario_file() for scenario text already in memory.
/// @param source_name the name used in messages (a path or a label)
Scenario load_scenario_text(const std::string& text, const std::string& source_name);

}  // namespace rr
