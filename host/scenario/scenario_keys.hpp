/// @file scenario_keys.hpp
/// The dotted keys that sweeps and --set name a scenario value with:
/// "stockpile.cover_days", "regime.escalated.throttle.Dy", "plant.NAME.delay_months.median",
/// "event.0.probability". A component after an array of tables picks its entry by `name` or by
/// index.
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

namespace rr {

/// Splits "a.b.c" at dots.
std::vector<std::string> split_key(const std::string& key);

/// The numeric node @p key names, or nullptr with the reason in @p why. @p parent and @p leaf
/// receive the table holding it and its key.
toml::node* resolve_key(toml::table& root, const std::string& key, std::string& why,
                        toml::table** parent = nullptr, std::string* leaf = nullptr);

/// Sets the number a sweep key names. Whole-number fields (shipping_days, delay_days,
/// priority, ...) take whole values: fractions are refused, or rounded when @p round_integers
/// (design points); @p value receives what was set. Every other field becomes a real number,
/// even if the file wrote it as an integer (a = 2). @return false with the reason in @p why.
bool apply_override(toml::table& root, const std::string& key, double& value, std::string& why,
                    bool round_integers = false);

/// Applies one command-line override "KEY=VALUE" (`--set`): VALUE is read as a TOML value
/// (a number, true/false, a date, a quoted string, an inline table such as
/// {dist = "beta", a = 2, b = 8}, or an array); anything else is taken as a plain string, so
/// run.allocation=priority needs no quotes. The key's last component may be new to its table
/// (the reader then judges it); every component before it must exist. The value's source is
/// "--set KEY=VALUE", so the reader's messages name the override.
/// @throws InputError naming the override and what the scenario holds at that point.
void apply_set(toml::table& root, const std::string& assignment);

}  // namespace rr
