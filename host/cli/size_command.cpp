// `reerisk size`: the smallest stockpile per material that meets a stockout-risk target.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "errors.hpp"
#include "io/size_file.hpp"
#include "run/engine.hpp"
#include "run/path_outcomes.hpp"
#include "run/stockpile_search.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "stop_signal.hpp"

namespace rr {
namespace {

std::string pct(const Proportion& p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%% [%.2f, %.2f]", 100 * p.p, 100 * p.lo, 100 * p.hi);
  return buf;
}

std::string days_text(std::int32_t d) { return d < 0 ? std::string("none") : std::to_string(d); }

}  // namespace

void setup_size_command(CLI::App& app, SizeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "size",
      "Find, per material, the smallest strategic stockpile (days of the participants' cover, "
      "and tonnes) such that P(first stockout within DAYS) <= ALPHA for every named segment");
  cmd->add_option("scenario", o.scenario, "Scenario TOML file with a [stockpile]")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--risk", o.risk, "ALPHA, the target probability, strictly between 0 and 1")
      ->required();
  cmd->add_option("--within", o.within, "DAYS of the window (default: the horizon)");
  cmd->add_option("--segments", o.segments,
                  "Segments held to the target, comma-separated (default: the stockpile's "
                  "participants; each must be one)")
      ->delimiter(',');
  cmd->add_option("-o,--output", o.output, "Write the answer and the risk curve to this HDF5 file");
  cmd->add_option("--paths", o.paths, "Paths per evaluation (default: run.paths of the scenario)")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 62));
  cmd->add_option("--seed", o.seed, "Random seed (default: run.seed of the scenario)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", o.threads, "CPU threads (default: all cores)")->check(CLI::Range(1, 4096));
  cmd->add_option("--batch", o.batch, "Paths per batch")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  cmd->add_flag("-q,--quiet", o.quiet, "No notes on stderr");
  cmd->add_flag("--force", o.force, "Overwrite an existing output file");
  add_set_option(*cmd, o.overrides);
}

int run_size_command(const SizeCommandOptions& o) {
  if (!(o.risk > 0.0 && o.risk < 1.0)) {
    throw InputError("reerisk size: --risk " + std::to_string(o.risk) +
                     ": ALPHA must lie strictly between 0 and 1 (e.g. 0.01 for a 1% chance)");
  }
  const Scenario sc = load_command_scenario(o.scenario, o.host.scenario_text, o.overrides);
  if (!sc.stockpile) {
    throw InputError(sc.source_name + ": has no [stockpile]; `reerisk size` sizes one, so the "
                     "scenario must say who receives it and how (participants, "
                     "release_below_days, max_release_t_per_day; configs/schema.md)");
  }
  if (sc.sweep) {
    throw InputError(sc.source_name + ": has a [sweep]; size one scenario at a time (drop the "
                     "sweep, or set its keys with --set)");
  }
  if (sc.rare_event) {
    throw InputError(sc.source_name + ": has a [rare_event] tilt; `reerisk size` does not weight "
                     "its search's paths yet, so size without it (drop the section)");
  }
  if (o.within < 0 || o.within > sc.horizon_days) {
    throw InputError("reerisk size: --within " + std::to_string(o.within) +
                     ": allowed 1 to the horizon, " + std::to_string(sc.horizon_days) + " days");
  }
  SizeRequest req;
  req.alpha = o.risk;
  req.within_days = o.within > 0 ? o.within : sc.horizon_days;
  const auto& participants = sc.stockpile->participants;
  if (o.segments.empty()) {
    req.segments.assign(participants.begin(), participants.end());
  } else {
    for (const auto& name : o.segments) {
      int found = -1;
      for (std::size_t s = 0; s < sc.segments.size(); ++s) {
        if (sc.segments[s].name == name) found = static_cast<int>(s);
      }
      std::string names;
      for (int p : participants) names += (names.empty() ? "" : ", ") + sc.segments[p].name;
      if (found < 0) {
        throw InputError("reerisk size: --segments: no segment \"" + name + "\" in " +
                         sc.source_name + "; the stockpile's participants are " + names);
      }
      if (std::find(participants.begin(), participants.end(), found) == participants.end()) {
        throw InputError("reerisk size: --segments: \"" + name + "\" is not a stockpile "
                         "participant, so no stockpile size changes its risk; participants: " +
                         names + " (add it to stockpile.participants with --set to size for it)");
      }
      req.segments.push_back(found);
    }
  }
  const auto spec = build_model_spec(sc);
  if (!o.output.empty()) check_output_path(o.output, o.force);

  const BackendSelection backend = select_backend(BackendChoice::kAuto, o.threads);
  if (!backend.note.empty() && !o.quiet) std::cerr << "reerisk: " << backend.note << "\n";
  RunOptions ro;
  ro.seed = o.seed >= 0 ? static_cast<std::uint64_t>(o.seed) : sc.seed;
  ro.n_paths = o.paths > 0 ? o.paths : sc.paths;
  ro.threads = o.threads;
  ro.batch = o.batch;
  StopSignalScope signals;
  ro.stop_signal = &g_stop_signal;
  std::ostream& out = o.host.report();
  std::string seg_names;
  for (int s : req.segments) seg_names += (seg_names.empty() ? "" : ", ") + sc.segments[s].name;
  out << sc.source_name << ": target P(first stockout within " << req.within_days
            << " days) <= " << 100 * req.alpha << "% for " << seg_names << "\n"
            << ro.n_paths << " paths per evaluation, seed " << ro.seed
            << ", the same paths in every evaluation (common random numbers), backend "
            << backend.name << " (" << backend.device << ")\n";
  const std::string started = utc_now();
  int evaluations = 0;
  const auto progress = [&](const SizeEvaluation& e) {
    if (o.quiet) return;
    std::cerr << "reerisk: evaluation " << ++evaluations << ": cover days";
    for (std::size_t m = 0; m < e.cover_days.size(); ++m) {
      std::cerr << " " << sc.materials[m].name << "=" << e.cover_days[m];
    }
    std::cerr << "\n";
  };
  // On the CPU each evaluation re-runs only the paths whose outcome it does not know yet; a
  // GPU runs whole evaluations (its kernel takes ranges of paths, not lists).
  const SizeResult r =
      backend.cuda
          ? size_stockpile(
                *spec, req, ro.n_paths,
                [&](const ModelSpec& trial) { return run_paths(trial, backend, ro).tally; },
                progress)
          : size_stockpile_by_path(
                *spec, req, ro.n_paths,
                [&](const ModelSpec& trial, const std::vector<std::uint64_t>& paths) {
                  return first_stockouts_of_paths(trial, ro.seed, paths, ro.threads,
                                                  &g_stop_signal);
                },
                progress);

  char buf[512];
  std::snprintf(buf, sizeof buf, "\n%-6s %-22s %-26s %-24s %-24s %-24s\n", "mat",
                "cover_days [95% CI]", "tonnes [95% CI]", "risk at the size", "risk without",
                "best achievable");
  out << buf;
  bool unreachable = false;
  std::string set_line;
  for (std::size_t m = 0; m < r.materials.size(); ++m) {
    const MaterialSize& ms = r.materials[m];
    const std::string& name = sc.materials[m].name;
    double chosen = sc.stockpile->cover_days[m];
    if (!ms.needed) {
      std::snprintf(buf, sizeof buf, "%-6s not used by %s\n", name.c_str(), seg_names.c_str());
    } else if (!ms.reachable) {
      unreachable = true;
      std::snprintf(buf, sizeof buf, "%-6s %-22s %-26s %-24s %-24s %-24s\n", name.c_str(),
                    "out of reach", "-", "-", pct(ms.risk_without).c_str(),
                    pct(ms.risk_unlimited).c_str());
    } else {
      chosen = ms.days;
      char c[64], t[64];
      std::snprintf(c, sizeof c, "%d [%s, %s]", ms.days, days_text(ms.days_lo).c_str(),
                    days_text(ms.days_hi).c_str());
      const auto tonnes = [&](std::int32_t d) {
        char x[24];
        if (d < 0) return std::string("none");
        std::snprintf(x, sizeof x, "%.4g", d * ms.daily_demand_t);
        return std::string(x);
      };
      std::snprintf(t, sizeof t, "%s [%s, %s]", tonnes(ms.days).c_str(), tonnes(ms.days_lo).c_str(),
                    tonnes(ms.days_hi).c_str());
      std::snprintf(buf, sizeof buf, "%-6s %-22s %-26s %-24s %-24s %-24s\n", name.c_str(), c, t,
                    pct(ms.risk_at_size).c_str(), pct(ms.risk_without).c_str(),
                    pct(ms.risk_unlimited).c_str());
    }
    out << buf;
    char v[64];
    std::snprintf(v, sizeof v, "%s%s = %.10g", set_line.empty() ? "" : ", ", name.c_str(), chosen);
    set_line += v;
  }
  std::snprintf(buf, sizeof buf,
                "\n%zu evaluations of %llu paths to day %d (the end of the window's month), "
                "without the materials the named segments do not use, %.2f s\n",
                r.curve.size(), static_cast<unsigned long long>(r.n_paths), r.evaluated_days,
                r.wall_seconds);
  out << buf;
  if (r.by_path) {
    std::snprintf(buf, sizeof buf,
                  "paths simulated: %.2f x %llu (whole runs: %zu x); each evaluation re-ran "
                  "only the paths whose outcome it did not know%s\n",
                  static_cast<double>(r.paths_simulated) / static_cast<double>(r.n_paths),
                  static_cast<unsigned long long>(r.n_paths), r.curve.size(),
                  !r.monotone ? "; at the answer or one day below a path contradicted the "
                                "monotone rule, so the search was redone with whole runs"
                  : r.verified ? ", then every path ran at the answer and one day below"
                               : " (no answer above 0 days to check)");
    out << buf;
  }
  out << "a run at the answer: --set 'stockpile.cover_days={ " << set_line << " }'\n";
  if (unreachable) {
    for (std::size_t m = 0; m < r.materials.size(); ++m) {
      const MaterialSize& ms = r.materials[m];
      if (!ms.needed || ms.reachable) continue;
      out << sc.materials[m].name << ": no stockpile meets the target: even one that never "
                << "runs out (" << ms.unlimited_days << " days of cover) leaves a risk of "
                << pct(ms.risk_unlimited) << ", because releases are capped at "
                << sc.stockpile->max_release_t_per_day[m]
                << " t/day (stockpile.max_release_t_per_day) and wait for a participant's cover "
                   "to fall below release_below_days; raise those, or the target\n";
    }
  }
  if (!o.output.empty()) {
    ResultMetadata meta;
    meta.seed = ro.seed;
    meta.backend = backend.name;
    meta.device = backend.device;
    meta.started_utc = started;
    write_size_file(o.output, sc, req, r, meta, o.force, &g_stop_signal);
    out << "wrote " << o.output << "\n";
  }
  return unreachable ? 3 : 0;
}

}  // namespace rr
