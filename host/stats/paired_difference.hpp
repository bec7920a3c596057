/// @file paired_difference.hpp
/// Differences between two scenarios run on the same paths, with paired intervals.
#pragma once

#include <cstdint>

#include "stats/statistics.hpp"

namespace rr {

/// A difference (B - A) with its 95% interval.
struct Difference {
  double d = 0.0;
  double lo = 0.0;
  double hi = 0.0;
};

/// P_B - P_A for two proportions measured on the same n paths, from the paths with the event
/// in A (@p in_a), in B (@p in_b) and in both (@p in_both): Newcombe's hybrid score interval
/// for paired proportions (Newcombe 1998, Stat. Med. 17:2635, method 10). It combines the
/// two Wilson intervals with the paired correlation phi = (n11 n00 - n10 n01) /
/// sqrt(nA (n - nA) nB (n - nB)) (0 when a margin is empty); with phi = 0 it is the interval
/// for independent samples.
Difference newcombe_paired(std::uint64_t in_a, std::uint64_t in_b, std::uint64_t in_both,
                           std::uint64_t n, double z = kZ95);

/// The same difference as if A and B had been run on independent paths of n each
/// (Newcombe 1998, Stat. Med. 17:873, method 10): what a comparison without common random
/// numbers would report.
Difference newcombe_unpaired(std::uint64_t in_a, std::uint64_t in_b, std::uint64_t n,
                             double z = kZ95);

/// The mean of a per-path difference and its normal 95% interval, from the exact sums of the
/// differences and their squares (in whatever units; scaled by @p unit).
Difference mean_difference(long double sum, long double sum_squares, std::uint64_t n,
                           double unit = 1.0, double z = kZ95);

}  // namespace rr
