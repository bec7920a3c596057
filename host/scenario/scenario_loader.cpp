// Scenario TOML -> validated Scenario: the document is assembled (scenario_document.hpp),
// read section by section (scenario_reader.hpp), and its sweep checked point by point. Every
// refusal names file:line:column, says what is wrong and what is allowed; all problems of a
// scenario are reported at once.
#include "scenario/scenario_loader.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "errors.hpp"
#include "scenario/scenario_document.hpp"
#include "scenario/scenario_keys.hpp"
#include "scenario/scenario_reader.hpp"

namespace rr {
namespace {

std::string describe_point(const SweepConfig& sweep, const std::vector<double>& values) {
  std::string out = "{";
  for (std::size_t j = 0; j < values.size(); ++j) {
    out += (j ? ", " : " ") + sweep.params[j].key + " = " + fmt(values[j]);
  }
  return out + " }";
}

Scenario parse_and_validate(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& overrides) {
  ScenarioDocument doc = compose_scenario(text, source_name, overrides);
  toml::table& root = doc.root;
  ScenarioReader reader(root, source_name);
  Scenario sc = reader.read();

  // Sweep keys must name numbers of this scenario, and every value must give a valid one.
  if (reader.errors.empty()) {
    for (const auto& k : reader.sweep_keys_) {
      std::string why;
      if (k.key.rfind("run.", 0) == 0) {
        std::ostringstream os;
        os << location(k.where->source(), source_name) << ": sweep key \"" << k.key
           << "\" cannot be swept: [run] holds run settings (dates, paths, seed), not model "
              "parameters; allowed: any numeric key of the other sections";
        reader.errors.push_back(os.str());
      } else if (!resolve_key(root, k.key, why)) {
        std::ostringstream os;
        os << location(k.where->source(), source_name) << ": sweep key \"" << k.key
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
        os << location(v.where->source(), source_name) << ": sweep value " << fmt(v.value) << " for \""
           << v.key << "\" " << why;
        reader.errors.push_back(os.str());
        continue;
      }
      ScenarioReader point(copy, source_name);
      point.read();
      for (const std::string& e : point.errors) {
        std::ostringstream os;
        os << location(v.where->source(), source_name) << ": sweep value " << fmt(v.value) << " for \""
           << v.key << "\" gives an invalid scenario: " << e.substr(e.find(": ") + 2);
        reader.errors.push_back(os.str());
      }
    }
  }
  // Every grid point, not just every value, must give a valid scenario (values of different
  // keys can clash, e.g. a triangular mode above its swept max).
  if (reader.errors.empty() && sc.sweep && (sc.sweep->mode == "grid" || sc.sweep->mode == "list")) {
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
      ScenarioReader point(copy, source_name);
      point.read();
      if (!point.errors.empty()) {
        const toml::node* where = root.get("sweep");
        std::ostringstream os;
        os << location(where->source(), source_name) << ": sweep point " << describe_point(*sc.sweep, points[i])
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
  sc.text = doc.self_contained() ? text : to_toml_text(doc);
  sc.files = doc.chain;
  sc.overrides = doc.overrides;
  return sc;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& overrides) {
  return parse_and_validate(text, source_name, overrides);
}

std::vector<std::vector<double>> grid_points(const SweepConfig& sweep) {
  if (sweep.mode == "list") {  // point i: every param's i-th value (lengths checked at read)
    std::vector<std::vector<double>> points;
    for (std::size_t i = 0; !sweep.params.empty() && i < sweep.params.front().values.size(); ++i) {
      points.emplace_back();
      for (const SweepParam& p : sweep.params) points.back().push_back(p.values.at(i));
    }
    return points;
  }
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
  ScenarioReader reader(root, base.source_name);
  Scenario sc = reader.read();
  if (!reader.errors.empty()) {
    throw InputError(base.source_name + ": sweep point " + describe_point(*base.sweep, values) +
                     " gives an invalid scenario: " +
                     reader.errors.front().substr(reader.errors.front().find(": ") + 2));
  }
  sc.source_name = base.source_name;
  sc.text = base.text;
  sc.files = base.files;
  sc.overrides = base.overrides;
  if (applied) *applied = values;
  return sc;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the scenario file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_and_validate(buf.str(), path, overrides);
}

}  // namespace rr
