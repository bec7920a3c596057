// Regression baseline: configs/baseline.toml at a fixed seed and path count on the CPU backend
// must give exactly the integer outputs checked in at tests/data/baseline_regression.txt.
// A change that moves them needs a commit saying why; regenerate with
//   REERISK_UPDATE_REGRESSION=1 build/tests/test_regression
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

constexpr std::uint64_t kPaths = 4000;
constexpr std::uint64_t kSeed = 20261110;
const std::string kFile = std::string(REERISK_SOURCE_DIR) + "/tests/data/baseline_regression.txt";

/// FNV-1a over the whole tally: any change of any counter changes it.
std::uint64_t fnv1a(const std::vector<std::uint64_t>& v) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint64_t x : v) {
    for (int b = 0; b < 8; ++b) {
      h ^= (x >> (8 * b)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  return h;
}

/// The readable integer summary: key -> value, in a stable order.
std::map<std::string, std::uint64_t> digest(const Scenario& sc, const TallyLayout& L,
                                            const std::vector<std::uint64_t>& t) {
  std::map<std::string, std::uint64_t> d;
  d["paths"] = t[L.paths];
  d["tally_fnv1a"] = fnv1a(t);
  for (int s = 0; s < L.S; ++s) {
    for (int m = 0; m < L.M; ++m) {
      const std::string key = sc.segments[s].name + "." + sc.materials[m].name;
      const std::uint64_t* first = &t[L.first_stockout + L.sm(s, m) * (L.H + 1)];
      std::uint64_t cum = 0;
      for (int day = 0; day < L.H; ++day) {
        cum += first[day];
        if (day + 1 == 90 || day + 1 == 180 || day + 1 == 365 || day + 1 == L.H) {
          d[key + ".stockout_within_" + std::to_string(day + 1) + "d"] = cum;
        }
      }
      d[key + ".shortfall_kg"] = t[L.shortfall_sum + L.sm(s, m)];
      std::uint64_t delivered = 0;
      for (int k = 0; k < L.K; ++k) delivered += t[L.delivered_sum + L.sm(s, m) * L.K + k];
      d[key + ".delivered_kg"] = delivered;
    }
  }
  for (int m = 0; m < L.M; ++m) {
    d["smuggled_batches." + sc.materials[m].name] = t[L.smuggled_batches + m];
    d["seized_batches." + sc.materials[m].name] = t[L.seized_batches + m];
  }
  for (int k : {0, 6, 12, 24}) {
    for (int m = 0; m < L.M; ++m) {
      d["china_shipped_kg_month_" + std::to_string(k) + "." + sc.materials[m].name] =
          t[L.shipped_sum + static_cast<std::uint64_t>(k) * L.M + m];
    }
  }
  for (int k : {0, 12, 24, 36}) {
    for (int r = 0; r < L.R; ++r) {
      d["regime_month_" + std::to_string(k) + "." + sc.regimes[r].name] =
          t[L.regime_occupancy + k * L.R + r];
    }
  }
  for (int p = 0; p < L.P; ++p) d["cancelled." + std::to_string(p)] = t[L.plant_cancelled + p];
  for (int q : {0, 4, 8}) {
    for (int p = 0; p < L.P; ++p) {
      d["plant_output_kg_quarter_" + std::to_string(q) + "." + std::to_string(p)] =
          t[L.plant_output_sum + static_cast<std::uint64_t>(q) * L.P + p];
    }
  }
  return d;
}

TEST(RegressionTest, BaselineIntegerOutputsAreUnchanged) {
  const Scenario sc = load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  const auto spec = build_model_spec(sc);
  const TallyLayout layout(*spec);
  const auto got = digest(sc, layout, test::run_cpu(*spec, kSeed, kPaths, 2));

  if (std::getenv("REERISK_UPDATE_REGRESSION")) {
    std::ofstream out(kFile);
    out << "# configs/baseline.toml, CPU backend, seed " << kSeed << ", " << kPaths
        << " paths. Integer outputs; regenerate only with a commit that says why they moved.\n";
    for (const auto& [k, v] : got) out << k << " " << v << "\n";
    GTEST_SKIP() << "wrote " << kFile;
  }
  std::ifstream in(kFile);
  ASSERT_TRUE(in) << "missing " << kFile;
  std::map<std::string, std::uint64_t> want;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    std::string k;
    std::uint64_t v;
    is >> k >> v;
    want[k] = v;
  }
  for (const auto& [k, v] : want) {
    const auto it = got.find(k);
    ASSERT_NE(it, got.end()) << "output " << k << " no longer produced";
    EXPECT_EQ(it->second, v) << k;
  }
  EXPECT_EQ(got.size(), want.size());
}

}  // namespace
}  // namespace rr
