// `reerisk compare`'s engine: two scenarios on the same paths. The paired run reproduces each
// scenario's own run bit for bit, its joint tallies do not depend on threads or batches, its
// paired interval covers a closed-form difference, and pairing narrows the interval.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "run/paired_run.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "stats/comparison.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

using test::load;
using test::minimal_scenario;

RunOptions options(std::uint64_t seed, std::uint64_t n, int threads, std::uint64_t batch = 0) {
  RunOptions o;
  o.seed = seed;
  o.n_paths = n;
  o.threads = threads;
  o.batch = batch;
  return o;
}

const char* kCoverA = "{ dist = \"lognormal\", median = 56, sigma = 0.35 }";
const char* kCoverB = "{ dist = \"lognormal\", median = 70, sigma = 0.35 }";

TEST(CompareTest, EachSideEqualsItsOwnRunAndTheJointTallyIgnoresThreadsAndBatches) {
  const auto a = load(minimal_scenario(200, kCoverA, 365.0, 0.0));
  const auto b = load(minimal_scenario(200, kCoverB, 365.0, 0.0));
  const PairedResult r1 = run_paired(*a.spec, *b.spec, options(5, 1000, 1));
  const PairedResult r2 = run_paired(*a.spec, *b.spec, options(5, 1000, 2, 300));
  EXPECT_EQ(r1.tally_a, test::run_cpu(*a.spec, 5, 1000));
  EXPECT_EQ(r1.tally_b, test::run_cpu(*b.spec, 5, 1000));
  EXPECT_EQ(r1.tally_a, r2.tally_a);
  EXPECT_EQ(r1.tally_b, r2.tally_b);
  EXPECT_EQ(r1.joint, r2.joint);
}

// When both scenarios give every segment the same demand noise, B replays the daily demand
// factors A drew for each whole block instead of drawing them (paired_run.hpp); when they do
// not, B draws its own. Either way each side is its own run's bits, with a path count that
// leaves blocks of 8 and single paths after the whole blocks, and at any batch size.
TEST(CompareTest, EachSideIsItsOwnRunWhetherOrNotTheDemandNoiseIsShared) {
  const std::string file = std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml";
  const Scenario sa = load_scenario_file(file);
  const auto a = build_model_spec(sa);
  const std::uint64_t n = 3 * kPathLanes + 8 + 3;
  const std::vector<std::uint64_t> own_a = test::run_cpu(*a, 9, n);
  for (const char* set : {"stockpile.cover_days=120", "segment.us_defense.demand_cv=0.2"}) {
    const auto b = build_model_spec(load_scenario_file(file, {set}));
    const PairedResult r = run_paired(*a, *b, options(9, n, 2, 2 * kPathLanes + 5));
    EXPECT_EQ(r.tally_a, own_a) << set;
    EXPECT_EQ(r.tally_b, test::run_cpu(*b, 9, n)) << set;
  }
}

// No supply, cover ~ lognormal(median mA or mB, sigma): the first stockout day is floor(cover)
// (docs/model.md §5.2), so P(out by day t) = F(t + 1) and the difference is
// F_B(t + 1) - F_A(t + 1). Both covers come from the same normal draw of each path, so the
// paired interval should be far narrower than the unpaired one. The tool's 95% interval is
// checked at one day fixed in advance (false-alarm rate 5%); ten more days are checked with
// 99.9% intervals (z = 3.29), which keeps the family-wise false-alarm rate below 1%.
TEST(CompareTest, PairedIntervalCoversTheClosedFormDifferenceWithNoSupply) {
  const auto a = load(minimal_scenario(200, kCoverA, 365.0, 0.0));
  const auto b = load(minimal_scenario(200, kCoverB, 365.0, 0.0));
  const std::uint64_t n = 20000;
  const PairedResult r = run_paired(*a.spec, *b.spec, options(17, n, 2));
  const Comparison c = compare_tallies(a.scenario, *a.spec, b.scenario, *b.spec, r);
  const PairedCurve& k = c.cells[0].stockout;
  const auto F = [](double x, double median) {
    return x <= 0 ? 0.0 : test::normal_cdf(std::log(x / median) / 0.35);
  };
  const auto exact = [&](int t) { return F(t + 1.0, 70) - F(t + 1.0, 56); };
  EXPECT_LE(k.delta[62].lo, exact(62));
  EXPECT_GE(k.delta[62].hi, exact(62));
  for (int t = 30; t <= 120; t += 10) {
    const Difference d = newcombe_paired(k.out_a[t], k.out_b[t], k.out_both[t], n, 3.2905);
    EXPECT_LE(d.lo, exact(t)) << "day " << t;
    EXPECT_GE(d.hi, exact(t)) << "day " << t;
    // B's cover is A's times 70/56 on every path: out in B implies out in A.
    EXPECT_EQ(k.out_both[t], k.out_b[t]) << "day " << t;
    const double paired = k.delta[t].hi - k.delta[t].lo;
    const double unpaired = k.delta_unpaired[t].hi - k.delta_unpaired[t].lo;
    EXPECT_LT(paired, unpaired) << "day " << t;
  }
  // Between the medians (P_A near 0.6, P_B near 0.3, out in B implies out in A) the pairs'
  // correlation is sqrt(P_B (1 - P_A) / (P_A (1 - P_B))), about 0.53, so the interval shrinks
  // by about sqrt(1 - 0.53) = 0.69 against the unpaired one; we ask for 0.8.
  EXPECT_LT(k.delta[62].hi - k.delta[62].lo, 0.8 * (k.delta_unpaired[62].hi - k.delta_unpaired[62].lo));
}

// The baseline with its 60-day vault against 120 days, on the same paths: wherever the two
// differ at all (and neither proportion is 0 or 1), the paired interval is narrower than the one independent runs would give.
TEST(CompareTest, PairingNarrowsTheIntervalOnTheBaseline) {
  const std::string file = std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml";
  const Scenario sa = load_scenario_file(file);
  const Scenario sb = load_scenario_file(file, {"stockpile.cover_days=120"});
  const auto a = build_model_spec(sa), b = build_model_spec(sb);
  const std::uint64_t n = 4000;
  const PairedResult r = run_paired(*a, *b, options(3, n, 2));
  const Comparison c = compare_tallies(sa, *a, sb, *b, r);
  int checked = 0;
  for (const auto& cell : c.cells) {
    for (const PairedCurve* k : {&cell.stockout, &cell.line_stop}) {
      for (const std::int32_t days : {180, 365, c.horizon_days}) {
        const std::size_t t = k->index_within(days);
        if (k->out_a[t] == k->out_b[t] && k->out_both[t] == k->out_a[t]) continue;  // identical
        // With a proportion at 0 or 1 the correlation is undefined; Newcombe sets it to 0
        // and the paired interval is the unpaired one.
        if (k->out_a[t] == 0 || k->out_b[t] == 0 || k->out_a[t] == n || k->out_b[t] == n) continue;
        EXPECT_LT(k->delta[t].hi - k->delta[t].lo, k->delta_unpaired[t].hi - k->delta_unpaired[t].lo)
            << cell.segment << " " << cell.material << " day " << days;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 4);  // us_auto's NdFeB at least, stockouts and line stops
}

}  // namespace
}  // namespace rr
