/// @file field_reader.hpp
/// Reading one scenario document's fields with toml++: numbers in their ranges, dates,
/// distributions, tables keyed by name. Every refusal is collected as
/// "file:line:column: what is wrong; what is allowed", naming the file of the chain (or the
/// --set override) that holds the value. ScenarioReader (scenario_reader.hpp) reads the
/// sections with these.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "scenario/scenario.hpp"

namespace rr {

/// Where a value may lie, for numbers and for the support of distributions.
enum class Support { kAny, kNonNegative, kUnit };

/// A number as messages show it (10 significant digits).
std::string fmt(double x);
/// "a", "b" (quoted, comma-separated), or "(none)".
std::string join(const std::vector<std::string>& names);
/// "file:line:column" of a parsed node, or "--set KEY=VALUE" for a command-line override;
/// @p fallback names the source when the node has none (a copied table).
std::string location(const toml::source_region& where, const std::string& fallback);

/// The field readers of one scenario document; the problems found so far are in errors.
class FieldReader {
 public:
  FieldReader(const toml::table& root, std::string source)
      : root_(root), source_(std::move(source)) {}

  std::vector<std::string> errors;

 protected:

  // ---- diagnostics ---------------------------------------------------------------------
  void fail(const toml::source_region& where, const std::string& msg);
  void fail(const toml::node& n, const std::string& msg) { fail(n.source(), msg); }
  void check_keys(const toml::table& t, const std::string& where,
                  std::initializer_list<const char*> allowed);
  const toml::table* table_at(const toml::table& parent, const char* key, bool required,
                              const std::string& where);
  /// The [[key]] array of tables (empty if absent).
  std::vector<const toml::table*> tables(const char* key);

  // ---- scalars ---------------------------------------------------------------------------
  bool number_of(const toml::node& n, const std::string& what, double& out);
  /// A number in [lo, hi]; @p range_text says the range in words.
  std::optional<double> number(const toml::table& t, const char* key, const std::string& what,
                               bool required, double lo, double hi, const char* range_text);
  std::optional<std::int64_t> integer(const toml::table& t, const char* key,
                                      const std::string& what, bool required, std::int64_t lo,
                                      std::int64_t hi);
  std::optional<bool> boolean(const toml::table& t, const char* key, const std::string& what);
  std::optional<std::string> string(const toml::table& t, const char* key,
                                    const std::string& what, bool required);
  /// A date given as "YYYY-MM-DD" (string) or a TOML local date.
  std::optional<std::pair<std::string, DayNumber>> date(const toml::table& t, const char* key,
                                                        const std::string& what);

  // ---- distributions ----------------------------------------------------------------------
  static const char* support_text(Support s);
  Dist dist(const toml::node& n, const std::string& what, Support support);
  Dist dist(const toml::table& t, const char* key, const std::string& what, Support support,
            bool required, Dist fallback = Dist{});
  void check_support_fixed(const toml::node& n, const std::string& what, double x, Support s);
  void check_support_range(const toml::node& n, const std::string& what, double lo, double hi,
                           Support s);

  // ---- name-keyed tables --------------------------------------------------------------------
  /// Index of @p name in @p names, or -1 with a diagnostic at @p where.
  int lookup(const std::vector<std::string>& names, const std::string& name,
             const toml::source_region& where, const std::string& what);
  /// A table keyed by material names; @p each reads one value.
  template <class T, class Fn>
  std::vector<T> per_material(const toml::table& parent, const char* key, const std::string& what,
                              bool required, T fallback, Fn each) {
    std::vector<T> out(material_names_.size(), fallback);
    const toml::node* n = parent.get(key);
    if (!n) {
      if (required) fail(parent, "missing \"" + std::string(key) + "\" (" + what + ", a table keyed by material)");
      return out;
    }
    const toml::table* t = n->as_table();
    if (!t) {
      fail(*n, what + " must be a table keyed by material, e.g. { " +
                   (material_names_.empty() ? std::string("Dy") : material_names_[0]) + " = ... }");
      return out;
    }
    for (auto&& [k, v] : *t) {
      const int m = lookup(material_names_, std::string(k.str()), k.source(), "material");
      if (m >= 0) out[m] = each(v, what + "." + std::string(k.str()));
    }
    return out;
  }

  /// An optional table of values in [0, 1] keyed by @p kind names (transition rows, offtake
  /// shares), one per name (absent names 0); @p check_sum judges the total.
  template <class CheckSum>
  std::vector<double> shares_by_name(const toml::table& parent, const char* key,
                                     const std::vector<std::string>& names, const char* kind,
                                     const std::string& what, const char* allowed,
                                     const char* plural, CheckSum check_sum) {
    std::vector<double> out(names.size(), 0.0);
    const toml::node* n = parent.get(key);
    if (!n) return out;
    const toml::table* tbl = n->as_table();
    if (!tbl) {
      fail(*n, what + " must be a table of " + plural + " keyed by " + kind + " name");
      return out;
    }
    double sum = 0;
    for (auto&& [k, v] : *tbl) {
      const std::string name(k.str());
      const int i = lookup(names, name, k.source(), kind);
      double x;
      if (!number_of(v, what + "." + name, x)) continue;
      if (x < 0 || x > 1) {
        fail(v, what + "." + name + " is " + fmt(x) + "; allowed: " + allowed);
        continue;
      }
      if (i >= 0) out[i] = x;
      sum += x;
    }
    check_sum(*n, sum);
    return out;
  }

  double tonnes(const toml::node& n, const std::string& what);
  void collect_names(const char* key, std::vector<std::string>& names);
  std::string name_of(const toml::table& t, const std::string& kind);

  const toml::table& root_;
  std::string source_;
  std::vector<std::string> material_names_;  ///< in file order, once [[material]] is read
};

}  // namespace rr
