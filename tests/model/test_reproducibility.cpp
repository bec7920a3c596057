// docs/model.md §3: same seed => the same tally bit for bit, whatever the thread count, the batch
// size, or how the paths are split into runs that are added afterwards; and a path's first days
// are the same whatever the horizon beyond them (§6).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

std::string scenario_text() {
  return test::minimal_scenario(
      400, "{ dist = \"lognormal\", median = 56, sigma = 0.35 }", 300, 1200,
      "[[regime]]\nname = \"cut\"\nthrottle = { X = { dist = \"beta\", a = 1.5, b = 8 } }\n"
      "licensing = true\nlicence_days = { dist = \"lognormal\", median = 63, sigma = 0.5 }\n"
      "approval = { dist = \"beta\", a = 2, b = 8 }\ntransition = { cut = 0.9, open = 0.1 }\n\n"
      "[smuggling]\nleakage = { dist = \"beta\", a = 2, b = 50 }\n"
      "interdiction = { dist = \"beta\", a = 3, b = 7 }\ndelay_days = 60\n\n"
      "[[plant]]\nname = \"P\"\nplanned_start = \"2027-01-01\"\noutput_t_per_year = { X = 100 }\n"
      "delay_months = { dist = \"lognormal\", median = 3, sigma = 0.7 }\ncancel_probability = 0.2\n"
      "ramp_months = { dist = \"lognormal\", median = 18, sigma = 0.5 }\nfirst_year_cap = 0.4\n"
      "outage_probability_per_month = 0.05\noutage_days = { dist = \"lognormal\", median = 20, sigma = 0.8 }\n"
      "offtake = { seg = 0.5 }\n\n"
      "[[segment]]\nname = \"other\"\ndemand_t_per_year = { X = 100 }\ndemand_cv = 0.2\n"
      "cover_days = 30\ntarget_cover_days = 60\n\n"
      "[stockpile]\nparticipants = [\"seg\"]\ncover_days = 30\nrelease_below_days = 14\n"
      "max_release_t_per_day = { X = 0.5 }\nrefill = true\n");
}

class ReproducibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = scenario_text();
    // The minimal scenario's regime "open" gets a transition to the second regime.
    text.replace(text.find("throttle = { X = 1.0 }"), 22,
                 "throttle = { X = 1.0 }\ntransition = { open = 0.97, cut = 0.03 }");
    loaded_ = test::load(text);
    reference_ = test::run_cpu(*loaded_.spec, 99, kPaths, 1, 0);
    ASSERT_EQ(reference_[loaded_.layout.paths], kPaths);
  }
  static constexpr std::uint64_t kPaths = 3000;
  test::Loaded loaded_;
  std::vector<std::uint64_t> reference_;
};

TEST_F(ReproducibilityTest, ThreadCountDoesNotChangeTheTally) {
  for (int threads : {2, 3, 8}) {
    EXPECT_EQ(test::run_cpu(*loaded_.spec, 99, kPaths, threads), reference_) << threads << " threads";
  }
}

TEST_F(ReproducibilityTest, BatchSizeDoesNotChangeTheTally) {
  for (std::uint64_t batch : {1ull, 7ull, 1000ull, 4096ull}) {
    EXPECT_EQ(test::run_cpu(*loaded_.spec, 99, kPaths, 2, batch), reference_) << "batch " << batch;
  }
}

TEST_F(ReproducibilityTest, HalvesAddUpToTheWhole) {
  auto a = test::run_cpu(*loaded_.spec, 99, 1234, 2, 0, 0);
  const auto b = test::run_cpu(*loaded_.spec, 99, kPaths - 1234, 1, 0, 1234);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  EXPECT_EQ(a, reference_);
}

TEST_F(ReproducibilityTest, AnotherSeedGivesAnotherTally) {
  EXPECT_NE(test::run_cpu(*loaded_.spec, 100, kPaths, 2), reference_);
}

// Runs @p sc to its horizon and to @p short_days (mid-month), and checks that every per-day
// counter of the short run equals the long run's on the same days, and every monthly one on
// the months that end inside the short run.
void expect_first_days_independent_of_horizon(Scenario sc, std::int32_t short_days,
                                               std::uint64_t n) {
  const auto full_spec = build_model_spec(sc);
  sc.horizon_days = short_days;
  const auto short_spec = build_model_spec(sc);
  const TallyLayout F(*full_spec), P(*short_spec);
  ASSERT_LT(P.H, F.H);
  const auto full = test::run_cpu(*full_spec, 5, n);
  const auto part = test::run_cpu(*short_spec, 5, n);
  const std::uint64_t sm = static_cast<std::uint64_t>(F.S) * F.M;
  const struct {
    const char* name;
    std::uint64_t f, p, f_stride, p_stride;
  } daily[] = {
      {"first_stockout", F.first_stockout, P.first_stockout, F.H + 1u, P.H + 1u},
      {"run_starts", F.run_starts, P.run_starts, std::uint64_t(F.H), std::uint64_t(P.H)},
      {"run_ends", F.run_ends, P.run_ends, std::uint64_t(F.H), std::uint64_t(P.H)},
      {"first_line_stop", F.first_line_stop, P.first_line_stop, F.H + 1u, P.H + 1u},
      {"line_stop_starts", F.line_stop_starts, P.line_stop_starts, std::uint64_t(F.H), std::uint64_t(P.H)},
      {"line_stop_ends", F.line_stop_ends, P.line_stop_ends, std::uint64_t(F.H), std::uint64_t(P.H)},
  };
  int differing = 0;
  for (const auto& c : daily) {
    for (std::uint64_t k = 0; k < sm; ++k) {
      for (std::int32_t t = 0; t < P.H; ++t) {
        if (full[c.f + k * c.f_stride + t] != part[c.p + k * c.p_stride + t] && differing++ < 5) {
          ADD_FAILURE() << c.name << " (segment x material " << k << ") differs on day " << t;
        }
      }
    }
  }
  const int whole_months = P.K - 1;  // the last one is cut short by the horizon
  ASSERT_GT(whole_months, 6);
  for (int k = 0; k < whole_months; ++k) {
    for (std::uint64_t i = 0; i < sm; ++i) {
      EXPECT_EQ(full[F.delivered_sum + i * F.K + k], part[P.delivered_sum + i * P.K + k]) << k;
    }
    for (int m = 0; m < F.M; ++m) {
      EXPECT_EQ(full[F.shipped_sum + std::uint64_t(k) * F.M + m],
                part[P.shipped_sum + std::uint64_t(k) * P.M + m]) << k;
    }
  }
  EXPECT_EQ(differing, 0);
}

// Orders answer the flows (an export capacity), licences wait a widely spread time under one
// regime and nothing under the other, and ships take 5 days: orders count every approved batch
// as on order, inside the horizon or not, and the last month's orders cover the calendar month.
// Before both held, 55 days of this run's P(in stockout) moved with the horizon.
TEST(HorizonTest, APathsFirstDaysDoNotDependOnTheHorizon) {
  const auto l = test::load(
      "[run]\nstart = \"2026-11-10\"\nhorizon_days = 700\n\n"
      "[[material]]\nname = \"X\"\nchina_baseline_t_per_year = 1200\nshipping_days = 5\n"
      "export_capacity_t_per_year = 1800\n\n"
      "[[regime]]\nname = \"open\"\nthrottle = { X = 1.0 }\ntransition = { open = 0.9, cut = 0.1 }\n\n"
      "[[regime]]\nname = \"cut\"\nthrottle = { X = { dist = \"beta\", a = 2, b = 5 } }\n"
      "licensing = true\nlicence_days = { dist = \"lognormal\", median = 40, sigma = 0.8 }\n"
      "approval = { dist = \"beta\", a = 4, b = 4 }\ntransition = { cut = 0.7, open = 0.3 }\n\n"
      "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = 1200 }\ndemand_cv = 0.3\n"
      "cover_days = 20\ntarget_cover_days = 30\n");
  expect_first_days_independent_of_horizon(l.scenario, 400, 2000);  // day 400: 2027-12-15
}

// The shipped baseline: licence lots, batches in transit at the start, prices, plants, the
// stockpile and its refill.
TEST(HorizonTest, TheBaselinesFirstDaysDoNotDependOnTheHorizon) {
  expect_first_days_independent_of_horizon(
      load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml"), 400, 400);
}

}  // namespace
}  // namespace rr
