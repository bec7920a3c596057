#include <gtest/gtest.h>

#include "errors.hpp"
#include "run/shards.hpp"

namespace rr {
namespace {

TEST(ShardTest, RangesTileThePathsExactlyOnce) {
  for (std::uint64_t total : {0ull, 1ull, 7ull, 1000ull, 1000000007ull}) {
    for (std::uint64_t k : {1ull, 2ull, 3ull, 8ull, 13ull}) {
      std::uint64_t next = 0;
      for (std::uint64_t i = 0; i < k; ++i) {
        const PathRange r = shard_range(i, k, total);
        EXPECT_EQ(r.first, next) << total << " " << k << " " << i;
        next += r.count;
      }
      EXPECT_EQ(next, total);
    }
  }
  // No overflow for huge runs: 10^18 paths in 7 shards.
  const std::uint64_t huge = 1000000000000000000ull;
  EXPECT_EQ(shard_range(6, 7, huge).first + shard_range(6, 7, huge).count, huge);
}

TEST(ShardTest, ParsesOneBasedIOverK) {
  EXPECT_EQ(parse_shard("1/4"), (std::pair<std::uint64_t, std::uint64_t>{0, 4}));
  EXPECT_EQ(parse_shard("4/4"), (std::pair<std::uint64_t, std::uint64_t>{3, 4}));
  for (const char* bad : {"0/4", "5/4", "4", "/4", "1/", "a/b", "1/0", "-1/4"}) {
    EXPECT_THROW(parse_shard(bad), InputError) << bad;
  }
}

}  // namespace
}  // namespace rr
