// Scenario TOML -> validated Scenario. Every refusal names file:line:column, says what is
// wrong and what is allowed (MODEL.md §4). All problems of a file are reported at once.
#include "reerisk/scenario_loader.hpp"

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "reerisk/calendar.hpp"
#include "reerisk/errors.hpp"

namespace rr {
namespace {

/// Where a value may lie, for numbers and for the support of distributions.
enum class Support { kAny, kNonNegative, kUnit };

std::string fmt(double x) {
  std::ostringstream os;
  os.precision(10);
  os << x;
  return os.str();
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + ("\"" + n + "\"");
  return out.empty() ? "(none)" : out;
}

/// Reads one TOML document into a Scenario, collecting diagnostics.
class Reader {
 public:
  Reader(const toml::table& root, std::string source) : root_(root), source_(std::move(source)) {}

  std::vector<std::string> errors;

  Scenario read() {
    Scenario sc;
    check_keys(root_, "the top level",
               {"run", "material", "regime", "event", "smuggling", "plant", "segment",
                "stockpile", "sweep"});
    read_run(sc);
    read_materials(sc);
    collect_names("regime", regime_names_);
    collect_names("segment", segment_names_);
    read_regimes(sc);
    read_events(sc);
    read_smuggling(sc);
    read_segments(sc);
    read_plants(sc);
    read_stockpile(sc);
    read_sweep(sc);
    return sc;
  }

 private:
  // ---- diagnostics ---------------------------------------------------------------------
  void fail(const toml::source_region& where, const std::string& msg) {
    std::ostringstream os;
    os << source_ << ':' << where.begin.line << ':' << where.begin.column << ": " << msg;
    errors.push_back(os.str());
  }
  void fail(const toml::node& n, const std::string& msg) { fail(n.source(), msg); }

  void check_keys(const toml::table& t, const std::string& where,
                  std::initializer_list<const char*> allowed) {
    std::vector<std::string> names(allowed.begin(), allowed.end());
    for (auto&& [k, v] : t) {
      bool ok = false;
      for (const auto& a : names) ok = ok || k.str() == a;
      if (!ok) {
        fail(k.source(), "unknown key \"" + std::string(k.str()) + "\" in " + where +
                             "; allowed keys: " + join(names));
      }
    }
  }

  const toml::table* table_at(const toml::table& parent, const char* key, bool required,
                              const std::string& where) {
    const toml::node* n = parent.get(key);
    if (!n) {
      if (required) fail(parent, "missing [" + std::string(key) + "] in " + where);
      return nullptr;
    }
    if (!n->is_table()) {
      fail(*n, "\"" + std::string(key) + "\" must be a table");
      return nullptr;
    }
    return n->as_table();
  }

  /// The [[key]] array of tables (empty if absent).
  std::vector<const toml::table*> tables(const char* key) {
    std::vector<const toml::table*> out;
    const toml::node* n = root_.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) {
      fail(*n, "\"" + std::string(key) + "\" must be an array of tables ([[" + key + "]])");
      return out;
    }
    for (const toml::node& e : *arr) {
      if (const toml::table* t = e.as_table()) {
        out.push_back(t);
      } else {
        fail(e, "each \"" + std::string(key) + "\" entry must be a table ([[" + key + "]])");
      }
    }
    return out;
  }

  // ---- scalars ---------------------------------------------------------------------------
  bool number_of(const toml::node& n, const std::string& what, double& out) {
    if (n.is_integer()) {
      out = static_cast<double>(n.as_integer()->get());
    } else if (n.is_floating_point()) {
      out = n.as_floating_point()->get();
    } else {
      fail(n, what + " must be a number");
      return false;
    }
    if (!std::isfinite(out)) {
      fail(n, what + " must be a finite number (got " + fmt(out) + ")");
      return false;
    }
    return true;
  }

  /// A number in [lo, hi]; @p range_text says the range in words.
  std::optional<double> number(const toml::table& t, const char* key, const std::string& what,
                               bool required, double lo, double hi, const char* range_text) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(t, "missing \"" + std::string(key) + "\" (" + what + ", " + range_text + ")");
      return std::nullopt;
    }
    double x;
    if (!number_of(*n, what, x)) return std::nullopt;
    if (x < lo || x > hi) {
      fail(*n, what + " is " + fmt(x) + "; allowed: " + range_text);
      return std::nullopt;
    }
    return x;
  }

  std::optional<std::int64_t> integer(const toml::table& t, const char* key,
                                      const std::string& what, bool required, std::int64_t lo,
                                      std::int64_t hi) {
    const toml::node* n = t.get(key);
    const std::string range = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!n) {
      if (required) fail(t, "missing \"" + std::string(key) + "\" (" + what + ", " + range + ")");
      return std::nullopt;
    }
    std::int64_t v;
    if (n->is_integer()) {
      v = n->as_integer()->get();
    } else if (n->is_floating_point() && std::isfinite(n->as_floating_point()->get()) &&
               std::floor(n->as_floating_point()->get()) == n->as_floating_point()->get() &&
               std::fabs(n->as_floating_point()->get()) < 9e15) {
      v = static_cast<std::int64_t>(n->as_floating_point()->get());
    } else {
      fail(*n, what + " must be " + range);
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      fail(*n, what + " is " + std::to_string(v) + "; allowed: " + range);
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const toml::table& t, const char* key, const std::string& what) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) {
      fail(*n, what + " must be true or false");
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  std::optional<std::string> string(const toml::table& t, const char* key,
                                    const std::string& what, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(t, "missing \"" + std::string(key) + "\" (" + what + ")");
      return std::nullopt;
    }
    if (!n->is_string()) {
      fail(*n, what + " must be a string");
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  /// A date given as "YYYY-MM-DD" (string) or a TOML local date.
  std::optional<std::pair<std::string, DayNumber>> date(const toml::table& t, const char* key,
                                                        const std::string& what) {
    const toml::node* n = t.get(key);
    if (!n) {
      fail(t, "missing \"" + std::string(key) + "\" (" + what + ", an ISO date \"YYYY-MM-DD\")");
      return std::nullopt;
    }
    std::string text;
    if (n->is_date()) {
      const toml::date d = n->as_date()->get();
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
      text = buf;
    } else if (n->is_string()) {
      text = n->as_string()->get();
    } else {
      fail(*n, what + " must be an ISO date \"YYYY-MM-DD\"");
      return std::nullopt;
    }
    const auto day = parse_iso_date(text);
    if (!day) {
      fail(*n, what + " \"" + text +
                   "\" is not a valid date; allowed: an ISO date \"YYYY-MM-DD\" from 1900 to 2300");
      return std::nullopt;
    }
    return std::make_pair(text, *day);
  }

  // ---- distributions ----------------------------------------------------------------------
  static const char* support_text(Support s) {
    switch (s) {
      case Support::kUnit: return "values in [0, 1]";
      case Support::kNonNegative: return "values >= 0";
      default: return "finite values";
    }
  }

  Dist dist(const toml::node& n, const std::string& what, Support support) {
    Dist d;
    const std::string allowed =
        std::string("a number or { dist = \"fixed\" | \"beta\" | \"lognormal\" | \"triangular\" | "
                    "\"uniform\" | \"bernoulli\", ... } with ") + support_text(support);
    if (n.is_number()) {
      double x;
      if (!number_of(n, what, x)) return d;
      d.p0 = x;
      check_support_fixed(n, what, x, support);
      return d;
    }
    const toml::table* t = n.as_table();
    if (!t) {
      fail(n, what + " must be " + allowed);
      return d;
    }
    const auto kind = string(*t, "dist", what + ".dist", true);
    if (!kind) return d;
    auto param = [&](const char* key, double lo, double hi, const char* range) {
      return number(*t, key, what + "." + key, true, lo, hi, range).value_or(lo);
    };
    const double inf = HUGE_VAL;
    if (*kind == "fixed") {
      check_keys(*t, what, {"dist", "value"});
      d.kind = DistKind::kFixed;
      d.p0 = param("value", -inf, inf, "a finite number");
      if (t->get("value")) check_support_fixed(*t->get("value"), what, d.p0, support);
    } else if (*kind == "beta") {
      check_keys(*t, what, {"dist", "a", "b"});
      d.kind = DistKind::kBeta;
      d.p0 = param("a", 0, inf, "a > 0");
      d.p1 = param("b", 0, inf, "b > 0");
      if (const toml::node* a = t->get("a"); a && d.p0 <= 0) fail(*a, what + ".a must be > 0 (beta shape)");
      if (const toml::node* b = t->get("b"); b && d.p1 <= 0) fail(*b, what + ".b must be > 0 (beta shape)");
      if (support == Support::kNonNegative || support == Support::kUnit || support == Support::kAny) {
        // beta lies in [0, 1]: valid for every support used here.
      }
    } else if (*kind == "lognormal") {
      check_keys(*t, what, {"dist", "median", "sigma"});
      d.kind = DistKind::kLognormal;
      d.p0 = param("median", 0, inf, "median > 0");
      d.p1 = param("sigma", 0, 20, "0 <= sigma <= 20");
      if (const toml::node* m = t->get("median"); m && d.p0 <= 0) {
        fail(*m, what + ".median must be > 0 (lognormal)");
      }
      if (support == Support::kUnit) {
        fail(n, what + " must have values in [0, 1]; a lognormal is unbounded (use beta, uniform, "
                       "triangular or fixed)");
      }
    } else if (*kind == "triangular") {
      check_keys(*t, what, {"dist", "min", "mode", "max"});
      d.kind = DistKind::kTriangular;
      d.p0 = param("min", -inf, inf, "a finite number");
      d.p1 = param("mode", -inf, inf, "a finite number");
      d.p2 = param("max", -inf, inf, "a finite number");
      if (!(d.p0 <= d.p1 && d.p1 <= d.p2)) {
        fail(n, what + " needs min <= mode <= max (got " + fmt(d.p0) + ", " + fmt(d.p1) + ", " +
                    fmt(d.p2) + ")");
      }
      check_support_range(n, what, d.p0, d.p2, support);
    } else if (*kind == "uniform") {
      check_keys(*t, what, {"dist", "min", "max"});
      d.kind = DistKind::kUniform;
      d.p0 = param("min", -inf, inf, "a finite number");
      d.p1 = param("max", -inf, inf, "a finite number");
      if (!(d.p0 <= d.p1)) {
        fail(n, what + " needs min <= max (got " + fmt(d.p0) + ", " + fmt(d.p1) + ")");
      }
      check_support_range(n, what, d.p0, d.p1, support);
    } else if (*kind == "bernoulli") {
      check_keys(*t, what, {"dist", "p"});
      d.kind = DistKind::kBernoulli;
      d.p0 = param("p", 0, 1, "a probability in [0, 1]");
    } else {
      fail(*t->get("dist"), what + ": unknown distribution \"" + *kind +
                                "\"; allowed: \"fixed\", \"beta\", \"lognormal\", \"triangular\", "
                                "\"uniform\", \"bernoulli\"");
    }
    return d;
  }

  Dist dist(const toml::table& t, const char* key, const std::string& what, Support support,
            bool required, Dist fallback = Dist{}) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) {
        fail(t, "missing \"" + std::string(key) + "\" (" + what +
                    ", a number or a distribution table with " + support_text(support) + ")");
      }
      return fallback;
    }
    return dist(*n, what, support);
  }

  void check_support_fixed(const toml::node& n, const std::string& what, double x, Support s) {
    check_support_range(n, what, x, x, s);
  }
  void check_support_range(const toml::node& n, const std::string& what, double lo, double hi,
                           Support s) {
    if (s == Support::kNonNegative && lo < 0) {
      fail(n, what + " must not go below 0 (got " + fmt(lo) + "); allowed: " + support_text(s));
    }
    if (s == Support::kUnit && (lo < 0 || hi > 1)) {
      fail(n, what + " must lie in [0, 1] (got " + fmt(lo) + " .. " + fmt(hi) + ")");
    }
  }

  // ---- name-keyed tables --------------------------------------------------------------------
  /// Index of @p name in @p names, or -1 with a diagnostic at @p where.
  int lookup(const std::vector<std::string>& names, const std::string& name,
             const toml::source_region& where, const std::string& what) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    fail(where, "unknown " + what + " \"" + name + "\"; known: " + join(names));
    return -1;
  }

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

  double tonnes(const toml::node& n, const std::string& what) {
    double x = 0;
    if (!number_of(n, what, x)) return 0;
    if (x < 0 || x > 1e7) {
      fail(n, what + " is " + fmt(x) + "; allowed: tonnes from 0 to 1e7");
      return 0;
    }
    return x;
  }

  void collect_names(const char* key, std::vector<std::string>& names) {
    std::set<std::string> seen;
    for (const toml::table* t : tables(key)) {
      const toml::node* n = t->get("name");
      std::string name;
      if (n && n->is_string()) name = n->as_string()->get();
      if (!name.empty() && !seen.insert(name).second) {
        fail(*n, "duplicate " + std::string(key) + " name \"" + name + "\"; names must be unique");
      }
      names.push_back(name);
    }
  }

  std::string name_of(const toml::table& t, const std::string& kind) {
    auto n = string(t, "name", kind + " name", true);
    if (n && n->empty()) fail(*t.get("name"), kind + " name must not be empty");
    return n.value_or("");
  }

  // ---- sections -----------------------------------------------------------------------------
  void read_run(Scenario& sc) {
    const toml::table* run = table_at(root_, "run", true, "the scenario");
    if (!run) return;
    check_keys(*run, "[run]",
               {"start", "horizon_days", "paths", "seed", "allocation", "pipeline_at_start"});
    sc.pipeline_at_start =
        boolean(*run, "pipeline_at_start", "run.pipeline_at_start").value_or(false);
    if (auto d = date(*run, "start", "run.start")) {
      sc.start = d->first;
      sc.start_day = d->second;
    }
    sc.horizon_days = static_cast<std::int32_t>(
        integer(*run, "horizon_days", "run.horizon_days", true, 1, kMaxHorizonDays).value_or(1));
    horizon_ = sc.horizon_days;
    start_day_ = sc.start_day;
    sc.paths = static_cast<std::uint64_t>(
        integer(*run, "paths", "run.paths", false, 1, std::int64_t(1) << 62).value_or(100000));
    sc.seed = static_cast<std::uint64_t>(
        integer(*run, "seed", "run.seed", false, 0, INT64_MAX).value_or(1));
    if (auto a = string(*run, "allocation", "run.allocation", false)) {
      if (*a == "pro_rata") {
        sc.allocation = Allocation::kProRata;
      } else if (*a == "priority") {
        sc.allocation = Allocation::kPriority;
      } else {
        fail(*run->get("allocation"),
             "run.allocation \"" + *a + "\" is unknown; allowed: \"pro_rata\", \"priority\"");
      }
    }
  }

  void read_materials(Scenario& sc) {
    const auto list = tables("material");
    if (list.empty()) fail(root_, "no [[material]]: a scenario needs at least one material");
    if (list.size() > static_cast<size_t>(kMaxMaterials)) {
      fail(*root_.get("material"), "too many materials (" + std::to_string(list.size()) +
                                       "); allowed: at most " + std::to_string(kMaxMaterials));
    }
    std::set<std::string> seen;
    for (const toml::table* t : list) {
      check_keys(*t, "[[material]]", {"name", "china_baseline_t_per_year", "shipping_days",
                                      "price_elasticity", "price_cap"});
      MaterialConfig m;
      m.name = name_of(*t, "material");
      if (!m.name.empty() && !seen.insert(m.name).second) {
        fail(*t->get("name"), "duplicate material name \"" + m.name + "\"; names must be unique");
      }
      const std::string w = "material \"" + m.name + "\"";
      m.china_baseline_t_per_year = number(*t, "china_baseline_t_per_year", w + " china_baseline_t_per_year",
                                           true, 0, 1e7, "tonnes per year from 0 to 1e7").value_or(0);
      m.shipping_days = static_cast<std::int32_t>(
          integer(*t, "shipping_days", w + " shipping_days", false, 0, 3650).value_or(0));
      m.price_elasticity = number(*t, "price_elasticity", w + " price_elasticity", false, 1e-6,
                                  1e6, "a number > 0").value_or(1.0);
      m.price_cap = number(*t, "price_cap", w + " price_cap", false, 1.0, 1e6,
                           "a number >= 1").value_or(10.0);
      sc.materials.push_back(m);
      material_names_.push_back(m.name);
    }
  }

  void read_regimes(Scenario& sc) {
    const auto list = tables("regime");
    if (list.empty()) fail(root_, "no [[regime]]: a scenario needs at least one control regime");
    if (list.size() > static_cast<size_t>(kMaxRegimes)) {
      fail(*root_.get("regime"), "too many regimes (" + std::to_string(list.size()) +
                                     "); allowed: at most " + std::to_string(kMaxRegimes));
    }
    double initial_sum = 0;
    bool any_initial = false;
    for (const toml::table* t : list) {
      check_keys(*t, "[[regime]]", {"name", "initial_probability", "defense_allowed", "licensing",
                                    "licence_days", "approval", "throttle", "transition"});
      RegimeConfig r;
      r.name = name_of(*t, "regime");
      const std::string w = "regime \"" + r.name + "\"";
      r.initial_probability = number(*t, "initial_probability", w + " initial_probability", false,
                                     0, 1, "a probability in [0, 1]");
      if (r.initial_probability) {
        any_initial = true;
        initial_sum += *r.initial_probability;
      }
      r.defense_allowed = boolean(*t, "defense_allowed", w + " defense_allowed").value_or(true);
      r.licensing = boolean(*t, "licensing", w + " licensing").value_or(false);
      r.licence_days = dist(*t, "licence_days", w + " licence_days", Support::kNonNegative,
                            r.licensing);
      r.approval = dist(*t, "approval", w + " approval", Support::kUnit, r.licensing,
                        Dist{DistKind::kFixed, 1.0});
      r.throttle = per_material<Dist>(*t, "throttle", w + " throttle", true,
                                      Dist{DistKind::kFixed, -1.0},
                                      [&](const toml::node& v, const std::string& what) {
                                        return dist(v, what, Support::kUnit);
                                      });
      if (t->get("throttle") && t->get("throttle")->is_table()) {
        for (size_t m = 0; m < r.throttle.size(); ++m) {
          if (r.throttle[m].kind == DistKind::kFixed && r.throttle[m].p0 == -1.0) {
            fail(*t->get("throttle"), w + " has no throttle for material \"" + material_names_[m] +
                                          "\"; give one for every material (1.0 = no throttle)");
          }
        }
      }
      r.has_transition = t->get("transition") != nullptr;
      r.transition = shares_by_name(*t, "transition", regime_names_, "regime", w + " transition",
                                    "a probability in [0, 1]", "monthly probabilities",
                                    [&](const toml::node& n, double sum) {
                                      if (std::fabs(sum - 1.0) > 1e-9) {
                                        fail(n, w + " transition row sums to " + fmt(sum) +
                                                    "; allowed: probabilities that sum to 1 "
                                                    "(within 1e-9)");
                                      }
                                    });
      sc.regimes.push_back(r);
    }
    if (any_initial && std::fabs(initial_sum - 1.0) > 1e-9) {
      fail(*list.front(), "initial_probability over all regimes sums to " + fmt(initial_sum) +
                              "; allowed: a sum of 1 (within 1e-9), or none given (first regime)");
    }
  }

  void read_events(Scenario& sc) {
    const auto list = tables("event");
    if (list.size() > static_cast<size_t>(kMaxEvents)) {
      fail(*root_.get("event"), "too many events (" + std::to_string(list.size()) +
                                    "); allowed: at most " + std::to_string(kMaxEvents));
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const toml::table& t = *list[i];
      const std::string w = "event " + std::to_string(i);
      check_keys(t, "[[event]]", {"date", "to", "probability"});
      EventConfig e;
      if (auto d = date(t, "date", w + " date")) {
        e.date = d->first;
        e.day = d->second - start_day_;
        if (e.day < 0 || e.day >= horizon_) {
          fail(*t.get("date"), w + " date " + e.date + " lies outside the horizon; allowed: " +
                                   iso_date(start_day_) + " to " +
                                   iso_date(start_day_ + horizon_ - 1));
        }
      }
      if (auto to = string(t, "to", w + " to (a regime name)", true)) {
        e.to = std::max(0, lookup(regime_names_, *to, t.get("to")->source(), "regime"));
      }
      e.probability = number(t, "probability", w + " probability", false, 0, 1,
                             "a probability in [0, 1]").value_or(1.0);
      sc.events.push_back(e);
    }
  }

  void read_smuggling(Scenario& sc) {
    const toml::table* t = table_at(root_, "smuggling", false, "the scenario");
    if (!t) return;
    check_keys(*t, "[smuggling]", {"leakage", "interdiction", "delay_days"});
    sc.smuggling.leakage = dist(*t, "leakage", "smuggling.leakage", Support::kUnit, false);
    sc.smuggling.interdiction =
        dist(*t, "interdiction", "smuggling.interdiction", Support::kUnit, false);
    sc.smuggling.delay_days = static_cast<std::int32_t>(
        integer(*t, "delay_days", "smuggling.delay_days", false, 0, 3650).value_or(0));
  }

  void read_plants(Scenario& sc) {
    const auto list = tables("plant");
    if (list.size() > static_cast<size_t>(kMaxPlants)) {
      fail(*root_.get("plant"), "too many plants (" + std::to_string(list.size()) +
                                    "); allowed: at most " + std::to_string(kMaxPlants));
    }
    std::set<std::string> seen;
    for (const toml::table* t : list) {
      check_keys(*t, "[[plant]]", {"name", "kind", "planned_start", "output_t_per_year",
                                   "delay_months", "cancel_probability", "ramp_months",
                                   "first_year_cap", "outage_probability_per_month",
                                   "outage_days", "offtake"});
      PlantConfig p;
      p.name = name_of(*t, "plant");
      if (!p.name.empty() && !seen.insert(p.name).second) {
        fail(*t->get("name"), "duplicate plant name \"" + p.name + "\"; names must be unique");
      }
      const std::string w = "plant \"" + p.name + "\"";
      if (auto k = string(*t, "kind", w + " kind", false)) {
        if (*k != "greenfield" && *k != "brownfield") {
          fail(*t->get("kind"), w + " kind \"" + *k + "\" is unknown; allowed: \"greenfield\", \"brownfield\"");
        }
        p.kind = *k;
      }
      if (auto d = date(*t, "planned_start", w + " planned_start")) {
        p.planned_start = d->first;
        p.planned_start_day = d->second - start_day_;
      }
      p.output_t_per_year = per_material<double>(
          *t, "output_t_per_year", w + " output_t_per_year", true, 0.0,
          [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
      p.delay_months = dist(*t, "delay_months", w + " delay_months", Support::kNonNegative, false);
      p.cancel_probability = number(*t, "cancel_probability", w + " cancel_probability", false,
                                    0, 1, "a probability in [0, 1]").value_or(0);
      p.ramp_months = dist(*t, "ramp_months", w + " ramp_months", Support::kNonNegative, false);
      p.first_year_cap = number(*t, "first_year_cap", w + " first_year_cap", false, 0, 1,
                                "a share of nameplate in [0, 1]").value_or(1.0);
      p.outage_probability_per_month =
          number(*t, "outage_probability_per_month", w + " outage_probability_per_month", false,
                 0, 1, "a probability in [0, 1]").value_or(0);
      p.outage_days = dist(*t, "outage_days", w + " outage_days", Support::kNonNegative, false);
      p.offtake = shares_by_name(*t, "offtake", segment_names_, "segment", w + " offtake",
                                 "a share in [0, 1]", "shares",
                                 [&](const toml::node& n, double sum) {
                                   if (sum > 1.0 + 1e-9) {
                                     fail(n, w + " offtake shares sum to " + fmt(sum) +
                                                 "; allowed: a total of at most 1 (the rest "
                                                 "goes to the open market)");
                                   }
                                 });
      sc.plants.push_back(p);
    }
  }

  void read_segments(Scenario& sc) {
    const auto list = tables("segment");
    if (list.empty()) fail(root_, "no [[segment]]: a scenario needs at least one consumer segment");
    if (list.size() > static_cast<size_t>(kMaxSegments)) {
      fail(*root_.get("segment"), "too many segments (" + std::to_string(list.size()) +
                                      "); allowed: at most " + std::to_string(kMaxSegments));
    }
    for (const toml::table* t : list) {
      check_keys(*t, "[[segment]]", {"name", "defense", "priority", "demand_t_per_year",
                                     "demand_cv", "cover_days", "target_cover_days"});
      SegmentConfig s;
      s.name = name_of(*t, "segment");
      const std::string w = "segment \"" + s.name + "\"";
      s.defense = boolean(*t, "defense", w + " defense").value_or(false);
      s.priority = static_cast<std::int32_t>(
          integer(*t, "priority", w + " priority", false, 0, 1000000).value_or(1));
      s.demand_t_per_year = per_material<double>(
          *t, "demand_t_per_year", w + " demand_t_per_year", true, 0.0,
          [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
      s.demand_cv = number(*t, "demand_cv", w + " demand_cv", false, 0, 10,
                           "a coefficient of variation from 0 to 10").value_or(0);
      s.cover_days = dist(*t, "cover_days", w + " cover_days", Support::kNonNegative, true);
      s.target_cover_days = number(*t, "target_cover_days", w + " target_cover_days", true, 0,
                                   36500, "days from 0 to 36500").value_or(0);
      sc.segments.push_back(s);
    }
  }

  void read_stockpile(Scenario& sc) {
    const toml::table* t = table_at(root_, "stockpile", false, "the scenario");
    if (!t) return;
    check_keys(*t, "[stockpile]", {"participants", "cover_days", "release_below_days",
                                   "max_release_t_per_day", "refill"});
    StockpileConfig sp;
    const toml::node* parts = t->get("participants");
    if (!parts) {
      fail(*t, "missing \"participants\" (stockpile.participants, a list of segment names)");
    } else if (const toml::array* arr = parts->as_array()) {
      std::set<int> seen;
      for (const toml::node& e : *arr) {
        if (!e.is_string()) {
          fail(e, "stockpile.participants must list segment names (strings)");
          continue;
        }
        const int s = lookup(segment_names_, e.as_string()->get(), e.source(), "segment");
        if (s >= 0 && seen.insert(s).second) sp.participants.push_back(s);
      }
      if (arr->empty()) fail(*parts, "stockpile.participants is empty; name at least one segment");
    } else {
      fail(*parts, "stockpile.participants must be a list of segment names");
    }
    sp.cover_days = number(*t, "cover_days", "stockpile.cover_days", true, 0, 36500,
                           "days from 0 to 36500").value_or(0);
    sp.release_below_days = number(*t, "release_below_days", "stockpile.release_below_days",
                                   false, 0, 36500, "days from 0 to 36500").value_or(0);
    sp.max_release_t_per_day = per_material<double>(
        *t, "max_release_t_per_day", "stockpile.max_release_t_per_day", true, -1.0,
        [&](const toml::node& v, const std::string& what) { return tonnes(v, what); });
    if (t->get("max_release_t_per_day") && t->get("max_release_t_per_day")->is_table()) {
      for (size_t m = 0; m < sp.max_release_t_per_day.size(); ++m) {
        if (sp.max_release_t_per_day[m] < 0) {
          fail(*t->get("max_release_t_per_day"),
               "stockpile.max_release_t_per_day has no entry for material \"" +
                   material_names_[m] + "\"; give one for every material (0 = never released)");
          sp.max_release_t_per_day[m] = 0;
        }
      }
    }
    sp.refill = boolean(*t, "refill", "stockpile.refill").value_or(false);
    sc.stockpile = sp;
  }

  void read_sweep(Scenario& sc) {
    const toml::table* t = table_at(root_, "sweep", false, "the scenario");
    if (!t) return;
    check_keys(*t, "[sweep]", {"mode", "param", "points"});
    SweepConfig sw;
    sw.mode = string(*t, "mode", "sweep.mode", false).value_or("grid");
    if (sw.mode != "grid" && sw.mode != "sobol" && sw.mode != "lhs") {
      fail(*t->get("mode"), "sweep.mode \"" + sw.mode +
                                "\" is unknown; allowed: \"grid\", \"sobol\", \"lhs\"");
    }
    const bool grid = sw.mode == "grid";
    if (!grid) {
      sw.points = integer(*t, "points", "sweep.points", true, 1, 1000000).value_or(1);
    }
    const toml::node* pn = t->get("param");
    const toml::array* params = pn ? pn->as_array() : nullptr;
    if (!params || params->empty()) {
      fail(pn ? *pn : static_cast<const toml::node&>(*t),
           "[sweep] needs at least one [[sweep.param]] with a key and its values");
      sc.sweep = sw;
      return;
    }
    for (const toml::node& e : *params) {
      const toml::table* pt = e.as_table();
      if (!pt) {
        fail(e, "each sweep.param must be a table ([[sweep.param]])");
        continue;
      }
      SweepParam p;
      if (grid) {
        check_keys(*pt, "[[sweep.param]] (grid)", {"key", "values"});
      } else {
        check_keys(*pt, "[[sweep.param]] (" + sw.mode + ")", {"key", "min", "max", "log"});
      }
      p.key = string(*pt, "key", "sweep.param.key", true).value_or("");
      if (p.key.empty()) continue;
      if (grid) {
        const toml::node* vn = pt->get("values");
        const toml::array* vals = vn ? vn->as_array() : nullptr;
        if (!vals || vals->empty()) {
          fail(vn ? *vn : static_cast<const toml::node&>(*pt),
               "sweep.param \"" + p.key + "\" needs values = [ ... ] (a non-empty list of numbers)");
        } else {
          for (const toml::node& v : *vals) {
            double x;
            if (number_of(v, "sweep value for \"" + p.key + "\"", x)) {
              p.values.push_back(x);
              sweep_values_.push_back({p.key, x, &v});
            }
          }
        }
      } else {
        p.min = number(*pt, "min", "sweep.param.min", true, -1e300, 1e300, "a finite number").value_or(0);
        p.max = number(*pt, "max", "sweep.param.max", true, -1e300, 1e300, "a finite number").value_or(0);
        p.log = boolean(*pt, "log", "sweep.param.log").value_or(false);
        if (p.min > p.max) fail(*pt, "sweep.param \"" + p.key + "\" needs min <= max");
        if (p.log && p.min <= 0) fail(*pt, "sweep.param \"" + p.key + "\" with log = true needs min > 0");
        if (pt->get("min")) sweep_values_.push_back({p.key, p.min, pt->get("min")});
        if (pt->get("max")) sweep_values_.push_back({p.key, p.max, pt->get("max")});
      }
      sweep_keys_.push_back({p.key, pt->get("key")});
      sw.params.push_back(p);
    }
    sc.sweep = sw;
  }

 public:
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
  const toml::table& root_;
  std::string source_;
  std::vector<std::string> material_names_;
  std::vector<std::string> regime_names_;
  std::vector<std::string> segment_names_;
  std::int32_t horizon_ = 1;
  DayNumber start_day_ = 0;
};

/// Splits "a.b.c" at dots.
std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

/// The numeric node a sweep key names ("event.0.probability", "segment.us_auto.cover_days.mode"),
/// or nullptr with the reason in @p why. Array entries are chosen by index or by name.
toml::node* resolve_key(toml::table& root, const std::string& key, std::string& why,
                        toml::table** parent = nullptr, std::string* leaf = nullptr) {
  toml::node* cur = &root;
  std::string walked;
  for (const std::string& part : split_key(key)) {
    if (parent) *parent = cur->as_table();
    if (leaf) *leaf = part;
    if (part.empty()) {
      why = "empty component";
      return nullptr;
    }
    toml::node* next = nullptr;
    if (toml::table* t = cur->as_table()) {
      next = t->get(part);
    } else if (toml::array* a = cur->as_array()) {
      const bool numeric = part.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) {
        const size_t i = std::stoul(part);
        if (i < a->size()) next = a->get(i);
      } else {
        for (toml::node& e : *a) {
          toml::table* et = e.as_table();
          const toml::node* nm = et ? et->get("name") : nullptr;
          if (nm && nm->is_string() && nm->as_string()->get() == part) next = &e;
        }
      }
    }
    walked += (walked.empty() ? "" : ".") + part;
    if (!next) {
      why = "\"" + walked + "\" does not exist in the scenario";
      return nullptr;
    }
    cur = next;
  }
  if (!cur->is_number()) {
    why = "it names a " + std::string(cur->is_table() ? "table" : "non-numeric value") +
          ", not a number (name a number, e.g. a distribution parameter like .median)";
    return nullptr;
  }
  return cur;
}

/// Scenario keys whose values are whole numbers (everything else numeric is real-valued).
bool is_integer_field(const std::string& leaf) {
  return leaf == "shipping_days" || leaf == "delay_days" || leaf == "priority" ||
         leaf == "horizon_days" || leaf == "paths" || leaf == "seed";
}

/// Sets the numeric value a sweep key names. Whole-number fields (shipping_days, delay_days,
/// priority) take whole values: fractions are refused, or rounded when @p round_integers (design
/// points); @p value receives what was set. Every other field becomes a real number, even if
/// the file wrote it as an integer (a = 2). @return false with the reason in @p why.
bool apply_override(toml::table& root, const std::string& key, double& value, std::string& why,
                    bool round_integers = false) {
  toml::table* parent = nullptr;
  std::string leaf;
  if (!resolve_key(root, key, why, &parent, &leaf)) return false;
  if (!parent) {
    why = "does not name a value in a table";
    return false;
  }
  if (is_integer_field(leaf)) {
    if (round_integers) value = std::floor(value + 0.5);
    if (std::floor(value) != value || std::fabs(value) > 9e15) {
      why = "must be a whole number";
      return false;
    }
    parent->insert_or_assign(leaf, static_cast<std::int64_t>(value));
  } else {
    parent->insert_or_assign(leaf, value);
  }
  return true;
}

std::string describe_point(const SweepConfig& sweep, const std::vector<double>& values) {
  std::string out = "{";
  for (std::size_t j = 0; j < values.size(); ++j) {
    out += (j ? ", " : " ") + sweep.params[j].key + " = " + fmt(values[j]);
  }
  return out + " }";
}

toml::table parse_toml(const std::string& text, const std::string& source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source_name << ':' << e.source().begin.line << ':' << e.source().begin.column
       << ": TOML syntax error: " << e.description();
    throw InputError(os.str());
  }
}

Scenario parse_and_validate(const std::string& text, const std::string& source_name) {
  toml::table root = parse_toml(text, source_name);
  Reader reader(root, source_name);
  Scenario sc = reader.read();

  // Sweep keys must name numbers of this scenario, and every value must give a valid one.
  if (reader.errors.empty()) {
    for (const auto& k : reader.sweep_keys_) {
      std::string why;
      if (k.key.rfind("run.", 0) == 0) {
        std::ostringstream os;
        os << source_name << ':' << k.where->source().begin.line << ':'
           << k.where->source().begin.column << ": sweep key \"" << k.key
           << "\" cannot be swept: [run] holds run settings (dates, paths, seed), not model "
              "parameters; allowed: any numeric key of the other sections";
        reader.errors.push_back(os.str());
      } else if (!resolve_key(root, k.key, why)) {
        std::ostringstream os;
        os << source_name << ':' << k.where->source().begin.line << ':'
           << k.where->source().begin.column << ": sweep key \"" << k.key
           << "\" cannot be swept: " << why;
        reader.errors.push_back(os.str());
      }
    }
  }
  if (reader.errors.empty()) {
    for (const auto& v : reader.sweep_values_) {
      toml::table copy = root;
      copy.erase("sweep");
      std::string why;
      double value = v.value;
      if (!apply_override(copy, v.key, value, why)) {
        std::ostringstream os;
        os << source_name << ':' << v.where->source().begin.line << ':'
           << v.where->source().begin.column << ": sweep value " << fmt(v.value) << " for \""
           << v.key << "\" " << why;
        reader.errors.push_back(os.str());
        continue;
      }
      Reader point(copy, source_name);
      point.read();
      for (const std::string& e : point.errors) {
        std::ostringstream os;
        os << source_name << ':' << v.where->source().begin.line << ':'
           << v.where->source().begin.column << ": sweep value " << fmt(v.value) << " for \""
           << v.key << "\" gives an invalid scenario: " << e.substr(e.find(": ") + 2);
        reader.errors.push_back(os.str());
      }
    }
  }
  // Every grid point, not just every value, must give a valid scenario (values of different
  // keys can clash, e.g. a triangular mode above its swept max).
  if (reader.errors.empty() && sc.sweep && sc.sweep->mode == "grid") {
    const auto points = grid_points(*sc.sweep);
    if (points.size() > kMaxGridPoints) {
      reader.errors.push_back(source_name + ": the sweep grid has " + std::to_string(points.size()) +
                              " points; at most " + std::to_string(kMaxGridPoints) + " are allowed");
    }
    for (std::size_t i = 0; reader.errors.empty() && i < points.size(); ++i) {
      toml::table copy = root;
      copy.erase("sweep");
      std::string why;
      for (std::size_t j = 0; j < points[i].size(); ++j) {
        double value = points[i][j];
        apply_override(copy, sc.sweep->params[j].key, value, why);
      }
      Reader point(copy, source_name);
      point.read();
      if (!point.errors.empty()) {
        const toml::node* where = root.get("sweep");
        std::ostringstream os;
        os << source_name << ':' << where->source().begin.line << ':'
           << where->source().begin.column << ": sweep point " << describe_point(*sc.sweep, points[i])
           << " gives an invalid scenario: "
           << point.errors.front().substr(point.errors.front().find(": ") + 2);
        reader.errors.push_back(os.str());
      }
    }
  }

  if (!reader.errors.empty()) {
    std::string msg;
    for (const auto& e : reader.errors) msg += (msg.empty() ? "" : "\n") + e;
    throw InputError(msg);
  }
  sc.source_name = source_name;
  sc.text = text;
  return sc;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& source_name) {
  return parse_and_validate(text, source_name);
}

std::vector<std::vector<double>> grid_points(const SweepConfig& sweep) {
  std::vector<std::vector<double>> points(1);
  for (const SweepParam& p : sweep.params) {  // the last parameter varies fastest
    std::vector<std::vector<double>> next;
    for (const auto& prefix : points) {
      for (double v : p.values) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    points.swap(next);
    if (points.size() > kMaxGridPoints) break;
  }
  return points;
}

Scenario scenario_at_point(const Scenario& base, std::vector<double> values, bool round_integers,
                           std::vector<double>* applied) {
  if (!base.sweep || values.size() != base.sweep->params.size()) {
    throw std::logic_error("scenario_at_point: values do not match the sweep parameters");
  }
  toml::table root = parse_toml(base.text, base.source_name);
  root.erase("sweep");
  std::string why;
  for (std::size_t j = 0; j < values.size(); ++j) {
    if (!apply_override(root, base.sweep->params[j].key, values[j], why, round_integers)) {
      throw InputError(base.source_name + ": sweep point " + describe_point(*base.sweep, values) +
                       ": \"" + base.sweep->params[j].key + "\" " + why);
    }
  }
  Reader reader(root, base.source_name);
  Scenario sc = reader.read();
  if (!reader.errors.empty()) {
    throw InputError(base.source_name + ": sweep point " + describe_point(*base.sweep, values) +
                     " gives an invalid scenario: " +
                     reader.errors.front().substr(reader.errors.front().find(": ") + 2));
  }
  sc.source_name = base.source_name;
  sc.text = base.text;
  if (applied) *applied = values;
  return sc;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the scenario file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_and_validate(buf.str(), path);
}

}  // namespace rr
