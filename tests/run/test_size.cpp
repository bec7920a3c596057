// `reerisk size`'s search against a closed form, and a run at its answer against the target.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "run/path_outcomes.hpp"
#include "run/stockpile_search.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

using test::load;
using test::minimal_scenario;

/// The closed form's scenario (below): no supply, demand 1 t/day, a lognormal cover (median 56
/// days, sigma 0.35) and a stockpile for the one segment that releases up to 2 t/day below 14
/// days of cover; @p extra is appended to its [stockpile] section.
test::Loaded closed_form_scenario(const std::string& extra = "") {
  return load(minimal_scenario(
      200, "{ dist = \"lognormal\", median = 56, sigma = 0.35 }", 365.0, 0.0,
      "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 10\nrelease_below_days = 14\n"
      "max_release_t_per_day = { X = 2 }\n" + extra));
}

SizeRequest request(double alpha, std::int32_t within_days, std::vector<int> segments) {
  SizeRequest req;
  req.alpha = alpha;
  req.within_days = within_days;
  req.segments = std::move(segments);
  return req;
}

// No supply, demand 1 t/day, cover C ~ lognormal(median 56, sigma 0.35), and a stockpile of K
// days for the one segment that releases up to 2 t/day whenever its cover falls below 14 days:
// the segment lives on C + K days, so its first stockout is on day floor(C + K) (docs/model.md
// §5.2 with the stockpile's days added) and P(out within D days) = F(D - K). The smallest
// whole K meeting alpha is ceil(D - q_alpha), q_alpha = 56 exp(0.35 z_alpha). The Wilson
// interval of the risk at n paths gives the size a few days' width; the closed form must lie
// in it (a 95% interval: a 5% false-alarm rate at this fixed seed).
TEST(SizeTest, ClosedFormWithNoSupplyAndARandomCover) {
  const auto l = closed_form_scenario();
  const std::uint64_t n = 20000;
  const SizeRequest req = request(0.05, 120, {0});
  const SizeResult r = size_stockpile(*l.spec, req, n, [&](const ModelSpec& s) {
    return test::run_cpu(s, 7, n);
  });
  const MaterialSize& ms = r.materials[0];
  ASSERT_TRUE(ms.needed);
  ASSERT_TRUE(ms.reachable);
  const double q = 56 * std::exp(0.35 * -1.6448536269514722);
  const int exact = static_cast<int>(std::ceil(120 - q));
  EXPECT_LE(ms.days_lo, exact);
  EXPECT_GE(ms.days_hi, exact);
  EXPECT_LE(ms.days_lo, ms.days);
  EXPECT_LE(ms.days, ms.days_hi);
  // The interval's width follows from the risk's: a Wilson half-width of about 0.003 at
  // p = 0.05 and n = 20000, over the slope of F near q_alpha (about 0.0094 per day), gives
  // +/- 0.3 day; whole days make it at most a few.
  EXPECT_LE(ms.days_hi - ms.days_lo, 4);
  EXPECT_NEAR(ms.daily_demand_t, 1.0, 1e-12);
  // The risk curve on these paths falls with the size, evaluation by evaluation.
  for (const auto& a : r.curve) {
    for (const auto& b : r.curve) {
      if (a.cover_days[0] < b.cover_days[0]) {
        EXPECT_GE(a.risk[0].p, b.risk[0].p);
      }
    }
  }
  // With no stockpile the segment is out within 120 days on nearly every path (F(120) = 0.985).
  EXPECT_GT(ms.risk_without.p, 0.97);
  EXPECT_LT(r.curve.size(), 20u);
}

// The answer meets the target on the same paths, and a stockpile 10% smaller does not.
TEST(SizeTest, ARunAtTheAnswerMeetsTheTargetAndTenPercentLessDoesNot) {
  const auto l = load(minimal_scenario(
      300, "{ dist = \"triangular\", min = 20, mode = 40, max = 90 }", 365.0, 0.0,
      "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 10\nrelease_below_days = 14\n"
      "max_release_t_per_day = { X = 2 }\nrefill = true\n"));
  const std::uint64_t n = 5000;
  SizeRequest req;
  req.alpha = 0.01;
  req.within_days = 200;
  req.segments = {0};
  const auto run = [&](const ModelSpec& s) { return test::run_cpu(s, 3, n); };
  const SizeResult r = size_stockpile(*l.spec, req, n, run);
  const MaterialSize& ms = r.materials[0];
  ASSERT_TRUE(ms.reachable);
  ASSERT_GT(ms.days, 10);
  const auto risk_at = [&](double days) {
    ModelSpec s = *l.spec;
    s.stockpile_ceiling_t[0] = stockpile_ceiling_t(s, 0, days);
    const auto tally = run(s);
    std::uint64_t out = 0;
    for (int t = 0; t < req.within_days; ++t) out += tally[l.layout.first_stockout + t];
    return static_cast<double>(out) / n;
  };
  EXPECT_LE(risk_at(ms.days), req.alpha);
  EXPECT_GT(risk_at(0.9 * ms.days), req.alpha);
}

// A target below what any stockpile can reach: releases capped at 0.5 t/day cannot carry a
// 1 t/day segment, so the search reports the material out of reach with the best risk.
TEST(SizeTest, AnUnreachableTargetIsReportedWithTheBestAchievableRisk) {
  const auto l = load(minimal_scenario(
      200, "30", 365.0, 0.0,
      "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 10\nrelease_below_days = 14\n"
      "max_release_t_per_day = { X = 0.5 }\n"));
  SizeRequest req;
  req.alpha = 0.05;
  req.segments = {0};
  const SizeResult r = size_stockpile(*l.spec, req, 500, [&](const ModelSpec& s) {
    return test::run_cpu(s, 3, 500);
  });
  EXPECT_FALSE(r.materials[0].reachable);
  EXPECT_EQ(r.materials[0].days, -1);
  EXPECT_DOUBLE_EQ(r.materials[0].risk_unlimited.p, 1.0);
}

// Each evaluation runs only to the end of the month in which the window ends, and leaves out
// the materials no named segment uses; on the baseline (licence lots, orders that answer the
// flows, the stockpile's refill) every risk it finds is the one a run of the whole horizon with
// every material gives at the same covers, bit for bit: for both participants (all four
// materials) and for us_auto alone (magnets only).
TEST(SizeTest, EvaluationsStopAtTheWindowsMonthEndAndFindTheWholeRunsRisks) {
  const Scenario sc = load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  const auto spec = build_model_spec(sc);
  const TallyLayout L(*spec);
  std::vector<int> participants;
  int us_auto = -1;
  for (int s = 0; s < spec->n_segments; ++s) {
    if (spec->segments[s].stockpile_participant) participants.push_back(s);
    if (sc.segments[s].name == "us_auto") us_auto = s;
  }
  ASSERT_EQ(participants.size(), 2u);
  ASSERT_GE(us_auto, 0);
  const std::uint64_t n = 300;
  for (const std::vector<int>& segments : {participants, std::vector<int>{us_auto}}) {
    SizeRequest req;
    req.alpha = 0.05;
    req.within_days = 200;  // 2027-05-29: the evaluations run to 2027-06-01, day 203
    req.segments = segments;
    std::vector<std::int32_t> horizons;
    std::vector<int> simulated_materials;  // per evaluation
    int materials_used = 0;
    for (int m = 0; m < L.M; ++m) {
      bool used = false;
      for (int s : segments) used = used || spec->demand_t[m][s] > 0.0;
      materials_used += used;
    }
    const SizeResult r = size_stockpile(*spec, req, n, [&](const ModelSpec& s) {
      horizons.push_back(s.horizon_days);
      int with_demand = 0;
      for (int m = 0; m < s.n_materials; ++m) {
        bool any = false;
        for (int g = 0; g < s.n_segments; ++g) any = any || s.demand_t[m][g] > 0.0;
        with_demand += any;
      }
      simulated_materials.push_back(with_demand);
      const auto tally = test::run_cpu(s, 3, n);
      EXPECT_EQ(tally[TallyLayout(s).overflow], 0u);
      return tally;
    });
    ASSERT_GE(r.curve.size(), 3u);
    ASSERT_EQ(simulated_materials.size(), r.curve.size());
    // The two ends (no stockpile, the unlimited cover) simulate every material the segments
    // use; a step of the search only those whose bracket it moves (the others' risks at their
    // covers are known).
    for (std::size_t i = 0; i < r.curve.size(); ++i) {
      bool none = true, unlimited = true;
      for (int m = 0; m < L.M; ++m) {
        if (!r.materials[m].needed) continue;
        none = none && r.curve[i].cover_days[m] == 0;
        unlimited = unlimited && r.curve[i].cover_days[m] == r.materials[m].unlimited_days;
      }
      if (none || unlimited) {
        EXPECT_EQ(simulated_materials[i], materials_used) << "evaluation " << i;
      } else {
        EXPECT_GE(simulated_materials[i], 1) << "evaluation " << i;
        EXPECT_LE(simulated_materials[i], materials_used) << "evaluation " << i;
      }
    }
    EXPECT_EQ(r.evaluated_days, 203);
    for (std::int32_t h : horizons) EXPECT_EQ(h, 203);
    for (const SizeEvaluation& e : r.curve) {
      ModelSpec whole = *spec;
      for (int m = 0; m < L.M; ++m) {
        whole.stockpile_ceiling_t[m] = stockpile_ceiling_t(*spec, m, e.cover_days[m]);
      }
      const auto tally = test::run_cpu(whole, 3, n);
      for (int m = 0; m < L.M; ++m) {
        for (int s : segments) {
          if (!(spec->demand_t[m][s] > 0.0)) continue;
          std::uint64_t out = 0;
          for (int t = 0; t < req.within_days; ++t) {
            out += tally[L.first_stockout + L.sm(s, m) * (L.H + 1) + t];
          }
          EXPECT_EQ(e.segment_risk[static_cast<std::size_t>(s) * L.M + m].p, wilson(out, n).p)
              << segments.size() << " segments: segment " << s << ", material " << m
              << ", cover " << e.cover_days[m];
        }
      }
    }
  }
}

/// The by-path search's runner on the CPU backend.
PathRunner cpu_paths(std::uint64_t seed) {
  return [seed](const ModelSpec& s, const std::vector<std::uint64_t>& paths) {
    return first_stockouts_of_paths(s, seed, paths, 2);
  };
}

/// Both searches find the same answer, interval and curve, point by point, where every path's
/// outcome falls with the cover; the by-path one simulates fewer paths.
void expect_same_search(const SizeResult& whole, const SizeResult& by_path) {
  ASSERT_EQ(whole.materials.size(), by_path.materials.size());
  for (std::size_t m = 0; m < whole.materials.size(); ++m) {
    EXPECT_EQ(whole.materials[m].days, by_path.materials[m].days) << "material " << m;
    EXPECT_EQ(whole.materials[m].days_lo, by_path.materials[m].days_lo) << "material " << m;
    EXPECT_EQ(whole.materials[m].days_hi, by_path.materials[m].days_hi) << "material " << m;
    EXPECT_EQ(whole.materials[m].risk_at_size.p, by_path.materials[m].risk_at_size.p);
  }
  ASSERT_EQ(whole.curve.size(), by_path.curve.size());
  for (std::size_t i = 0; i < whole.curve.size(); ++i) {
    EXPECT_EQ(whole.curve[i].cover_days, by_path.curve[i].cover_days) << "evaluation " << i;
    for (std::size_t k = 0; k < whole.curve[i].segment_risk.size(); ++k) {
      EXPECT_EQ(whole.curve[i].segment_risk[k].p, by_path.curve[i].segment_risk[k].p)
          << "evaluation " << i << ", cell " << k;
    }
  }
  EXPECT_TRUE(by_path.by_path);
  EXPECT_TRUE(by_path.monotone);
  EXPECT_LT(by_path.paths_simulated, whole.paths_simulated);
  // The first evaluation (no stockpile) knows nothing yet; every later one knows something.
  EXPECT_EQ(by_path.curve[0].paths_simulated, by_path.n_paths);
  std::uint64_t in_curve = 0;
  for (std::size_t i = 0; i < by_path.curve.size(); ++i) {
    EXPECT_EQ(whole.curve[i].paths_simulated, whole.n_paths);
    if (i > 0) {
      EXPECT_LT(by_path.curve[i].paths_simulated, by_path.n_paths);
    }
    in_curve += by_path.curve[i].paths_simulated;
  }
  EXPECT_EQ(by_path.paths_simulated, in_curve + 2 * by_path.n_paths);  // and the two checks
}

// The closed form's scenario (no supply, a random cover), with a refill: re-running only the
// paths the search does not know gives the whole runs' search, with fewer paths (here nearly
// every path is out without a stockpile, the least the records can save).
TEST(SizeTest, ByPathSearchGivesTheWholeRunsSearchOnTheClosedForm) {
  const auto l = closed_form_scenario("refill = true\n");
  const std::uint64_t n = 4000;
  const SizeRequest req = request(0.05, 120, {0});
  const SizeResult whole = size_stockpile(*l.spec, req, n, [&](const ModelSpec& s) {
    return test::run_cpu(s, 7, n);
  });
  const SizeResult by_path = size_stockpile_by_path(*l.spec, req, n, cpu_paths(7));
  expect_same_search(whole, by_path);
  EXPECT_TRUE(by_path.verified);
}

// A made-up model whose path p runs out below a cover of threshold(p) days: the risk at c is
// #{p : threshold(p) > c} / n, so the answer is known in closed form; the search must find it
// and simulate each path only while its threshold lies inside a bracket.
TEST(SizeTest, ByPathSearchFindsTheThresholdsQuantile) {
  const auto l = closed_form_scenario();  // only its spec: the runner is made up
  const std::uint64_t n = 1000;
  const auto threshold = [](std::uint64_t p) { return static_cast<std::int32_t>((p * 7919) % 150); };
  const double daily = stockpile_ceiling_t(*l.spec, 0, 1.0);
  std::uint64_t asked = 0;
  const PathRunner made_up = [&](const ModelSpec& s, const std::vector<std::uint64_t>& paths) {
    const auto cover = static_cast<std::int32_t>(std::lround(s.stockpile_ceiling_t[0] / daily));
    std::vector<std::int32_t> first(paths.size(), s.horizon_days);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (cover < threshold(paths[i])) first[i] = 0;
    }
    asked += paths.size();
    return first;
  };
  const SizeRequest req = request(0.1, 100, {0});
  const SizeResult r = size_stockpile_by_path(*l.spec, req, n, made_up);
  // The smallest c with at most 10% of the thresholds above it: the thresholds are a
  // permutation of 0..149 repeated (7919 is prime to 150), 100 paths out of 1000 above 134.
  std::int32_t exact = 0;
  for (;; ++exact) {
    std::uint64_t above = 0;
    for (std::uint64_t p = 0; p < n; ++p) above += threshold(p) > exact;
    if (static_cast<double>(above) / n <= req.alpha) break;
  }
  EXPECT_EQ(r.materials[0].days, exact);
  EXPECT_TRUE(r.monotone);
  EXPECT_TRUE(r.verified);
  EXPECT_EQ(r.paths_simulated, asked);
  // Whole runs would simulate n paths per evaluation; here the first evaluation runs all, the
  // unlimited cover those out without a stockpile, the checks at the answer and one day below
  // all, and the steps between only the paths whose threshold lies in the bracket.
  EXPECT_LT(asked, n * r.curve.size() / 2);
}

// A made-up model that breaks the monotone rule: a tenth of the paths swap their outcome at
// every odd cover. The checks at the answer and one day below catch it, and the search is
// redone with whole runs, whose answer is then the whole runs' one.
TEST(SizeTest, ByPathSearchFallsBackToWholeRunsWhenAPathContradictsTheRule) {
  const auto l = closed_form_scenario();  // only its spec: the runner is made up
  const std::uint64_t n = 1000;
  const double daily = stockpile_ceiling_t(*l.spec, 0, 1.0);
  const PathRunner odd = [&](const ModelSpec& s, const std::vector<std::uint64_t>& paths) {
    const auto cover = static_cast<std::int32_t>(std::lround(s.stockpile_ceiling_t[0] / daily));
    std::vector<std::int32_t> first(paths.size(), s.horizon_days);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const auto t = static_cast<std::int32_t>((paths[i] * 7919) % 150);
      const bool swap = paths[i] % 10 == 0 && cover % 2 == 1;
      if ((cover < t) != swap) first[i] = 0;
    }
    return first;
  };
  const SizeRequest req = request(0.1, 100, {0});
  const SizeResult by_path = size_stockpile_by_path(*l.spec, req, n, odd);
  EXPECT_FALSE(by_path.monotone);
  const SizeResult whole = size_stockpile(*l.spec, req, n, [&](const ModelSpec& s) {
    const std::vector<std::uint64_t> all = [&] {
      std::vector<std::uint64_t> v(n);
      for (std::uint64_t p = 0; p < n; ++p) v[p] = p;
      return v;
    }();
    const std::vector<std::int32_t> first = odd(s, all);
    const TallyLayout T(s);
    std::vector<std::uint64_t> tally(T.size, 0);
    for (std::int32_t f : first) tally[T.first_stockout + f] += 1;
    tally[T.paths] = n;
    return tally;
  });
  EXPECT_EQ(by_path.materials[0].days, whole.materials[0].days);
  EXPECT_EQ(by_path.curve.size(), whole.curve.size());
}

// On the baseline (licence lots, orders that answer the flows, the refill), for both
// participants: the by-path search is the whole runs' search.
TEST(SizeTest, ByPathSearchGivesTheWholeRunsSearchOnTheBaseline) {
  const Scenario sc = load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  const auto spec = build_model_spec(sc);
  std::vector<int> participants;
  for (int s = 0; s < spec->n_segments; ++s) {
    if (spec->segments[s].stockpile_participant) participants.push_back(s);
  }
  const std::uint64_t n = 600;
  SizeRequest req;
  req.alpha = 0.05;
  req.within_days = 365;
  req.segments = participants;
  const SizeResult whole = size_stockpile(*spec, req, n, [&](const ModelSpec& s) {
    return test::run_cpu(s, 3, n);
  });
  const SizeResult by_path = size_stockpile_by_path(*spec, req, n, cpu_paths(3));
  expect_same_search(whole, by_path);
}

}  // namespace
}  // namespace rr
