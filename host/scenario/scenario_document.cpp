// Scenario documents: extends chains merged child over parent, --set applied
// (scenario_document.hpp). Nodes are moved, never copied, because toml++ keeps a node's source
// (file, line, column) only when it is moved.
#include "scenario/scenario_document.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "errors.hpp"
#include "scenario/field_reader.hpp"
#include "scenario/scenario_keys.hpp"

namespace rr {
namespace {

namespace fs = std::filesystem;

/// The arrays of tables whose entries a child merges by `name` (other arrays replace).
bool merges_by_name(const std::string& key) {
  return key == "material" || key == "regime" || key == "event" || key == "plant" ||
         key == "segment";
}

std::string describe_chain(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& f : files) out += (out.empty() ? "" : " -> ") + f;
  return out;
}

std::string name_of(const toml::table& t) {
  const toml::node* n = t.get("name");
  return n && n->is_string() ? n->as_string()->get() : std::string();
}

/// Merges a child's tables into its parent's, collecting every problem.
class Merger {
 public:
  explicit Merger(std::string source) : source_(std::move(source)) {}
  std::vector<std::string> errors;

  /// Child over parent: standard tables merge key by key; scalars, inline tables and other
  /// arrays replace; the arrays of merges_by_name() merge entry by entry.
  void merge_table(toml::table& base, toml::table& over, bool top) {
    for (auto&& [k, v] : over) {
      const std::string key(k.str());
      if (top && key == "extends") continue;
      toml::node* b = base.get(key);
      if (top && merges_by_name(key) && v.is_array()) {
        if (b && b->is_array()) {
          merge_entries(*b->as_array(), *v.as_array(), key);
          continue;
        }
        toml::array fresh;
        merge_entries(fresh, *v.as_array(), key);
        base.insert_or_assign(k, std::move(fresh));
        continue;
      }
      toml::table* vt = v.as_table();
      if (vt && !vt->is_inline()) {
        if (drops(*vt, "[" + key + "]")) {
          if (b) {
            base.erase(key);
          } else {
            fail(vt->get("drop")->source(),
                 "[" + key + "] has drop = true, but no file it extends has [" + key + "]");
          }
          continue;
        }
        if (b && b->is_table() && !b->as_table()->is_inline()) {
          merge_table(*b->as_table(), *vt, false);
          continue;
        }
      }
      base.insert_or_assign(k, std::move(v));
    }
  }

 private:
  void fail(const toml::source_region& where, const std::string& msg) {
    errors.push_back(location(where, source_) + ": " + msg);
  }

  /// True when @p t asks to drop what it names (drop = true); refuses a drop that also sets
  /// values, or a drop that is not `true`.
  bool drops(const toml::table& t, const std::string& what) {
    const toml::node* d = t.get("drop");
    if (!d) return false;
    if (!d->is_boolean() || !d->as_boolean()->get()) {
      fail(d->source(), what + ": drop must be true (or left out)");
      return false;
    }
    for (auto&& [k, v] : t) {
      if (k.str() != "drop" && k.str() != "name") {
        fail(k.source(), what + " drops the inherited entry, so it cannot also set \"" +
                             std::string(k.str()) + "\"; allowed beside drop = true: name");
      }
    }
    return true;
  }

  void merge_entries(toml::array& base, toml::array& over, const std::string& kind) {
    std::set<std::string> seen;
    for (toml::node& e : over) {
      toml::table* et = e.as_table();
      if (!et) {
        base.push_back(std::move(e));  // the reader refuses it, at its own line
        continue;
      }
      const std::string name = name_of(*et);
      const std::string what = "[[" + kind + "]] \"" + name + "\"";
      if (!name.empty() && !seen.insert(name).second) {
        fail(et->get("name")->source(),
             "duplicate " + kind + " name \"" + name + "\" in this file; names must be unique");
        continue;
      }
      std::size_t match = base.size();
      for (std::size_t i = 0; !name.empty() && i < base.size(); ++i) {
        const toml::table* bt = base.get(i)->as_table();
        if (bt && name_of(*bt) == name) match = i;
      }
      if (drops(*et, what)) {
        if (name.empty()) {
          fail(et->get("drop")->source(),
               "[[" + kind + "]] with drop = true needs the name of the inherited entry");
        } else if (match == base.size()) {
          std::string known;
          for (const toml::node& b : base) {
            if (const toml::table* bt = b.as_table()) known += (known.empty() ? "" : ", ") + name_of(*bt);
          }
          fail(et->get("drop")->source(),
               what + " has drop = true, but no file it extends has a " + kind + " named \"" +
                   name + "\"; inherited: " + (known.empty() ? "(none)" : known));
        } else {
          base.erase(base.cbegin() + static_cast<std::ptrdiff_t>(match));
        }
        continue;
      }
      if (match < base.size()) {
        merge_table(*base.get(match)->as_table(), *et, false);
      } else {
        base.push_back(std::move(*et));
      }
    }
  }

  std::string source_;
};

std::string canonical(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

/// The document of @p name merged over its parents; @p chain and @p stack (canonical paths)
/// hold the files read so far, the named one first.
toml::table load_chain(const std::string& text, const std::string& name,
                       std::vector<std::string>& chain, std::vector<std::string>& stack) {
  chain.push_back(name);
  stack.push_back(canonical(name));
  toml::table root = parse_toml(text, name);
  const toml::node* ext = root.get("extends");
  if (!ext) return root;
  const std::string at = location(ext->source(), name);
  if (!ext->is_string() || ext->as_string()->get().empty()) {
    throw InputError(at + ": extends must name the parent scenario file (a string, relative to "
                          "this file), e.g. extends = \"baseline.toml\"");
  }
  const std::string given = ext->as_string()->get();
  const std::string parent = (fs::path(name).parent_path() / given).lexically_normal().string();
  std::vector<std::string> with_parent = chain;
  with_parent.push_back(parent);
  for (const std::string& s : stack) {
    if (s == canonical(parent)) {
      throw InputError(at + ": extends \"" + given + "\" makes a cycle: " +
                       describe_chain(with_parent) +
                       "; allowed: a chain of files that ends in one without extends");
    }
  }
  std::ifstream in(parent, std::ios::binary);
  std::error_code ec;
  if (!in || !fs::is_regular_file(parent, ec)) {  // not a folder, not /dev/zero
    throw InputError(at + ": extends \"" + given + "\": cannot read " + parent +
                     " (chain: " + describe_chain(with_parent) + ")");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  toml::table base = load_chain(buf.str(), parent, chain, stack);
  Merger merger(name);
  merger.merge_table(base, root, true);
  if (!merger.errors.empty()) {
    std::string msg;
    for (const auto& e : merger.errors) msg += (msg.empty() ? "" : "\n") + e;
    throw InputError(msg);
  }
  return base;
}

/// @p toml with every float written as the shortest text that reads back as the same double
/// (0.35, not 0.34999999999999998). Debian's toml++ is a compiled library that prints 17
/// digits; this pass leaves strings and comments alone and changes no value.
std::string shortest_floats(const std::string& toml) {
  std::string out;
  out.reserve(toml.size());
  char quote = 0;
  for (std::size_t i = 0; i < toml.size(); ++i) {
    const char c = toml[i];
    if (quote) {
      out += c;
      if (c == '\\' && quote == '"' && i + 1 < toml.size()) {
        out += toml[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c == '#') {  // a comment runs to the end of its line
      const std::size_t end = toml.find('\n', i);
      out += toml.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? toml.size() : end - 1;
      continue;
    }
    const auto digit = [](char d) { return d >= '0' && d <= '9'; };
    const auto word = [](char w) {
      return std::isalnum(static_cast<unsigned char>(w)) || w == '_' || w == '-' || w == '.';
    };
    const bool starts_number =
        digit(c) || ((c == '-' || c == '+') && i + 1 < toml.size() && digit(toml[i + 1]));
    if (!starts_number || (!out.empty() && word(out.back()))) {  // not inside a bare key
      out += c;
      continue;
    }
    std::size_t end = i + 1;
    while (end < toml.size() && (word(toml[end]) || toml[end] == '+' || toml[end] == ':')) ++end;
    const std::string token = toml.substr(i, end - i);
    // A float has a point or an exponent; dates, times and hex/octal/binary integers are
    // left as they are.
    const bool is_float = token.find_first_of(".eE") != std::string::npos &&
                          token.find_first_of(":_xob") == std::string::npos;
    char* parsed_end = nullptr;
    const double value = is_float ? std::strtod(token.c_str(), &parsed_end) : 0.0;
    if (!is_float || parsed_end != token.c_str() + token.size()) {
      out += token;
    } else {
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof buf, value);
      std::string shortest(buf, res.ptr);
      if (shortest.find_first_of(".e") == std::string::npos) shortest += ".0";
      out += shortest;
    }
    i = end - 1;
  }
  return out;
}

}  // namespace

toml::table parse_toml(const std::string& text, const std::string& source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw InputError(location(e.source(), source_name) +
                     ": TOML syntax error: " + std::string(e.description()));
  }
}

ScenarioDocument compose_scenario(const std::string& text, const std::string& source_name,
                                  const std::vector<std::string>& overrides) {
  ScenarioDocument doc;
  std::vector<std::string> stack;
  doc.root = load_chain(text, source_name, doc.chain, stack);
  for (const std::string& o : overrides) apply_set(doc.root, o);
  doc.overrides = overrides;
  return doc;
}

std::string to_toml_text(const ScenarioDocument& doc) {
  std::ostringstream os;
  os << "# " << (doc.chain.empty() ? std::string("scenario") : doc.chain.front())
     << " as reerisk reads it";
  if (doc.chain.size() > 1) {
    os << " (extends " << describe_chain({doc.chain.begin() + 1, doc.chain.end()}) << ")";
  }
  os << ".\n";
  for (const std::string& o : doc.overrides) os << "# --set " << o << "\n";
  os << "# Self-contained: `reerisk run` accepts this text as it is.\n\n";
  std::ostringstream body;
  body << toml::toml_formatter(doc.root) << "\n";
  os << shortest_floats(body.str());
  return os.str();
}

}  // namespace rr
