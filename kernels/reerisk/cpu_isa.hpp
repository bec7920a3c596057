/// @file cpu_isa.hpp
/// The CPU backend's copies of the path model: one compiled for x86-64-v4 (AVX-512), one for
/// x86-64-v3 (AVX2) and one for baseline x86-64, each with the whole model inlined (flatten).
/// Runs use the best copy the CPU supports, or the one REERISK_CPU_ISA names (benchmarks,
/// tests). CMake builds with -ffp-contract=off, so no copy fuses a multiply and an add: every
/// copy computes the same IEEE-754 results and the tally does not depend on the copy (a test
/// runs each; CI also runs the regression test in a build with the baseline copy only,
/// -DREERISK_ISA_DISPATCH=OFF). Other compilers and targets have the baseline copy only.
/// CPU code only: the GPU kernel never includes this.
#pragma once

#include <cstdint>
#include <vector>

#include "reerisk/path_model.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RR_NO_ISA_DISPATCH)
#define RR_HAVE_ISA_COPIES 1
#define RR_ISA_V4 __attribute__((target("arch=x86-64-v4"), flatten))
#define RR_ISA_V3 __attribute__((target("arch=x86-64-v3"), flatten))
#define RR_ISA_BASELINE __attribute__((flatten))
#else
// One copy, not flattened: the sanitizer and fuzzing builds instrument it, and a flattened
// model takes them minutes per file.
#define RR_HAVE_ISA_COPIES 0
#define RR_ISA_BASELINE
#endif

namespace rr {

enum class CpuIsa { kBaseline = 0, kV3 = 1, kV4 = 2 };

/// "x86-64-v4", "x86-64-v3" or "x86-64".
const char* cpu_isa_name(CpuIsa isa);

/// The copies this build holds that this CPU can run, best first (baseline always).
std::vector<CpuIsa> cpu_isas_available();

/// The copy runs use: the one REERISK_CPU_ISA names (v4, v3, baseline, or x86-64-v4,
/// x86-64-v3, x86-64) when set, else the best available. Decided on the first call.
/// @throws std::invalid_argument with a sentence when the variable names an unknown copy or
///         one this CPU or build lacks (and on every later call).
CpuIsa cpu_isa_active();

/// Makes @p isa the copy for this process (tests, benchmarks).
/// @throws std::invalid_argument when this CPU or build lacks it.
void set_cpu_isa(CpuIsa isa);

namespace isa_copies {

template <class Observer, class Stop>
RR_ISA_BASELINE void run_baseline(const ModelSpec& spec, const TallyLayout& layout,
                                  std::uint64_t* tally, std::uint64_t seed, std::uint64_t begin,
                                  std::uint64_t end, const Observer& observer, const Stop& stop) {
  run_path_range<kPathLanes>(spec, layout, tally, seed, begin, end, observer, stop);
}

#if RR_HAVE_ISA_COPIES
template <class Observer, class Stop>
RR_ISA_V3 void run_v3(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                      std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                      const Observer& observer, const Stop& stop) {
  run_path_range<kPathLanes>(spec, layout, tally, seed, begin, end, observer, stop);
}

template <class Observer, class Stop>
RR_ISA_V4 void run_v4(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                      std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                      const Observer& observer, const Stop& stop) {
  run_path_range<kPathLanes>(spec, layout, tally, seed, begin, end, observer, stop);
}
#endif

}  // namespace isa_copies

/// run_path_range<kPathLanes> in copy @p isa (from cpu_isa_active(), asked once before the
/// parallel region: it may throw).
template <class Observer, class Stop>
void run_path_range_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                        std::uint64_t* tally, std::uint64_t seed, std::uint64_t begin,
                        std::uint64_t end, const Observer& observer, const Stop& stop) {
#if RR_HAVE_ISA_COPIES
  if (isa == CpuIsa::kV4) {
    isa_copies::run_v4(spec, layout, tally, seed, begin, end, observer, stop);
    return;
  }
  if (isa == CpuIsa::kV3) {
    isa_copies::run_v3(spec, layout, tally, seed, begin, end, observer, stop);
    return;
  }
#endif
  (void)isa;
  isa_copies::run_baseline(spec, layout, tally, seed, begin, end, observer, stop);
}

}  // namespace rr
