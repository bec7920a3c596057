// Throughput of the path model in path-days per second (Google Benchmark). Not a test:
// numbers go to BENCHMARKS.md. Run through tools/bench/run.sh.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "reerisk/backend.hpp"
#include "reerisk/cpu_isa.hpp"
#include "reerisk/dist.hpp"
#include "run/engine.hpp"
#include "run/paired_run.hpp"
#include "run/path_outcomes.hpp"
#include "run/stockpile_search.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"

namespace {

const rr::Scenario& baseline() {
  static const rr::Scenario sc =
      rr::load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
  return sc;
}

std::uint64_t env_paths(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

/// Run options for a CPU benchmark: seed 1, paths from @p env (else @p fallback).
rr::RunOptions cpu_options(const benchmark::State& state, const char* env, std::uint64_t fallback) {
  rr::RunOptions o;
  o.seed = 1;
  o.n_paths = env_paths(env, fallback);
  o.threads = static_cast<int>(state.range(0));
  return o;
}

/// The CPU backend (the benchmarks never probe for a GPU).
rr::BackendSelection cpu_backend() {
  rr::BackendSelection cpu;
  cpu.name = "cpu";
  return cpu;
}

/// Times runs of @p spec on the CPU backend with @p o.
void time_spec(benchmark::State& state, const rr::ModelSpec& spec, const rr::RunOptions& o) {
  const rr::BackendSelection cpu = cpu_backend();
  for (auto _ : state) benchmark::DoNotOptimize(rr::run_paths(spec, cpu, o).tally.data());
  state.counters["path_days_per_s"] = benchmark::Counter(
      static_cast<double>(o.n_paths) * spec.horizon_days * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["paths"] = static_cast<double>(o.n_paths);
}

/// Times runs of the shipped baseline on the CPU backend with @p o.
void time_baseline(benchmark::State& state, const rr::RunOptions& o) {
  const auto spec = rr::build_model_spec(baseline());
  time_spec(state, *spec, o);
}

/// The cost of importance sampling (docs/model.md §10), 2 threads: the baseline with an empty
/// [rare_event], i.e. the same paths as BM_BaselineCpu/2 with every weight 1 and all the
/// weighting done (products of ratios, the weighted tallies).
void BM_RareEventCpu(benchmark::State& state) {
  rr::Scenario sc = baseline();
  sc.rare_event = rr::RareEventConfig{std::vector<std::vector<double>>(sc.regimes.size()),
                                      std::vector<std::optional<double>>(sc.events.size()),
                                      std::vector<std::optional<double>>(sc.plants.size()),
                                      std::vector<std::optional<rr::Dist>>(sc.segments.size()),
                                      std::vector<std::optional<rr::Dist>>(sc.plants.size())};
  const auto spec = rr::build_model_spec(sc);
  time_spec(state, *spec, cpu_options(state, "REERISK_BENCH_CPU_PATHS", 20000));
}
BENCHMARK(BM_RareEventCpu)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The shipped baseline on the CPU backend with state.range(0) threads.
void BM_BaselineCpu(benchmark::State& state) {
  time_baseline(state, cpu_options(state, "REERISK_BENCH_CPU_PATHS", 20000));
}
BENCHMARK(BM_BaselineCpu)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The baseline in one copy of the model: state.range(0) = 2 (x86-64-v4, AVX-512), 1 (x86-64-v3,
/// AVX2) or 0 (baseline x86-64), state.range(1) threads; a copy this CPU lacks is skipped.
void BM_BaselineCpuIsa(benchmark::State& state) {
  const auto isa = static_cast<rr::CpuIsa>(state.range(0));
  const rr::CpuIsa before = rr::cpu_isa_active();
  try {
    rr::set_cpu_isa(isa);
  } catch (const std::invalid_argument& e) {
    state.SkipWithError(e.what());
    return;
  }
  state.SetLabel(rr::cpu_isa_name(isa));
  rr::RunOptions o;
  o.seed = 1;
  o.n_paths = env_paths("REERISK_BENCH_CPU_PATHS", 20000);
  o.threads = static_cast<int>(state.range(1));
  time_baseline(state, o);
  rr::set_cpu_isa(before);
}
BENCHMARK(BM_BaselineCpuIsa)
    ->ArgsProduct({{2, 1, 0}, {1, 2}})
    ->ArgNames({"isa", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// `reerisk compare` of the baseline and configs/policies/no-project-vault.toml (one pass,
/// both scenarios); path_days_per_s counts the baseline's path-days only, so its ratio to
/// BM_BaselineCpu is the cost of a comparison in runs of one scenario.
void BM_CompareCpu(benchmark::State& state) {
  const auto a = rr::build_model_spec(baseline());
  const auto b = rr::build_model_spec(rr::load_scenario_file(
      std::string(REERISK_SOURCE_DIR) + "/configs/policies/no-project-vault.toml"));
  const rr::RunOptions o = cpu_options(state, "REERISK_BENCH_CPU_PATHS", 20000);
  for (auto _ : state) benchmark::DoNotOptimize(rr::run_paired(*a, *b, o).joint.data());
  state.counters["path_days_per_s"] = benchmark::Counter(
      static_cast<double>(o.n_paths) * a->horizon_days * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["paths"] = static_cast<double>(o.n_paths);
}
BENCHMARK(BM_CompareCpu)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// `reerisk size` of the baseline for us_auto at 5% within 730 days, as the CLI runs it on
/// the CPU (size_stockpile_by_path: each evaluation re-runs only the paths it does not know;
/// arg 1) or with whole runs (size_stockpile, as on a GPU; arg 0). path_days_per_s counts one
/// run's path-days, so its ratio to BM_BaselineCpu is the cost in runs.
void BM_SizeCpu(benchmark::State& state) {
  const auto spec = rr::build_model_spec(baseline());
  const rr::BackendSelection cpu = cpu_backend();
  const rr::RunOptions o = cpu_options(state, "REERISK_BENCH_CPU_PATHS", 20000);
  const bool by_path = state.range(1) != 0;
  rr::SizeRequest req;
  req.alpha = 0.05;
  req.within_days = 730;
  req.segments = {1};  // us_auto
  rr::SizeResult r;
  for (auto _ : state) {
    if (by_path) {
      r = rr::size_stockpile_by_path(*spec, req, o.n_paths,
                                     [&](const rr::ModelSpec& s, const std::vector<std::uint64_t>& p) {
                                       return rr::first_stockouts_of_paths(s, o.seed, p, o.threads);
                                     });
    } else {
      r = rr::size_stockpile(*spec, req, o.n_paths, [&](const rr::ModelSpec& s) {
        return rr::run_paths(s, cpu, o).tally;
      });
    }
  }
  state.counters["path_days_per_s"] = benchmark::Counter(
      static_cast<double>(o.n_paths) * spec->horizon_days * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["paths"] = static_cast<double>(o.n_paths);
  state.counters["evaluations"] = static_cast<double>(r.curve.size());
  state.counters["window_runs"] = static_cast<double>(r.paths_simulated) / o.n_paths;
  state.counters["size_days"] = r.materials[0].days;
}
BENCHMARK(BM_SizeCpu)
    ->Args({2, 1})
    ->Args({2, 0})
    ->ArgNames({"threads", "by_path"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

/// The shipped baseline on CUDA device 0 (skipped without one), its grid sized for
/// state.range(0) blocks per multiprocessor (0: all that fit; RunOptions::gpu_blocks_per_sm),
/// with the compact (state.range(1) = 0) or the full (1) per-thread state
/// (RunOptions::gpu_state): the same tallies, so the pair measures what the state's size costs.
/// device_MiB is the most device memory in use while a batch kernel ran, less what was in use
/// before the first GPU benchmark (the CUDA context): the batch's scenario and tally and the
/// local memory the driver reserves for the kernel's per-thread state.
void BM_BaselineGpu(benchmark::State& state) {
  std::string why;
  if (rr::cuda_backend::device_count(&why) == 0) {
    state.SkipWithError(("no CUDA device: " + why).c_str());
    return;
  }
  static const std::uint64_t before_any_run = rr::cuda_backend::device_bytes_in_use(0);
  const auto spec = rr::build_model_spec(baseline());
  const rr::BackendSelection gpu = rr::select_backend(rr::BackendChoice::kCuda, 0);
  rr::RunOptions o;
  o.seed = 1;
  o.n_paths = env_paths("REERISK_BENCH_GPU_PATHS", 4u << 20);
  o.gpu_blocks_per_sm = static_cast<int>(state.range(0));
  o.gpu_state = state.range(1) ? rr::GpuStateLayout::kFull : rr::GpuStateLayout::kCompact;
  benchmark::DoNotOptimize(rr::run_paths(*spec, gpu, o).tally.data());  // warm-up: module load
  for (auto _ : state) benchmark::DoNotOptimize(rr::run_paths(*spec, gpu, o).tally.data());
  state.counters["path_days_per_s"] = benchmark::Counter(
      static_cast<double>(o.n_paths) * spec->horizon_days * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["paths"] = static_cast<double>(o.n_paths);
  const std::uint64_t peak = rr::cuda_backend::device_bytes_in_use_peak();
  state.counters["device_MiB"] =
      peak > before_any_run ? static_cast<double>(peak - before_any_run) / (1 << 20) : 0.0;
}
BENCHMARK(BM_BaselineGpu)
    ->ArgNames({"blocks_per_sm", "full_state"})
    ->ArgsProduct({{0, 1, 2, 3, 4}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

/// A 20-point grid sweep over the baseline (stockpile cover x escalation probability), run
/// point after point as `reerisk run` does, on the CPU with state.range(0) threads.
void BM_SweepCpu(benchmark::State& state) {
  rr::Scenario base = baseline();
  base.sweep = rr::SweepConfig{};
  base.sweep->params = {{"stockpile.cover_days", {0, 30, 60, 90, 180}},
                        {"event.0.probability", {0.1, 0.35, 0.6, 0.9}}};
  std::vector<std::unique_ptr<rr::ModelSpec>> specs;
  for (const auto& point : rr::grid_points(*base.sweep)) {
    specs.push_back(rr::build_model_spec(rr::scenario_at_point(base, point)));
  }
  const rr::BackendSelection cpu = cpu_backend();
  const rr::RunOptions o = cpu_options(state, "REERISK_BENCH_SWEEP_PATHS", 2000);
  for (auto _ : state) {
    for (const auto& spec : specs) benchmark::DoNotOptimize(rr::run_paths(*spec, cpu, o).tally.data());
  }
  state.counters["path_days_per_s"] = benchmark::Counter(
      static_cast<double>(o.n_paths) * specs.size() * specs.front()->horizon_days * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["points"] = static_cast<double>(specs.size());
  state.counters["paths"] = static_cast<double>(o.n_paths);
}
BENCHMARK(BM_SweepCpu)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Micro: one Philox4x32-10 block turned into four uniforms.
void BM_PhiloxUniforms(benchmark::State& state) {
  std::uint64_t path = 0;
  double acc = 0;
  for (auto _ : state) {
    rr::Stream s(1, path++, rr::Purpose::kDemand, 0, 0);
    acc += s.uniform() + s.uniform() + s.uniform() + s.uniform();
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations() * 4);
}
BENCHMARK(BM_PhiloxUniforms);

/// Micro: a Beta(8, 2) draw (two Marsaglia–Tsang gammas).
void BM_BetaDraw(benchmark::State& state) {
  const rr::Dist d{rr::DistKind::kBeta, 8.0, 2.0};
  std::uint64_t path = 0;
  double acc = 0;
  for (auto _ : state) acc += rr::sample(d, 1, path++, rr::Purpose::kApproval, 0, 0);
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BetaDraw);

}  // namespace

BENCHMARK_MAIN();
