#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "reerisk/lane_lists.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

// list_flagged's SIMD forms list the same indices, in the same order, as the scalar loop: for
// no flag, every flag, one flag at each position, and random flags at densities from 1% to
// 99%, on 256 elements (the demand noise's four segments of 64 lanes). Forms this CPU cannot
// run are left out (for_each_simd_form).
template <class Simd>
void expect_listing_matches_the_scalar_one() {
  constexpr int kN = 256;
  std::vector<std::vector<std::int32_t>> cases;
  cases.emplace_back(kN, 0);
  cases.emplace_back(kN, 1);
  for (int k = 0; k < kN; ++k) {
    cases.emplace_back(kN, 0);
    cases.back()[k] = 1;
  }
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int percent = 1; percent < 100; percent += 7) {
    for (int rep = 0; rep < 20; ++rep) {
      cases.emplace_back(kN, 0);
      for (int k = 0; k < kN; ++k) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
        cases.back()[k] = static_cast<int>((x >> 33) % 100) < percent;
      }
    }
  }
  for (std::size_t c = 0; c < cases.size(); ++c) {
    std::int32_t want[kN + 16], got[kN + 16];
    const int n_want = list_flagged_generic(cases[c].data(), kN, want);
    const int n_got = list_flagged<kN, Simd>(cases[c].data(), got);
    ASSERT_EQ(n_got, n_want) << "case " << c;
    for (int j = 0; j < n_want; ++j) ASSERT_EQ(got[j], want[j]) << "case " << c << " entry " << j;
  }
}

TEST(LaneListsTest, EachSimdFormListsWhatTheScalarLoopLists) {
  test::for_each_simd_form([](auto simd) { expect_listing_matches_the_scalar_one<decltype(simd)>(); });
}

// The scalar loop itself, on a hand-made case: the flagged indices in order, and their count.
TEST(LaneListsTest, TheScalarLoopListsTheFlaggedIndicesInOrder) {
  const std::int32_t flag[8] = {0, 1, 1, 0, 0, 0, 1, 0};
  std::int32_t at[8 + 16];
  ASSERT_EQ(list_flagged_generic(flag, 8, at), 3);
  EXPECT_EQ(at[0], 1);
  EXPECT_EQ(at[1], 2);
  EXPECT_EQ(at[2], 6);
}

}  // namespace
}  // namespace rr
