#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "progress_bar.hpp"
#include "stop_signal.hpp"
#include "run/checkpoint.hpp"
#include "scenario/design.hpp"
#include "reerisk/backend.hpp"
#include "run/engine.hpp"
#include "run/process_group.hpp"
#include "errors.hpp"
#include "scenario/model_spec_builder.hpp"
#include "stats/path_sample.hpp"
#include "run/peak_memory.hpp"
#include "io/result_file.hpp"
#include "scenario/scenario_loader.hpp"
#include "run/shards.hpp"
#include "stats/sweep_sensitivity.hpp"
#include "stats/summary.hpp"
#include "scenario/sweep_plan.hpp"

namespace rr {
namespace {

BackendChoice parse_backend(const std::string& s) {
  if (s == "cpu") return BackendChoice::kCpu;
  if (s == "cuda") return BackendChoice::kCuda;
  return BackendChoice::kAuto;
}

}  // namespace

void setup_run_command(CLI::App& app, RunCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Simulate a scenario and print P(stockout) per segment and material");
  cmd->add_option("scenario", o.scenario, "Scenario TOML file (see configs/schema.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.output,
                  "Write the full results to this HDF5 file (written atomically)");
  cmd->add_option("--paths", o.paths, "Number of paths (default: run.paths of the scenario)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 62));
  cmd->add_option("--seed", o.seed, "Random seed (default: run.seed of the scenario)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--backend", o.backend,
                  "auto: the GPU when one is usable, else the CPU; cpu; cuda (fails without GPU)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "CPU threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--batch", o.batch,
                  "Paths per batch (memory bound; default 4096 on the CPU, or one per 64 tally words when more, as for [rare_event]; 1048576 on a GPU)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  cmd->add_option("--keep-paths", o.keep_paths,
                  "Also write the drawn parameters and outcomes of the first N paths (needs -o)")
      ->check(CLI::Range(std::uint64_t(0), std::uint64_t(1000000)))
      ->capture_default_str();
  cmd->add_option("--until-halfwidth", o.until_halfwidth,
                  "Stop each point once every segment x material's 95% interval on P(stockout by "
                  "the horizon) is narrower than +/- W (checked after each batch; --paths is the "
                  "cap)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--shard", o.shard,
                  "Run only shard I of K (I/K, 1-based) of the paths, for job arrays; combine the "
                  "shard files with `reerisk merge`");
  cmd->add_flag("-q,--quiet", o.quiet, "No progress bar and no notes on stderr");
  cmd->add_flag("--force", o.force, "Overwrite an existing output file");
  cmd->add_flag("--resume", o.resume,
                "Continue an interrupted sweep from OUT.h5.checkpoint (same scenario and "
                "settings); the result is identical to an uninterrupted run");
  cmd->add_flag("--print-config", o.print_config,
                "Print the scenario as this run would simulate it (extends merged, --set, --paths "
                "and --seed applied) as TOML that `reerisk run` accepts as it is, and exit");
  add_set_option(*cmd, o.overrides);
}

int run_run_command(const RunCommandOptions& o) {
  if (o.print_config) {
    // --paths and --seed become run.paths and run.seed, so the printed scenario alone
    // reproduces this run.
    std::vector<std::string> overrides = o.overrides;
    if (o.paths > 0) overrides.push_back("run.paths=" + std::to_string(o.paths));
    if (o.seed >= 0) overrides.push_back("run.seed=" + std::to_string(o.seed));
    const Scenario printed = load_command_scenario(o.scenario, o.host.scenario_text, overrides);
    if (ProcessGroup::root()) o.host.report() << printed.text;
    return 0;
  }
  const Scenario sc = load_command_scenario(o.scenario, o.host.scenario_text, o.overrides);
  SweepPlan plan = plan_sweep(sc);
  std::vector<PointResult>& points = plan.points;
  const std::vector<std::vector<double>>& grid = plan.values;
  const SweepAxes& axes = plan.axes;
  const bool is_design = plan.is_design();
  if (!o.output.empty()) check_output_path(o.output, o.force);
  if (o.keep_paths > 0 && o.output.empty()) {
    throw InputError("--keep-paths needs an output file (-o OUT.h5)");
  }
  if (o.resume && (o.output.empty() || !sc.sweep)) {
    throw InputError("--resume continues a sweep written with -o OUT.h5; this run has " +
                     std::string(o.output.empty() ? "no output file" : "no [sweep]"));
  }

  const std::uint64_t total_paths = o.paths > 0 ? o.paths : sc.paths;
  PathRange range{0, total_paths};
  const bool mpi = ProcessGroup::size() > 1;
  // Under MPI, sweeps with at least as many points as ranks share out whole points (rank r
  // runs points r, r + K, ...); otherwise the ranks split every point's paths like shards.
  // Either way the integer tallies are summed exactly, so the result is the single-process one.
  const bool split_points = mpi && plan.points.size() >= static_cast<std::size_t>(ProcessGroup::size());
  if (mpi) {
    if (!o.shard.empty() || o.until_halfwidth > 0 || o.resume) {
      throw InputError("under MPI, --shard, --until-halfwidth and --resume are not supported yet");
    }
    if (!split_points) {
      range = shard_range(static_cast<std::uint64_t>(ProcessGroup::rank()),
                          static_cast<std::uint64_t>(ProcessGroup::size()), total_paths);
    }
  }
  if (!o.shard.empty()) {
    const auto [index, count] = parse_shard(o.shard);
    if (o.output.empty()) throw InputError("--shard needs an output file (-o SHARD.h5) to merge later");
    if (o.until_halfwidth > 0 || o.keep_paths > 0) {
      throw InputError("--shard cannot be combined with --until-halfwidth or --keep-paths");
    }
    range = shard_range(index, count, total_paths);
  }

  const BackendSelection backend = select_backend(parse_backend(o.backend), o.threads);
  RunOptions ro;
  ro.seed = o.seed >= 0 ? static_cast<std::uint64_t>(o.seed) : sc.seed;
  ro.first_path = range.first;
  ro.n_paths = range.count;
  if (backend.cuda) {
    std::string why;
    ro.device = ProcessGroup::local_rank() % std::max(1, cuda_backend::device_count(&why));
  }
  ro.batch = o.batch;
  ro.threads = o.threads;
  const bool root = ProcessGroup::root();
  if (!backend.note.empty() && !o.quiet && root) std::cerr << "reerisk: " << backend.note << "\n";
  if (backend.cuda && !o.quiet && root) {
    const std::string note = gpu_state_note(*points.front().spec);  // a sweep keeps the sizes
    if (!note.empty()) std::cerr << "reerisk: " << note << "\n";
  }
  // SIGINT/SIGTERM stop the run within one path (CPU; a GPU batch finishes first) and the write
  // before its rename.
  StopSignalScope signals;
  const std::string started_utc = utc_now();
  double wall_seconds = 0.0;
  double path_days = 0.0;
  // Only rank 0 prints and writes; the other ranks of an MPI job stay silent.
  std::ostringstream quiet_sink;
  std::ostream& out = root ? o.host.report() : quiet_sink;
  out << sc.source_name << ": "
      << (o.shard.empty() ? std::to_string(total_paths)
                          : std::to_string(range.count) + " of " + std::to_string(total_paths) +
                                " (shard " + o.shard + ")")
      << " paths x " << sc.horizon_days
      << " days from " << sc.start << ", seed " << ro.seed << ", backend " << backend.name
      << " (" << backend.device << ")";
  if (mpi) {
    out << " on " << ProcessGroup::size() << " MPI ranks ("
        << (split_points ? "sharing out the points" : "splitting each point's paths") << ")";
  }
  if (sc.sweep) {
    out << ", " << points.size() << (is_design ? " design points (" + sc.sweep->mode +
                                                   " Saltelli scheme)"
                                                 : " " + sc.sweep->mode + " points")
        << " with common random numbers";
  }
  if (sc.rare_event) {
    out << "\nP(out<=Nd): first stockout within the first N days, weighted (importance "
           "sampling, docs/model.md §10), with its 95% interval and relative half-width\n";
  } else {
    out << "\nP(out<=Nd): first stockout within the first N days, with its 95% Wilson "
           "interval; days50/days90: median and P90 stockout days per path\n";
  }
  // Sweeps with an output file keep a checkpoint of completed points beside it.
  std::unique_ptr<CheckpointWriter> checkpoint;
  std::map<std::uint64_t, CheckpointRecord> completed;
  if (sc.sweep && !o.output.empty() && !mpi) {
    const std::string ckpt = o.output + ".checkpoint";
    const std::uint64_t fingerprint =
        run_fingerprint(sc.text + "\nbackend " + backend.name + "\nfirst path " +
                            std::to_string(ro.first_path),
                        ro.seed, ro.n_paths, o.until_halfwidth, ro.batch);
    const std::uint64_t tally_size = TallyLayout(*points.front().spec).size;
    bool resumed = false;
    if (o.resume) {
      resumed = read_checkpoint(ckpt, fingerprint, points.size(), tally_size, completed);
      if (!o.quiet) {
        std::cerr << "reerisk: " << (resumed ? "resuming: " + std::to_string(completed.size()) +
                                                   " of " + std::to_string(points.size()) +
                                                   " points already done"
                                             : "no checkpoint " + ckpt + "; starting from the first point")
                  << "\n";
      }
    }
    checkpoint = std::make_unique<CheckpointWriter>(ckpt, fingerprint, points.size(), tally_size, resumed);
  }
  {
    ProgressBar bar(!o.quiet && root && !o.host.progress, sc.horizon_days);
    ro.stop_signal = &g_stop_signal;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (const auto done = completed.find(i); done != completed.end()) {
        points[i].tally = done->second.tally;
        points[i].summary = summarize(points[i].scenario, *points[i].spec, points[i].tally);
        continue;
      }
      if (split_points && static_cast<int>(i % ProcessGroup::size()) != ProcessGroup::rank()) {
        points[i].tally.assign(TallyLayout(*points[i].spec).size, 0);  // another rank's point
        continue;
      }
      // Every point uses the same seed and path indices: common random numbers.
      const std::uint64_t before = i * ro.n_paths;
      const std::uint64_t total = points.size() * ro.n_paths;
      ro.progress = [&bar, &o, before, total](std::uint64_t done, std::uint64_t) {
        if (o.host.progress) o.host.progress(before + done, total);
        bar.update(before + done, total);
      };
      if (o.until_halfwidth > 0) {
        const ModelSpec& spec = *points[i].spec;
        const double w = o.until_halfwidth;
        ro.done_early = [&spec, w](const std::vector<std::uint64_t>& tally) {
          return widest_horizon_halfwidth(spec, tally) < w;
        };
      }
      RunResult r;
      try {
        r = run_paths(*points[i].spec, backend, ro);
      } catch (const TransitOverflow& e) {
        if (points.size() == 1) throw;
        // Which point: a sweep's range may reach lead times its other points do not.
        throw TransitOverflow("sweep point " + std::to_string(i) + " of " +
                              std::to_string(points.size()) + " (from 0): " + e.what());
      }
      if (const char* fail = std::getenv("REERISK_TEST_FAIL_RANK");
          fail && mpi && std::atoi(fail) == ProcessGroup::rank()) {
        // Fault injection for the MPI failure test (tests/cli/test_mpi.py).
        throw std::runtime_error("injected failure (REERISK_TEST_FAIL_RANK)");
      }
      if (!split_points) ProcessGroup::sum(r.tally);  // exact: sums over the ranks' path ranges
      wall_seconds += r.wall_seconds;
      path_days += static_cast<double>(mpi && !split_points ? total_paths : r.n_paths) * sc.horizon_days;
      points[i].tally = std::move(r.tally);
      if (!split_points) points[i].summary = summarize(points[i].scenario, *points[i].spec, points[i].tally);
      if (checkpoint) checkpoint->add(i, CheckpointRecord{r.n_paths, points[i].tally});
    }
  }
  if (split_points) {
    // One exact reduction of all points' tallies: each point was simulated by one rank.
    std::vector<std::uint64_t> all;
    for (const PointResult& p : points) all.insert(all.end(), p.tally.begin(), p.tally.end());
    ProcessGroup::sum(all);
    std::size_t at = 0;
    for (PointResult& p : points) {
      std::copy(all.begin() + at, all.begin() + at + p.tally.size(), p.tally.begin());
      at += p.tally.size();
      p.summary = summarize(p.scenario, *p.spec, p.tally);
    }
    path_days = static_cast<double>(total_paths) * points.size() * sc.horizon_days;
  }
  std::optional<SensitivityResult> sensitivity;
  if (is_design) {
    sensitivity = compute_sensitivity(*sc.sweep, *plan.design, points, ro.seed);
    out << "\n" << format_sensitivity_ranking(*sensitivity, points.front().summary);
  } else {
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (sc.sweep) {
        out << "\npoint " << i + 1 << "/" << points.size() << " (" << points[i].summary.paths
            << " paths):";
        for (std::size_t j = 0; j < grid[i].size(); ++j) {
          out << " " << sc.sweep->params[j].key << " = " << grid[i][j];
        }
      }
      if (!sc.sweep && o.until_halfwidth > 0) {
        out << "\n" << points[i].summary.paths << " paths reached +/-" << o.until_halfwidth
            << " on every P(stockout by the horizon)\n";
      }
      out << "\n" << format_summary_table(points[i].summary);
    }
  }
  const double rate = wall_seconds > 0 ? path_days / wall_seconds : 0.0;
  const std::uint64_t peak_host = peak_host_bytes();
  const std::uint64_t peak_device = backend.cuda ? cuda_backend::device_bytes_in_use_peak() : 0;
  char line[192];
  std::snprintf(line, sizeof line, "\n%.2f s, %.3g path-days/s, peak memory %.0f MB", wall_seconds,
                rate, peak_host / 1e6);
  out << line;
  if (peak_device) {
    std::snprintf(line, sizeof line, " (GPU: %.0f MB in use)", peak_device / 1e6);
    out << line;
  }
  out << "\n";

  if (!o.output.empty() && root) {
    ResultMetadata meta;
    meta.seed = ro.seed;
    meta.first_path = mpi ? 0 : ro.first_path;
    meta.n_paths = mpi ? total_paths : (sc.sweep ? ro.n_paths : points.front().summary.paths);
    meta.total_paths = total_paths;
    meta.until_halfwidth = o.until_halfwidth;
    meta.backend = backend.name;
    meta.device = backend.device;
    meta.started_utc = started_utc;
    meta.wall_seconds = wall_seconds;
    meta.path_days_per_second = rate;
    meta.peak_host_bytes = peak_host;
    meta.peak_device_bytes = peak_device;
    PathSample sample;
    if (o.keep_paths > 0) {
      sample = sample_paths(*points.front().spec, ro.seed, std::min(o.keep_paths, ro.n_paths));
    }
    write_result_file(o.output, sc, points, axes, meta, o.force, &g_stop_signal, &sample,
                      sensitivity ? &*sensitivity : nullptr);
    if (checkpoint) checkpoint->remove();
    out << "wrote " << o.output << "\n";
  }
  return 0;
}

}  // namespace rr
