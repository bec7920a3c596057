#include "stats/paired_difference.hpp"

#include <algorithm>
#include <cmath>

namespace rr {
namespace {

Difference hybrid_score(double pa, double pb, const Proportion& a, const Proportion& b,
                        double phi) {
  // Newcombe's square-and-add: each side of the interval combines the distances from each
  // estimate to the Wilson limit on that side.
  const double da_lo = pa - a.lo, da_hi = a.hi - pa, db_lo = pb - b.lo, db_hi = b.hi - pb;
  Difference r;
  r.d = pb - pa;
  r.lo = r.d - std::sqrt(std::max(0.0, db_lo * db_lo - 2 * phi * db_lo * da_hi + da_hi * da_hi));
  r.hi = r.d + std::sqrt(std::max(0.0, db_hi * db_hi - 2 * phi * db_hi * da_lo + da_lo * da_lo));
  r.lo = std::max(-1.0, r.lo);
  r.hi = std::min(1.0, r.hi);
  return r;
}

}  // namespace

Difference newcombe_paired(std::uint64_t in_a, std::uint64_t in_b, std::uint64_t in_both,
                           std::uint64_t n, double z) {
  if (n == 0) return {};
  const Proportion a = wilson(in_a, n, z), b = wilson(in_b, n, z);
  // The 2x2 table of the pairs: n11 both, n10 A only, n01 B only, n00 neither.
  const double n11 = static_cast<double>(in_both);
  const double n10 = static_cast<double>(in_a - in_both);
  const double n01 = static_cast<double>(in_b - in_both);
  const double n00 = static_cast<double>(n) - n11 - n10 - n01;
  const double na = static_cast<double>(in_a), nb = static_cast<double>(in_b),
               nn = static_cast<double>(n);
  const double margins = na * (nn - na) * nb * (nn - nb);
  const double phi = margins > 0 ? (n11 * n00 - n10 * n01) / std::sqrt(margins) : 0.0;
  return hybrid_score(na / nn, nb / nn, a, b, phi);
}

Difference newcombe_unpaired(std::uint64_t in_a, std::uint64_t in_b, std::uint64_t n, double z) {
  if (n == 0) return {};
  const double nn = static_cast<double>(n);
  return hybrid_score(in_a / nn, in_b / nn, wilson(in_a, n, z), wilson(in_b, n, z), 0.0);
}

Difference mean_difference(long double sum, long double sum_squares, std::uint64_t n,
                           double unit, double z) {
  if (n == 0) return {};
  const long double nn = static_cast<long double>(n);
  const long double mean = sum / nn;
  const long double var = n > 1 ? std::max(0.0L, (sum_squares - sum * mean) / (nn - 1)) : 0.0L;
  const double half = z * static_cast<double>(std::sqrt(var / nn)) * unit;
  const double d = static_cast<double>(mean) * unit;
  return {d, d - half, d + half};
}

}  // namespace rr
