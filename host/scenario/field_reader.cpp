// The field readers of a scenario document (field_reader.hpp).
#include "scenario/field_reader.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "scenario/calendar.hpp"

namespace rr {

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

std::string location(const toml::source_region& where, const std::string& fallback) {
  const std::string path = where.path ? *where.path : fallback;
  if (path.rfind("--set ", 0) == 0) return path;  // one value on the command line
  std::ostringstream os;
  os << path << ':' << where.begin.line << ':' << where.begin.column;
  return os.str();
}

void FieldReader::fail(const toml::source_region& where, const std::string& msg) {
  errors.push_back(location(where, source_) + ": " + msg);
}

void FieldReader::check_keys(const toml::table& t, const std::string& where,
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

const toml::table* FieldReader::table_at(const toml::table& parent, const char* key, bool required,
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

std::vector<const toml::table*> FieldReader::tables(const char* key) {
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

bool FieldReader::number_of(const toml::node& n, const std::string& what, double& out) {
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

std::optional<double> FieldReader::number(const toml::table& t, const char* key, const std::string& what,
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

std::optional<std::int64_t> FieldReader::integer(const toml::table& t, const char* key,
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

std::optional<bool> FieldReader::boolean(const toml::table& t, const char* key, const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) {
    fail(*n, what + " must be true or false");
    return std::nullopt;
  }
  return n->as_boolean()->get();
}

std::optional<std::string> FieldReader::string(const toml::table& t, const char* key,
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

std::optional<std::pair<std::string, DayNumber>> FieldReader::date(const toml::table& t, const char* key,
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

const char* FieldReader::support_text(Support s) {
  switch (s) {
    case Support::kUnit: return "values in [0, 1]";
    case Support::kNonNegative: return "values >= 0";
    default: return "finite values";
  }
}

Dist FieldReader::dist(const toml::node& n, const std::string& what, Support support) {
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

Dist FieldReader::dist(const toml::table& t, const char* key, const std::string& what, Support support,
          bool required, Dist fallback) {
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

void FieldReader::check_support_fixed(const toml::node& n, const std::string& what, double x, Support s) {
  check_support_range(n, what, x, x, s);
}

void FieldReader::check_support_range(const toml::node& n, const std::string& what, double lo, double hi,
                         Support s) {
  if (s == Support::kNonNegative && lo < 0) {
    fail(n, what + " must not go below 0 (got " + fmt(lo) + "); allowed: " + support_text(s));
  }
  if (s == Support::kUnit && (lo < 0 || hi > 1)) {
    fail(n, what + " must lie in [0, 1] (got " + fmt(lo) + " .. " + fmt(hi) + ")");
  }
}

int FieldReader::lookup(const std::vector<std::string>& names, const std::string& name,
           const toml::source_region& where, const std::string& what) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  fail(where, "unknown " + what + " \"" + name + "\"; known: " + join(names));
  return -1;
}

double FieldReader::tonnes(const toml::node& n, const std::string& what) {
  double x = 0;
  if (!number_of(n, what, x)) return 0;
  if (x < 0 || x > 1e7) {
    fail(n, what + " is " + fmt(x) + "; allowed: tonnes from 0 to 1e7");
    return 0;
  }
  return x;
}

void FieldReader::collect_names(const char* key, std::vector<std::string>& names) {
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

std::string FieldReader::name_of(const toml::table& t, const std::string& kind) {
  auto n = string(t, "name", kind + " name", true);
  if (n && n->empty()) fail(*t.get("name"), kind + " name must not be empty");
  return n.value_or("");
}

}  // namespace rr
