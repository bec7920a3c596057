// docs/model.md §3: same seed => the same tally bit for bit, whatever the thread count, the batch
// size, or how the paths are split into runs that are added afterwards.
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rr
