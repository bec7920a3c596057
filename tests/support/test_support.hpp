/// @file test_support.hpp
/// Helpers shared by the tests: run a scenario on the CPU backend, reference CDFs, and the
/// Kolmogorov–Smirnov statistic with its critical value.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "run/engine.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/philox_x86.hpp"
#include "scenario/scenario.hpp"
#include "stats/summary.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr::test {

/// A scenario loaded from text, resolved for the kernels.
struct Loaded {
  Scenario scenario;
  std::unique_ptr<ModelSpec> spec;
  TallyLayout layout;
};
Loaded load(const std::string& toml);

/// Runs paths [first, first + n) on the CPU backend.
std::vector<std::uint64_t> run_cpu(const ModelSpec& spec, std::uint64_t seed, std::uint64_t n,
                                   int threads = 2, std::uint64_t batch = 0,
                                   std::uint64_t first = 0);

/// Standard normal CDF.
double normal_cdf(double x);
/// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4).
double beta_cdf(double x, double a, double b);

/// Critical value of the one-sample KS statistic at significance alpha for n samples
/// (asymptotic Kolmogorov distribution: sqrt(-ln(alpha/2)/2)/sqrt(n)). For a discrete
/// distribution the test is conservative, so the bound still holds.
double ks_critical(std::size_t n, double alpha);

/// KS statistic of samples against a continuous CDF.
double ks_statistic(std::vector<double> samples, const std::function<double(double)>& cdf);

/// Calls @p check with a value of each SIMD form (philox_x86.hpp's tags) that this build and
/// CPU can run: SimdGeneric always, SimdAvx2 and SimdAvx512 where the CPU has them, so that a
/// test of a kernel helper covers the instructions of every copy of the model this machine
/// runs. @p check takes the tag by value: `[](auto simd) { f<decltype(simd)>(); }`.
template <class Check>
void for_each_simd_form(const Check& check) {
  check(SimdGeneric{});
#if RR_HAVE_X86_PHILOX
  if (__builtin_cpu_supports("avx2")) check(SimdAvx2{});
  if (__builtin_cpu_supports("avx512f")) check(SimdAvx512{});
#endif
}

/// A scenario text with one material "X" and one segment "seg", for known-answer cases.
/// The @p extra text is appended (plants, smuggling, ...).
std::string minimal_scenario(int horizon_days, const std::string& cover_days,
                             double demand_t_per_year, double china_t_per_year,
                             const std::string& extra = "");

}  // namespace rr::test
