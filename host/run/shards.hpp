/// @file shards.hpp
/// Splitting a run into path-range shards (`run --shard I/K`) and merging their result files
/// back into the file of the unsharded run (`reerisk merge`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rr {

/// Paths [first, first + count) of shard @p index (0-based) out of @p shards for a run of
/// @p total paths: contiguous ranges that cover [0, total) exactly once.
struct PathRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};
PathRange shard_range(std::uint64_t index, std::uint64_t shards, std::uint64_t total);

/// Parses "I/K" (1-based I, as users count shards in job arrays): shard I of K.
/// @throws InputError on anything else.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);

/// Merges shard result files into @p output. The shards must come from the same scenario
/// text, seed, backend and total path count, and their path ranges must tile [0, total)
/// exactly; otherwise InputError says which shard is foreign, duplicated or missing. The
/// merged file equals the unsharded run's in every dataset and attribute except timings.
void merge_result_files(const std::vector<std::string>& inputs, const std::string& output,
                        bool force);

}  // namespace rr
