// Pool allocation rules (docs/model.md §6 "Pool and allocation").
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "reerisk/allocation.hpp"

namespace rr {
namespace {

TEST(AllocationTest, ProRataGivesEveryoneTheirNeedWhenThereIsEnough) {
  double need[3] = {10, 20, 30};
  const bool ok[3] = {true, true, true};
  const std::int32_t prio[3] = {1, 1, 1};
  double given[3] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 3), need, ok, 100, given), 60);
  EXPECT_DOUBLE_EQ(given[0], 10);
  EXPECT_DOUBLE_EQ(given[2], 30);
  for (double n : need) EXPECT_EQ(n, 0.0);  // everyone served in full wants nothing more
}

TEST(AllocationTest, ProRataSharesAShortageInProportionToNeed) {
  double need[3] = {10, 20, 30};
  const bool ok[3] = {true, false, true};  // the second may not take this bucket
  const std::int32_t prio[3] = {1, 1, 1};
  double given[3] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 3), need, ok, 20, given), 20);
  EXPECT_DOUBLE_EQ(given[0], 5);
  EXPECT_DOUBLE_EQ(given[1], 0);
  EXPECT_DOUBLE_EQ(given[2], 15);
  EXPECT_DOUBLE_EQ(need[0], 5);   // what is still wanted after this source
  EXPECT_DOUBLE_EQ(need[1], 20);  // not eligible: untouched
  EXPECT_DOUBLE_EQ(need[2], 15);
}

TEST(AllocationTest, PriorityServesLowerNumbersFirstAndSharesWithinALevel) {
  double need[4] = {10, 20, 30, 40};
  const bool ok[4] = {true, true, true, true};
  const std::int32_t prio[4] = {2, 1, 2, 3};
  double given[4] = {};
  EXPECT_DOUBLE_EQ(allocate(make_allocation_order(Allocation::kPriority, prio, 4), need, ok, 40, given), 40);
  EXPECT_DOUBLE_EQ(given[1], 20);  // level 1 in full
  EXPECT_DOUBLE_EQ(given[0], 5);   // level 2 shares 20 as 10:30
  EXPECT_DOUBLE_EQ(given[2], 15);
  EXPECT_DOUBLE_EQ(given[3], 0);   // level 3 gets nothing
  EXPECT_EQ(need[1], 0.0);
  EXPECT_DOUBLE_EQ(need[0], 5);
  EXPECT_DOUBLE_EQ(need[2], 15);
  EXPECT_DOUBLE_EQ(need[3], 40);
}

// A level with one taker short of its need gets exactly what is left: need x (left / need)
// would give 2.8978161459048564 for these two numbers, an ulp more than the pool holds.
TEST(AllocationTest, ALoneTakerGetsExactlyWhatIsLeft) {
  const double left = 2.897816145904856, want = 4.984513457605456;
  double need[2] = {want, 7.0};
  const bool ok[2] = {true, true};
  const std::int32_t prio[2] = {1, 2};
  double given[2] = {};
  EXPECT_EQ(allocate(make_allocation_order(Allocation::kPriority, prio, 2), need, ok, left, given), left);
  EXPECT_EQ(given[0], left);
  EXPECT_EQ(need[0], want - left);
  EXPECT_EQ(given[1], 0.0);  // the next level finds nothing left
  EXPECT_EQ(need[1], 7.0);
}

TEST(AllocationTest, NothingToShareOrNoNeed) {
  double need[2] = {0, 0};
  const bool ok[2] = {true, true};
  const std::int32_t prio[2] = {1, 1};
  double given[2] = {};
  EXPECT_EQ(allocate(make_allocation_order(Allocation::kPriority, prio, 2), need, ok, 50, given), 0);
  double need2[2] = {5, 5};
  EXPECT_EQ(allocate(make_allocation_order(Allocation::kProRata, prio, 2), need2, ok, 0, given), 0);
  EXPECT_EQ(given[0], 0);
}

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// The allocation rule written out plainly, one lane, every case tested on its own: what
// allocate_lanes must give bit for bit (it folds the cases into one select and one division).
// A level with one segment that may take (eligible always or by regime) gives it
// min(need, left) exactly; with more, each gets need x f.
void reference_allocation(const AllocationOrder& order, const std::int8_t* eligibility,
                          const bool* eligible, double* need, double available, double* given,
                          double* handed) {
  double left = available > 0.0 ? available : 0.0;
  for (int lv = 0; lv < order.n_levels; ++lv) {
    const auto takes = [&](int i) {
      return eligibility[i] == kAlwaysEligible ||
             (eligibility[i] == kEligibleByRegime && eligible[i]);
    };
    int may_take = 0;
    for (int k = order.level_begin[lv]; k < order.level_begin[lv + 1]; ++k) {
      may_take += eligibility[order.segment[k]] != kNeverEligible;
    }
    if (may_take == 1) {
      for (int k = order.level_begin[lv]; k < order.level_begin[lv + 1]; ++k) {
        const int i = order.segment[k];
        if (!takes(i)) continue;
        const double g = need[i] < left ? need[i] : left;
        given[i] += g;
        need[i] -= g;
        left -= g;
      }
      continue;
    }
    double total = 0.0;
    for (int k = order.level_begin[lv]; k < order.level_begin[lv + 1]; ++k) {
      if (takes(order.segment[k])) total += need[order.segment[k]];
    }
    double f;
    if (left > 0.0 && total > 0.0 && total <= left) {
      f = 1.0;  // served in full
      left -= total;
    } else if (left > 0.0 && total > 0.0) {
      f = left / total;  // shares what is left
      left = 0.0;
    } else {
      f = 0.0;  // nothing to share or nothing needed
    }
    for (int k = order.level_begin[lv]; k < order.level_begin[lv + 1]; ++k) {
      const int i = order.segment[k];
      if (!takes(i)) continue;
      const double g = need[i] * f;
      given[i] += g;
      need[i] = need[i] - g > 0.0 ? need[i] - g : 0.0;
    }
  }
  *handed = (available > 0.0 ? available : 0.0) - left;
}

TEST(AllocationTest, LanesGiveThePlainRuleBitForBit) {
  constexpr int W = 8;
  constexpr int S = 4;
  std::mt19937_64 gen(7);
  // Needs and availabilities that hit the edges: zeros, exact ties of total and available,
  // tiny and huge values, shares that round.
  const auto tonnes = [&](int pick) {
    switch (pick % 6) {
      case 0: return 0.0;
      case 1: return 1.0;
      case 2: return std::uniform_real_distribution<double>(0.0, 1e-12)(gen);
      case 3: return std::uniform_real_distribution<double>(0.0, 10.0)(gen);
      case 4: return std::uniform_real_distribution<double>(0.0, 1e9)(gen);
      default: return 1.0 / 3.0;
    }
  };
  const std::int32_t priorities[3][S] = {{1, 1, 1, 1}, {1, 2, 2, 2}, {3, 1, 2, 1}};
  for (int trial = 0; trial < 20000; ++trial) {
    const std::int32_t* prio = priorities[trial % 3];
    const Allocation rule = trial % 5 == 0 ? Allocation::kProRata : Allocation::kPriority;
    const AllocationOrder order = make_allocation_order(rule, prio, S);
    std::int8_t eligibility[S];
    std::int32_t eligible[S * W];
    double need[S * W], given[S * W], available[W], handed[W];
    for (int s = 0; s < S; ++s) {
      eligibility[s] = static_cast<std::int8_t>(gen() % 3);
      for (int l = 0; l < W; ++l) {
        eligible[s * W + l] = static_cast<std::int32_t>(gen() % 2);
        need[s * W + l] = tonnes(static_cast<int>(gen() % 6));
        given[s * W + l] = tonnes(static_cast<int>(gen() % 6));
      }
    }
    for (int l = 0; l < W; ++l) {
      available[l] = gen() % 7 == 0 ? -1.0 : tonnes(static_cast<int>(gen() % 6));
      if (gen() % 4 == 0) {  // exactly what the first level, or all levels, need
        double sum = 0.0;
        for (int s = 0; s < S; ++s) {
          if (eligibility[s] == kAlwaysEligible) sum += need[s * W + l];
        }
        available[l] = sum;
      }
    }
    double ref_need[S * W], ref_given[S * W], ref_handed[W];
    for (int l = 0; l < W; ++l) {
      double n[S], g[S];
      bool ok[S];
      for (int s = 0; s < S; ++s) {
        n[s] = need[s * W + l];
        g[s] = given[s * W + l];
        ok[s] = eligible[s * W + l] != 0;
      }
      reference_allocation(order, eligibility, ok, n, available[l], g, &ref_handed[l]);
      for (int s = 0; s < S; ++s) {
        ref_need[s * W + l] = n[s];
        ref_given[s * W + l] = g[s];
      }
    }
    allocate_lanes<W>(order, eligibility, eligible, need, available, given, handed);
    for (int i = 0; i < S * W; ++i) {
      ASSERT_EQ(bits(need[i]), bits(ref_need[i]))
          << "trial " << trial << " element " << i;
      ASSERT_EQ(bits(given[i]), bits(ref_given[i]))
          << "trial " << trial << " element " << i;
    }
    for (int l = 0; l < W; ++l) {
      ASSERT_EQ(bits(handed[l]), bits(ref_handed[l]))
          << "trial " << trial << " lane " << l;
    }
  }
}

}  // namespace
}  // namespace rr
