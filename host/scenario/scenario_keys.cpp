// Dotted scenario keys for sweeps and --set (scenario_keys.hpp).
#include "scenario/scenario_keys.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "errors.hpp"

namespace rr {
namespace {

/// The entry of @p cur that @p part names: a table's key, or an array entry by index or by
/// its `name`; nullptr when there is none.
toml::node* step(toml::node& cur, const std::string& part) {
  if (toml::table* t = cur.as_table()) return t->get(part);
  toml::array* a = cur.as_array();
  if (!a) return nullptr;
  if (!part.empty() && part.find_first_not_of("0123456789") == std::string::npos) {
    if (part.size() > 9) return nullptr;  // no array is that long
    const std::size_t i = std::stoul(part);
    return i < a->size() ? a->get(i) : nullptr;
  }
  for (toml::node& e : *a) {
    toml::table* et = e.as_table();
    const toml::node* nm = et ? et->get("name") : nullptr;
    if (nm && nm->is_string() && nm->as_string()->get() == part) return &e;
  }
  return nullptr;
}

/// "; known: ..." listing what @p cur holds (keys of a table, names or indices of an array).
std::string known_at(const toml::node& cur) {
  std::string out;
  if (const toml::table* t = cur.as_table()) {
    for (auto&& [k, v] : *t) out += (out.empty() ? "" : ", ") + std::string(k.str());
  } else if (const toml::array* a = cur.as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::table* et = a->get(i)->as_table();
      const toml::node* nm = et ? et->get("name") : nullptr;
      out += (out.empty() ? "" : ", ") +
             (nm && nm->is_string() ? nm->as_string()->get() : std::to_string(i));
    }
  }
  return out.empty() ? std::string() : "; known here: " + out;
}

/// Scenario keys whose values are whole numbers (everything else numeric is real-valued).
bool is_integer_field(const std::string& leaf) {
  return leaf == "shipping_days" || leaf == "delay_days" || leaf == "priority" ||
         leaf == "horizon_days" || leaf == "paths" || leaf == "seed";
}

/// A TOML basic string holding @p s.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

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

toml::node* resolve_key(toml::table& root, const std::string& key, std::string& why,
                        toml::table** parent, std::string* leaf) {
  toml::node* cur = &root;
  std::string walked;
  for (const std::string& part : split_key(key)) {
    if (parent) *parent = cur->as_table();
    if (leaf) *leaf = part;
    if (part.empty()) {
      why = "empty component";
      return nullptr;
    }
    toml::node* next = step(*cur, part);
    walked += (walked.empty() ? "" : ".") + part;
    if (!next) {
      why = "\"" + walked + "\" does not exist in the scenario" + known_at(*cur);
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

bool apply_override(toml::table& root, const std::string& key, double& value, std::string& why,
                    bool round_integers) {
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

void apply_set(toml::table& root, const std::string& assignment) {
  const std::string where = "--set " + assignment;
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(where + ": expected KEY=VALUE, e.g. stockpile.cover_days=90 or "
                             "plant.NAME.delay_months.median=20");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  // The value as a one-line TOML document named after the override, so its nodes carry that
  // name into the reader's messages; a bare word is read as a string.
  toml::table doc;
  try {
    doc = toml::parse("v = " + text, where);
  } catch (const toml::parse_error&) {
    try {
      doc = toml::parse("v = " + quoted(text), where);
    } catch (const toml::parse_error& e) {
      throw InputError(where + ": the value is not a TOML value (" +
                       std::string(e.description()) + ")");
    }
  }
  const std::vector<std::string> parts = split_key(key);
  toml::node* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = parts[i].empty() ? nullptr : step(*cur, parts[i]);
    walked += (walked.empty() ? "" : ".") + parts[i];
    if (!next || !(next->is_table() || next->is_array())) {
      throw InputError(where + ": \"" + walked + "\" " +
                       (next ? "is a value, not a table" : "does not exist in the scenario") +
                       known_at(*cur));
    }
    cur = next;
  }
  const std::string& leaf = parts.back();
  const toml::source_region source = doc.get("v")->source();
  if (toml::table* t = cur->as_table(); t && !leaf.empty()) {
    t->insert_or_assign(toml::key(leaf, source), std::move(*doc.get("v")));
    return;
  }
  if (toml::node* slot = leaf.empty() ? nullptr : step(*cur, leaf); slot && cur->is_array()) {
    toml::array& a = *cur->as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.get(i) == slot) {
        a.replace(a.cbegin() + static_cast<std::ptrdiff_t>(i), std::move(*doc.get("v")));
        return;
      }
    }
  }
  throw InputError(where + ": \"" + key + "\" does not name a value of the scenario" +
                   known_at(*cur));
}

}  // namespace rr
