/// @file scenario_document.hpp
/// The TOML document a scenario is read from: its file merged over the files it `extends`
/// (child over parent, docs/model.md "Scenario files"), then the command line's --set
/// overrides applied. Every node keeps the file (or override) it came from, so the reader's
/// messages point into the right file of the chain.
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

namespace rr {

/// Parses TOML text; a syntax error becomes an InputError at file:line:column.
toml::table parse_toml(const std::string& text, const std::string& source_name);

/// A scenario document and how it was assembled.
struct ScenarioDocument {
  toml::table root;                ///< merged and overridden; no `extends` or `drop` left
  std::vector<std::string> chain;  ///< the files read, the named one first
  std::vector<std::string> overrides;  ///< the --set assignments applied, in order
  /// True when the named text alone is the scenario: it extends nothing and no --set changed
  /// it. Otherwise the scenario is to_toml_text(root).
  bool self_contained() const { return chain.size() <= 1 && overrides.empty(); }
};

/// Reads @p text (named @p source_name; a parent path is relative to its folder) and every
/// file it extends, then applies @p overrides ("KEY=VALUE", in order).
/// @throws InputError for a syntax error, a parent that cannot be read, a cycle (naming the
/// chain), a `drop` of an entry no parent has, or a bad override.
ScenarioDocument compose_scenario(const std::string& text, const std::string& source_name,
                                  const std::vector<std::string>& overrides);

/// @p doc as one self-contained TOML text that loads as the same scenario: a comment naming
/// the chain and overrides, then the merged tables (keys sorted, numbers exact).
std::string to_toml_text(const ScenarioDocument& doc);

}  // namespace rr
