// The CPU backend's copies of the path model (reerisk/cpu_isa.hpp): the only place they are
// compiled, so every CPU run (the backend's batches, compare's pairs, --keep-paths) shares them.
#include <atomic>
#include <cstddef>

#include "reerisk/cpu_isa.hpp"
#include "reerisk/path_model.hpp"

#if RR_HAVE_ISA_COPIES
#define RR_ISA_V4 __attribute__((target("arch=x86-64-v4"), flatten))
#define RR_ISA_V3 __attribute__((target("arch=x86-64-v3"), flatten))
#define RR_ISA_BASELINE __attribute__((flatten))
#else
// One copy, not flattened: the sanitizer and fuzzing builds instrument it, and a flattened
// model takes them minutes per file.
#define RR_ISA_BASELINE
#endif

namespace rr {
namespace {

// The lane arrays of a block's state start on 64-byte boundaries, so that every SIMD load and
// store of a lane loop stays inside one cache line: a member that breaks this (16 bytes of
// flags, say) shifted the arrays after it and cost about 17% of the run in one build.
using CpuState = PathState<kPathLanes, FullCapacity>;
static_assert(offsetof(CpuState, plant_run_from) % 64 == 0 &&
                  offsetof(CpuState, inventory) % 64 == 0 && offsetof(CpuState, pool) % 64 == 0 &&
                  offsetof(CpuState, month_supply) % 64 == 0,
              "a member of PathState breaks the 64-byte alignment of the lane arrays after it");

/// Polled before every block of paths.
struct StopFlag {
  const std::atomic<int>* flag;
  bool operator()() const { return flag && flag->load(std::memory_order_relaxed) != 0; }
};

/// The hook of a copy that tells the model which SIMD instructions the copy was compiled for,
/// so that Philox uses `pmuludq`, which g++ does not find on its own (philox_x86.hpp).
template <class Simd>
struct CopyHook : PathEndHook {
  using simd_isa = Simd;
};

#if RR_HAVE_ISA_COPIES
// Every x86-64 CPU has SSE2. (The one unflattened copy of the sanitizer and fuzzing builds,
// RR_NO_ISA_DISPATCH, keeps the portable Philox, and CI's regression test there checks it.)
using BaselineSimd = SimdSse2;
#else
using BaselineSimd = SimdGeneric;
#endif

RR_ISA_BASELINE void run_baseline(const ModelSpec& spec, const TallyLayout& layout,
                                  std::uint64_t* tally, std::uint64_t seed, LanePaths paths,
                                  std::uint64_t n, const PathEndHook& hook, StopFlag stop) {
  run_paths_in_blocks<kPathLanes>(spec, layout, tally, seed, paths, n,
                                  CopyHook<BaselineSimd>{hook}, stop);
}

#if RR_HAVE_ISA_COPIES

RR_ISA_V3 void run_v3(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                      std::uint64_t seed, LanePaths paths, std::uint64_t n,
                      const PathEndHook& hook, StopFlag stop) {
  run_paths_in_blocks<kPathLanes>(spec, layout, tally, seed, paths, n, CopyHook<SimdAvx2>{hook},
                                  stop);
}

RR_ISA_V4 void run_v4(const ModelSpec& spec, const TallyLayout& layout, std::uint64_t* tally,
                      std::uint64_t seed, LanePaths paths, std::uint64_t n,
                      const PathEndHook& hook, StopFlag stop) {
  run_paths_in_blocks<kPathLanes>(spec, layout, tally, seed, paths, n,
                                  CopyHook<SimdAvx512>{hook}, stop);
}
#endif

/// Simulates @p n of the lanes' paths in copy @p isa of the model.
void run_paths_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                   std::uint64_t* tally, std::uint64_t seed, LanePaths paths, std::uint64_t n,
                   const PathEndHook& hook, const std::atomic<int>* stop) {
  const StopFlag stop_flag{stop};
#if RR_HAVE_ISA_COPIES
  if (isa == CpuIsa::kV4) return run_v4(spec, layout, tally, seed, paths, n, hook, stop_flag);
  if (isa == CpuIsa::kV3) return run_v3(spec, layout, tally, seed, paths, n, hook, stop_flag);
#endif
  (void)isa;
  run_baseline(spec, layout, tally, seed, paths, n, hook, stop_flag);
}

}  // namespace

void run_path_range_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                        std::uint64_t* tally, std::uint64_t seed, std::uint64_t begin,
                        std::uint64_t end, const PathEndHook& hook,
                        const std::atomic<int>* stop) {
  run_paths_cpu(isa, spec, layout, tally, seed, LanePaths(begin), end - begin, hook, stop);
}

void run_path_list_cpu(CpuIsa isa, const ModelSpec& spec, const TallyLayout& layout,
                       std::uint64_t* tally, std::uint64_t seed, const std::uint64_t* paths,
                       std::uint64_t n, const PathEndHook& hook, const std::atomic<int>* stop) {
  run_paths_cpu(isa, spec, layout, tally, seed, LanePaths::of(paths), n, hook, stop);
}

}  // namespace rr
