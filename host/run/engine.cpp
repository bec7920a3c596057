#include "run/engine.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "reerisk/backend.hpp"
#include "reerisk/capacity.hpp"
#include "reerisk/cpu_isa.hpp"
#include "errors.hpp"
#include "reerisk/tally_layout.hpp"

namespace rr {

std::string cpu_device_name(int threads) {
  CpuIsa isa;
  try {
    isa = cpu_isa_active();
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());  // REERISK_CPU_ISA names a copy that cannot run: bad input
  }
  const int n = threads > 0 ? threads : omp_backend::max_threads();
  return "CPU (" + std::to_string(n) + " threads, " + cpu_isa_name(isa) + ")";
}

std::string gpu_state_note(const ModelSpec& spec) {
  if (fits<CompactCapacity>(spec)) return "";
  std::string over;
  const auto size = [&](int n, int cap, const char* what) {
    if (n <= cap) return;
    over += (over.empty() ? "" : ", ") + std::to_string(n) + " " + what + " (it holds " +
            std::to_string(cap) + ")";
  };
  size(spec.n_materials, CompactCapacity::kMaterials, "materials");
  size(spec.n_segments, CompactCapacity::kSegments, "segments");
  size(spec.n_plants, CompactCapacity::kPlants, "plants");
  size(spec.n_regimes, CompactCapacity::kRegimes, "regimes");
  return "the scenario exceeds the GPU's compact per-thread state with " + over +
         "; each GPU thread keeps the full state instead (the same results, more device memory, "
         "likely slower)";
}

BackendSelection select_backend(BackendChoice choice, int threads) {
  BackendSelection sel;
  const std::string cpu_device = cpu_device_name(threads);
  if (choice == BackendChoice::kCpu) {
    sel.name = "cpu";
    sel.device = cpu_device;
    return sel;
  }
  std::string why;
  const int n = cuda_backend::device_count(&why);
  if (n > 0) {
    sel.cuda = true;
    sel.name = "cuda";
    sel.device = cuda_backend::device_name(0);
    return sel;
  }
  if (choice == BackendChoice::kCuda) {
    throw std::runtime_error("--backend cuda was requested but no CUDA GPU can be used (" + why +
                             "); run with --backend cpu or --backend auto");
  }
  sel.name = "cpu";
  sel.device = cpu_device;
  sel.note = "no CUDA GPU available (" + why + "); using the CPU backend";
  return sel;
}

RunResult run_paths(const ModelSpec& spec, const BackendSelection& backend,
                    const RunOptions& options) {
  const TallyLayout layout(spec);
  RunResult result;
  result.tally.assign(layout.size, 0);
  // Each CPU batch zeroes its workers' tally slots and adds them up: at least one path per 64
  // tally words keeps that under a few percent of the batch, also for the 11 times larger
  // tally of an importance-sampled run (BENCHMARKS.md, "Rare events").
  const std::uint64_t cpu_batch = std::max<std::uint64_t>(4096, layout.size / 64);
  const std::uint64_t batch =
      options.batch > 0 ? options.batch : (backend.cuda ? (std::uint64_t(1) << 20) : cpu_batch);
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  const auto throw_if_stopped = [&] {
    if (options.stop_signal && options.stop_signal->load() != 0) {
      throw Interrupted(options.stop_signal->load());
    }
  };
  while (done < options.n_paths) {
    throw_if_stopped();
    BatchRequest req;
    req.seed = options.seed;
    req.first_path = options.first_path + done;
    req.n_paths = std::min(batch, options.n_paths - done);
    req.threads = options.threads > 0 ? options.threads : omp_backend::max_threads();
    req.device = options.device;
    req.gpu_blocks_per_sm = options.gpu_blocks_per_sm;
    req.gpu_state = options.gpu_state;
    req.stop = options.stop_signal;
    if (backend.cuda) {
      cuda_backend::simulate_batch(spec, req, result.tally);
    } else {
      omp_backend::simulate_batch(spec, req, result.tally);
    }
    throw_if_stopped();  // a batch cut short by a signal is incomplete: drop it
    done += req.n_paths;
    if (options.progress) options.progress(done, options.n_paths);
    if (options.done_early && done < options.n_paths && options.done_early(result.tally)) break;
  }
  result.n_paths = done;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.path_days_per_second =
      result.wall_seconds > 0
          ? static_cast<double>(done) * spec.horizon_days / result.wall_seconds
          : 0.0;
  check_transit_overflow(result.tally[layout.overflow]);
  return result;
}

void check_transit_overflow(std::uint64_t overflowed) {
  if (overflowed == 0) return;
  throw TransitOverflow(
      std::to_string(overflowed) + " path(s) had more than " + std::to_string(kMaxPending) +
      " batches in transit at once, so their results would be wrong; shorten lead times or "
      "rebuild with a larger rr::kMaxPending");
}

}  // namespace rr
