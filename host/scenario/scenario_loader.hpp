/// @file scenario_loader.hpp
/// Reads and validates scenario TOML (docs/model.md, "Scenario files") with toml++: the file,
/// the files it extends, and the command line's --set overrides.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace rr {

/// Loads and validates the scenario file at @p path, merged over the files it extends, with
/// @p overrides ("KEY=VALUE", as `--set` gives them) applied in order.
/// @throws InputError listing every problem found, one per line, as
///         "file:line:column: what is wrong; what is allowed" (the file of the chain, or the
///         override, that holds the value). Nothing is simulated.
Scenario load_scenario_file(const std::string& path,
                            const std::vector<std::string>& overrides = {});

/// Same as load_scenario_file() for scenario text already in memory.
/// @param source_name the name used in messages (a path or a label); a parent named by
///        `extends` is found relative to its folder
Scenario load_scenario_text(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& overrides = {});

/// Most grid points a sweep may have.
constexpr std::size_t kMaxGridPoints = 10000;

/// The points of a grid sweep (Cartesian product, the last parameter varying fastest) or of a
/// list sweep (point i takes every parameter's i-th value).
std::vector<std::vector<double>> grid_points(const SweepConfig& sweep);

/// The base scenario with the sweep parameters set to @p values (one per [[sweep.param]]),
/// without its [sweep] section, re-validated. Keeps the base's text and source name.
/// @param round_integers round values for integer keys (design points) instead of refusing
/// fractions (grid values are exact).
/// @param applied receives the values as applied (rounded for integer keys)
/// @throws InputError when the point gives an invalid scenario.
Scenario scenario_at_point(const Scenario& base, std::vector<double> values,
                           bool round_integers = false, std::vector<double>* applied = nullptr);

}  // namespace rr
