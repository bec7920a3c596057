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

#include <atomic>
#include <cstdint>
#include <vector>

#include "reerisk/path_model.hpp"

// The copies are compiled in cpu_paths.cpp.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RR_NO_ISA_DISPATCH)
#define RR_HAVE_ISA_COPIES 1
#else
#define RR_HAVE_ISA_COPIES 0
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

/// What a CPU run calls with each finished path (compare's pairs, --keep-paths): the path's
/// lane of the state it ended in, at the block width it ran in. Function pointers, not a
/// template, so that every run shares the one compiled set of model copies (cpu_paths.cpp):
/// each copy is minutes of g++ (BENCHMARKS.md "Build and CI time"), and one call per path
/// costs nothing next to its horizon of simulated days.
struct PathEndHook {
  template <int W>
  using Fn = void (*)(void* context, int lane, std::uint64_t path, const PathState<W>& state);

  void* context = nullptr;
  Fn<kPathLanes> wide = nullptr;  ///< whole blocks
  Fn<8> eight = nullptr;          ///< the blocks of 8 after them
  Fn<1> one = nullptr;            ///< the last paths, one at a time
  /// Demand factors to write or replay (SharedDemandFactors), for whole blocks only.
  SharedDemandFactors demand;

  /// A hook that calls @p recorder.path_end(lane, path, state) for every path; the recorder
  /// must outlive the hook.
  template <class Recorder>
  static PathEndHook calling(const Recorder& recorder) {
    PathEndHook h;
    h.context = const_cast<Recorder*>(&recorder);
    h.wide = &forward<Recorder, kPathLanes>;
    h.eight = &forward<Recorder, 8>;
    h.one = &forward<Recorder, 1>;
    return h;
  }

  // The PathModel observer interface.
  template <int W>
  SharedDemandFactors shared_demand() const {
    return W == kPathLanes ? demand : SharedDemandFactors{};
  }
  void plant_output(int, std::int32_t, int, int, double) const {}
  template <class State>
  void day_end(std::int32_t, const State&) const {}
  template <int W>
  void path_end(int lane, std::uint64_t path, const PathState<W>& state) const {
    static_assert(W == kPathLanes || W == 8 || W == 1, "run_path_range's block widths");
    if constexpr (W == kPathLanes) {
      if (wide) wide(context, lane, path, state);
    } else if constexpr (W == 8) {
      if (eight) eight(context, lane, path, state);
    } else {
      if (one) one(context, lane, path, state);
    }
  }

 private:
  template <class Recorder, int W>
  static void forward(void* context, int lane, std::uint64_t path, const PathState<W>& state) {
    static_cast<const Recorder*>(context)->path_end(lane, path, state);
  }
};

/// Simulates paths [begin, end) into @p tally in copy @p isa of the model (from
/// cpu_isa_active(), asked once before any parallel region: it may throw), calling @p hook
/// with each finished path. Stops before the next block once @p stop (may be null) is set;
/// the caller must then discard the tally.
void run_path_range_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                        std::uint64_t* tally, std::uint64_t seed, std::uint64_t begin,
                        std::uint64_t end, const PathEndHook& hook,
                        const std::atomic<int>* stop = nullptr);

/// As run_path_range_cpu, for the @p n paths listed in @p paths (any indices): each path gives
/// the bits it gives in a range (lane_paths.hpp).
void run_path_list_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                       std::uint64_t* tally, std::uint64_t seed, const std::uint64_t* paths,
                       std::uint64_t n, const PathEndHook& hook,
                       const std::atomic<int>* stop = nullptr);

}  // namespace rr
