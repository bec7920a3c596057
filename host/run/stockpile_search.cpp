#include "run/stockpile_search.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "reerisk/tally_layout.hpp"

namespace rr {

double stockpile_ceiling_t(const ModelSpec& spec, int m, double cover_days) {
  double ceiling = 0.0;
  for (int g = 0; g < spec.n_segments; ++g) {
    if (spec.segments[g].stockpile_participant) ceiling += cover_days * spec.segments[g].demand_t_per_day[m];
  }
  return ceiling;
}

void stop_at_month_end(ModelSpec& spec, std::int32_t days) {
  for (std::int32_t k = 1; k < spec.n_months; ++k) {
    if (spec.month_start_day[k] >= days) {
      spec.horizon_days = spec.month_start_day[k];
      spec.last_month_end_day = spec.month_start_day[k];
      spec.n_months = k;
      return;
    }
  }
}

void leave_out_material(ModelSpec& spec, int m) {
  spec.china_t_per_month[m] = 0.0;
  spec.china_capacity_t_per_month[m] = 0.0;
  spec.n_producers[m] = 0;
  for (int p = 0; p < spec.n_plants; ++p) spec.plants[p].output_t_per_day[m] = 0.0;
  for (int s = 0; s < spec.n_segments; ++s) {
    spec.segments[s].demand_t_per_day[m] = 0.0;
    spec.demand_t[m][s] = 0.0;
    spec.target_t[m][s] = 0.0;
    spec.release_trigger_t[m][s] = 0.0;
    spec.release_eligibility[m][s] = kNeverEligible;
    for (int b = 0; b < kPoolBuckets; ++b) spec.pool_eligibility[m][b][s] = kNeverEligible;
  }
  spec.stockpile_ceiling_t[m] = 0.0;
  spec.stockpile_max_release_t_per_day[m] = 0.0;
  // A plant that now makes nothing never starts within the horizon, so that no day computes
  // its output fraction and no month draws its outages (its draws are keyed by its index).
  for (int p = 0; p < spec.n_plants; ++p) {
    bool makes = false;
    for (int k = 0; k < spec.n_materials; ++k) makes = makes || spec.plants[p].output_t_per_day[k] > 0.0;
    if (!makes) spec.plants[p].planned_start_day = 1e9;  // round_days saturates there
  }
  // A segment left demanding nothing never reads its daily demand factor: without noise it
  // draws none (demand_noise.hpp; the others' factors are the same words).
  spec.any_demand_noise = false;
  for (int s = 0; s < spec.n_segments; ++s) {
    bool demands = false;
    for (int k = 0; k < spec.n_materials; ++k) demands = demands || spec.demand_t[k][s] > 0.0;
    if (!demands) spec.demand_sigma[s] = spec.demand_drift[s] = 0.0f;
    spec.any_demand_noise = spec.any_demand_noise || spec.demand_sigma[s] > 0.0f;
  }
}

namespace {

/// A root search on whole days for the smallest cover c with value(c) <= alpha, where
/// value is the point estimate (k = 0) or the lower (1) / upper (2) Wilson bound of the
/// risk: a bracket [a, b] with value(a) > alpha >= value(b), shrunk to b - a = 1.
struct Search {
  std::int32_t a = 0, b = 0;
  bool open = false;
  std::int32_t width[2] = {0, 0};  ///< the bracket's width one and two steps ago
  int side = 0;                    ///< the end the last step moved: +1 a, -1 b
  double wa = 1.0, wb = 1.0;       ///< Illinois weights of the ends' values
};

double value_of(const Proportion& p, int k) { return k == 0 ? p.p : (k == 1 ? p.lo : p.hi); }

/// Regula falsi on log(risk) inside the bracket [a, b] whose ends have the values @p risk_a >
/// @p alpha >= @p risk_b, their Illinois weights @p wa and @p wb: stockout risks fall roughly
/// exponentially with the cover, and a risk of 0 counts as half a path. Bisection where the
/// interpolation is undefined; always strictly inside the bracket.
std::int32_t interpolated_step(std::int32_t a, std::int32_t b, double risk_a, double risk_b,
                               double wa, double wb, double alpha, std::uint64_t n_paths) {
  std::int32_t c = a + (b - a) / 2;
  const double floor = 0.5 / static_cast<double>(std::max<std::uint64_t>(n_paths, 1));
  const double va = std::log(std::max(risk_a, floor));
  const double vb = std::log(std::max(risk_b, floor));
  const double target = std::log(std::max(alpha, floor));
  const double fa = (va - target) * wa, fb = (vb - target) * wb;
  if (fa > 0 && fb <= 0 && fa > fb) {
    const double x = a + fa / (fa - fb) * (b - a);
    c = std::clamp(static_cast<std::int32_t>(std::lround(x)), a + 1, b - 1);
  }
  return c;
}

/// The window's days: 0 .. within-1.
std::int32_t window_days(const ModelSpec& spec, const SizeRequest& req) {
  return req.within_days > 0 ? std::min(req.within_days, spec.horizon_days) : spec.horizon_days;
}

/// The (segment, material) cells the search counts: a named segment and a material it uses.
struct Cell {
  int s = 0, m = 0;
};
std::vector<Cell> counted_cells(const ModelSpec& spec, const SizeRequest& req) {
  std::vector<Cell> cells;
  for (int s : req.segments) {
    for (int m = 0; m < spec.n_materials; ++m) {
      if (spec.demand_t[m][s] > 0.0) cells.push_back({s, m});
    }
  }
  return cells;
}

/// Materials an evaluation simulates: needed ones whose risk it must find (the others' risks at
/// their covers are known from earlier evaluations).
using ActiveMaterials = std::vector<char>;

/// What an evaluation at @p cover (per material) runs: @p spec with those stockpiles, to the
/// first month start on or after day @p within, without the materials that are not @p active
/// (materials do not interact, so the others keep their bits).
std::unique_ptr<ModelSpec> trial_spec(const ModelSpec& spec, const std::vector<std::int32_t>& cover,
                                      std::int32_t within, const ActiveMaterials& active) {
  auto trial = std::make_unique<ModelSpec>(spec);
  for (int m = 0; m < spec.n_materials; ++m) {
    trial->stockpile_ceiling_t[m] = stockpile_ceiling_t(spec, m, cover[m]);
  }
  stop_at_month_end(*trial, within);
  for (int m = 0; m < spec.n_materials; ++m) {
    if (!active[m]) leave_out_material(*trial, m);
  }
  return trial;
}

/// Counts, for a trial spec (the window's month end, the inactive materials left out) and the
/// covers it holds, the paths out within the window: [segment][material], for the named
/// segments and the active materials they use (0 elsewhere). It adds the paths it simulated
/// to @p simulated.
using OutCounter = std::function<std::vector<std::uint64_t>(
    const ModelSpec& trial, const std::vector<std::int32_t>& cover, const ActiveMaterials& active,
    std::uint64_t& simulated)>;

/// The search of size_stockpile, whatever counts the paths out at each cover.
SizeResult search_sizes(const ModelSpec& spec, const SizeRequest& req, std::uint64_t n_paths,
                        const OutCounter& count_out,
                        const std::function<void(const SizeEvaluation&)>& on_evaluation) {
  const auto t0 = std::chrono::steady_clock::now();
  const int M = spec.n_materials, S = spec.n_segments;
  const TallyLayout L(spec);
  const std::int32_t within = window_days(spec, req);
  SizeResult result;
  result.n_paths = n_paths;
  result.materials.resize(M);
  for (int m = 0; m < M; ++m) {
    MaterialSize& ms = result.materials[m];
    for (int s : req.segments) ms.needed = ms.needed || spec.demand_t[m][s] > 0.0;
    ms.daily_demand_t = stockpile_ceiling_t(spec, m, 1.0);
    // Releases are capped per day, so a stock of horizon x cap can never run out.
    const double cap = spec.stockpile_max_release_t_per_day[m];
    ms.unlimited_days =
        ms.daily_demand_t > 0 && cap > 0
            ? static_cast<std::int32_t>(std::min(36500.0, std::ceil(L.H * cap / ms.daily_demand_t) + 1))
            : 0;
  }
  // cache[m][cover] = the material's risk at that cover, and tried_in[m][cover] the evaluation
  // that found it.
  std::vector<std::map<std::int32_t, Proportion>> cache(M);
  std::vector<std::map<std::int32_t, std::size_t>> tried_in(M);
  // Simulates the @p active materials at @p cover; the others are at covers tried before, whose
  // risks the evaluation repeats.
  auto evaluate = [&](const std::vector<std::int32_t>& cover, const ActiveMaterials& active) {
    const auto trial = trial_spec(spec, cover, within, active);
    result.evaluated_days = trial->horizon_days;
    SizeEvaluation e;
    const std::vector<std::uint64_t> out_count = count_out(*trial, cover, active, e.paths_simulated);
    e.cover_days = cover;
    e.risk.assign(M, Proportion{});
    e.segment_risk.assign(static_cast<std::size_t>(S) * M, Proportion{});
    for (int m = 0; m < M; ++m) {
      if (!active[m]) {
        if (!result.materials[m].needed) continue;
        const SizeEvaluation& before = result.curve[tried_in[m].at(cover[m])];
        e.risk[m] = before.risk[m];
        for (int s = 0; s < S; ++s) {
          e.segment_risk[static_cast<std::size_t>(s) * M + m] =
              before.segment_risk[static_cast<std::size_t>(s) * M + m];
        }
        continue;
      }
      for (int s : req.segments) {
        if (!(spec.demand_t[m][s] > 0.0)) continue;
        const Proportion p = wilson(out_count[static_cast<std::size_t>(s) * M + m], n_paths);
        e.segment_risk[static_cast<std::size_t>(s) * M + m] = p;
        Proportion& worst = e.risk[m];
        worst.lo = std::max(worst.lo, p.lo);
        worst.hi = std::max(worst.hi, p.hi);
        worst.p = std::max(worst.p, p.p);
      }
      cache[m][cover[m]] = e.risk[m];
      tried_in[m][cover[m]] = result.curve.size();
    }
    result.curve.push_back(e);
    if (on_evaluation) on_evaluation(e);
  };

  // The two ends: no stockpile, and one no release can exhaust. Between them, the point
  // estimate's first step, taken as if the unlimited cover's risk were 0 (the step the search
  // takes when it is): re-running by path, the unlimited cover then simulates only the paths
  // still out at that step instead of every path out without a stockpile (docs/model.md §9).
  ActiveMaterials needed(M, 0);
  for (int m = 0; m < M; ++m) needed[m] = result.materials[m].needed;
  evaluate(std::vector<std::int32_t>(M, 0), needed);
  std::vector<std::int32_t> first_step(M, 0);
  ActiveMaterials stepped(M, 0);
  for (int m = 0; m < M; ++m) {
    const MaterialSize& ms = result.materials[m];
    if (!ms.needed || ms.unlimited_days <= 1 || !(cache[m].at(0).p > req.alpha)) continue;
    first_step[m] = interpolated_step(0, ms.unlimited_days, cache[m].at(0).p, 0.0, 1.0, 1.0,
                                      req.alpha, n_paths);
    stepped[m] = 1;
  }
  if (std::find(stepped.begin(), stepped.end(), 1) != stepped.end()) evaluate(first_step, stepped);
  std::vector<std::int32_t> top(M);
  for (int m = 0; m < M; ++m) top[m] = result.materials[m].unlimited_days;
  evaluate(top, needed);

  std::vector<std::array<Search, 3>> searches(M);
  std::vector<std::array<std::int32_t, 3>> answer(M, {-1, -1, -1});
  for (int m = 0; m < M; ++m) {
    MaterialSize& ms = result.materials[m];
    if (!ms.needed) continue;
    ms.risk_without = cache[m].at(0);
    ms.risk_unlimited = cache[m].at(ms.unlimited_days);
    for (int k = 0; k < 3; ++k) {
      const double v0 = value_of(ms.risk_without, k), vu = value_of(ms.risk_unlimited, k);
      if (v0 <= req.alpha) {
        answer[m][k] = 0;
      } else if (vu <= req.alpha) {
        searches[m][k].a = 0;
        searches[m][k].b = ms.unlimited_days;
        searches[m][k].open = ms.unlimited_days > 1;
        if (ms.unlimited_days <= 1) answer[m][k] = ms.unlimited_days;
        // The first step was taken from the whole bracket: the bisection fallback counts it.
        if (k == 0 && stepped[m]) searches[m][k].width[0] = ms.unlimited_days;
      }
    }
  }
  // Each run moves one search per material: the point estimate's first, then the bounds'.
  // Steps interpolate the bracket's log risks (regula falsi, fast where the curve is smooth)
  // and fall back to bisection when that stalls.
  for (int run = 0; run < 200; ++run) {
    std::vector<std::int32_t> cover(M, 0);
    ActiveMaterials active(M, 0);
    bool any = false;
    for (int m = 0; m < M; ++m) {
      cover[m] = result.materials[m].unlimited_days;  // a point tried: not simulated again
      for (int k = 0; k < 3; ++k) {
        Search& s = searches[m][k];
        if (!s.open) continue;
        // The cache may already hold points inside the bracket (from the other searches).
        const std::int32_t old_a = s.a, old_b = s.b;
        for (auto it = cache[m].upper_bound(s.a); it != cache[m].end() && it->first < s.b; ++it) {
          if (value_of(it->second, k) > req.alpha) s.a = it->first;
        }
        for (auto it = cache[m].lower_bound(s.b); it != cache[m].begin();) {
          --it;
          if (it->first <= s.a) break;
          if (value_of(it->second, k) <= req.alpha) s.b = it->first;
        }
        // Illinois: an end kept twice in a row has its value halved, so that regula falsi
        // does not creep towards the root from one side.
        if (s.a != old_a) {
          if (s.side == 1) s.wb *= 0.5;
          s.side = 1;
          s.wa = 1.0;
        } else if (s.b != old_b) {
          if (s.side == -1) s.wa *= 0.5;
          s.side = -1;
          s.wb = 1.0;
        }
        if (s.b - s.a <= 1) {
          s.open = false;
          answer[m][k] = s.b;
          continue;
        }
        // Interpolate unless two steps have not halved the bracket (then bisect, which bounds
        // the count at about twice bisection's).
        const bool slow = s.width[1] > 0 && 2 * (s.b - s.a) > s.width[1];
        s.width[1] = s.width[0];
        s.width[0] = s.b - s.a;
        const std::int32_t c =
            slow ? s.a + (s.b - s.a) / 2
                 : interpolated_step(s.a, s.b, value_of(cache[m].at(s.a), k),
                                     value_of(cache[m].at(s.b), k), s.wa, s.wb, req.alpha, n_paths);
        cover[m] = c;
        active[m] = 1;
        any = true;
        break;
      }
    }
    if (!any) break;
    evaluate(cover, active);
  }
  for (int m = 0; m < M; ++m) {
    MaterialSize& ms = result.materials[m];
    if (!ms.needed) continue;
    ms.days = answer[m][0];
    ms.days_lo = answer[m][1];
    ms.days_hi = answer[m][2];
    ms.reachable = ms.days >= 0;
    if (ms.reachable) ms.risk_at_size = cache[m].at(ms.days);
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace

SizeResult size_stockpile(const ModelSpec& spec, const SizeRequest& req, std::uint64_t n_paths,
                          const std::function<std::vector<std::uint64_t>(const ModelSpec&)>& run_one,
                          const std::function<void(const SizeEvaluation&)>& on_evaluation) {
  const std::int32_t within = window_days(spec, req);
  const std::vector<Cell> cells = counted_cells(spec, req);
  SizeResult r = search_sizes(
      spec, req, n_paths,
      [&](const ModelSpec& trial, const std::vector<std::int32_t>&, const ActiveMaterials&,
          std::uint64_t& simulated) {
        const TallyLayout T(trial);
        const std::vector<std::uint64_t> tally = run_one(trial);
        simulated += n_paths;
        std::vector<std::uint64_t> out(static_cast<std::size_t>(T.S) * T.M, 0);
        for (const Cell& c : cells) {
          const std::uint64_t* first = &tally[T.first_stockout + T.sm(c.s, c.m) * (T.H + 1)];
          for (std::int32_t t = 0; t < within; ++t) out[T.sm(c.s, c.m)] += first[t];
        }
        return out;
      },
      on_evaluation);
  for (const SizeEvaluation& e : r.curve) r.paths_simulated += e.paths_simulated;
  return r;
}

SizeResult size_stockpile_by_path(const ModelSpec& spec, const SizeRequest& req,
                                  std::uint64_t n_paths, const PathRunner& run_listed,
                                  const std::function<void(const SizeEvaluation&)>& on_evaluation) {
  const auto t0 = std::chrono::steady_clock::now();
  const int M = spec.n_materials;
  const std::size_t SM = static_cast<std::size_t>(spec.n_segments) * M;
  const std::int32_t within = window_days(spec, req);
  const std::vector<Cell> cells = counted_cells(spec, req);
  const std::size_t C = cells.size();
  // What each path's outcome is known to be, per cell: out at every cover <= lo, and not out
  // at every cover >= hi (the largest cover tried where it was out, the smallest where not).
  constexpr std::int32_t kNone = std::numeric_limits<std::int32_t>::max();
  std::vector<std::int32_t> lo(n_paths * C, -1), hi(n_paths * C, kNone);
  std::uint64_t simulated = 0;
  std::vector<std::uint64_t> all(n_paths);
  for (std::uint64_t p = 0; p < n_paths; ++p) all[p] = p;
  // Runs @p paths of @p trial 2^20 at a time (the runner's outcomes take 4 bytes per path,
  // segment and material) and hands each chunk and its outcomes to @p take.
  const auto run_in_chunks = [&](const ModelSpec& trial, const std::vector<std::uint64_t>& paths,
                                 const auto& take) {
    constexpr std::size_t kChunk = std::size_t(1) << 20;
    for (std::size_t at = 0; at < paths.size(); at += kChunk) {
      const auto begin = paths.begin() + static_cast<std::ptrdiff_t>(at);
      const std::vector<std::uint64_t> chunk(
          begin, begin + static_cast<std::ptrdiff_t>(std::min(kChunk, paths.size() - at)));
      take(chunk, run_listed(trial, chunk));
      simulated += chunk.size();
    }
  };
  // Runs @p paths at @p cover and records each one's outcome in the cells of the @p active
  // materials (the others were left out of @p trial).
  const auto observe = [&](const ModelSpec& trial, const std::vector<std::int32_t>& cover,
                           const ActiveMaterials& active, const std::vector<std::uint64_t>& paths,
                           bool* contradicted) {
    run_in_chunks(trial, paths, [&](const std::vector<std::uint64_t>& chunk,
                                    const std::vector<std::int32_t>& first) {
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        const std::uint64_t p = chunk[i];
        for (std::size_t c = 0; c < C; ++c) {
          if (!active[cells[c].m]) continue;
          const std::int32_t at = cover[cells[c].m];
          const bool out = first[i * SM + static_cast<std::size_t>(cells[c].s) * M + cells[c].m] < within;
          std::int32_t& l = lo[p * C + c];
          std::int32_t& h = hi[p * C + c];
          if (contradicted && ((out && h <= at) || (!out && l >= at))) *contradicted = true;
          if (out) l = std::max(l, at);
          else h = std::min(h, at);
        }
      }
    });
  };
  SizeResult r = search_sizes(
      spec, req, n_paths,
      [&](const ModelSpec& trial, const std::vector<std::int32_t>& cover,
          const ActiveMaterials& active, std::uint64_t& simulated_here) {
        std::vector<std::uint64_t> unknown;
        for (std::uint64_t p = 0; p < n_paths; ++p) {
          bool known = true;
          for (std::size_t c = 0; c < C && known; ++c) {
            const std::int32_t at = cover[cells[c].m];
            known = !active[cells[c].m] || !(lo[p * C + c] < at && at < hi[p * C + c]);
          }
          if (!known) unknown.push_back(p);
        }
        observe(trial, cover, active, unknown, nullptr);
        simulated_here += unknown.size();
        std::vector<std::uint64_t> out(SM, 0);
        for (std::size_t c = 0; c < C; ++c) {
          if (!active[cells[c].m]) continue;
          const std::int32_t at = cover[cells[c].m];
          std::uint64_t k = 0;
          for (std::uint64_t p = 0; p < n_paths; ++p) k += lo[p * C + c] >= at;
          out[static_cast<std::size_t>(cells[c].s) * M + cells[c].m] = k;
        }
        return out;
      },
      on_evaluation);
  // Every path again at the answer c and at c - 1, the two covers the answer rests on: their
  // risks are then whole runs' (the guarantee of size_stockpile), and a path whose outcome at
  // either contradicts what its record implied sends the search back to whole runs.
  ActiveMaterials checked(M, 0);
  for (int m = 0; m < M; ++m) {
    const MaterialSize& ms = r.materials[m];
    checked[m] = ms.needed && ms.reachable && ms.days > 0;
  }
  if (std::find(checked.begin(), checked.end(), 1) != checked.end()) {
    bool contradicted = false;
    for (int below = 1; below >= 0; --below) {
      std::vector<std::int32_t> cover(M, 0);
      for (int m = 0; m < M; ++m) cover[m] = checked[m] ? r.materials[m].days - below : 0;
      observe(*trial_spec(spec, cover, within, checked), cover, checked, all, &contradicted);
    }
    r.verified = true;
    if (contradicted) {
      // Whole runs at every cover tried: the search's points are then each a run's risks.
      SizeResult exact = search_sizes(
          spec, req, n_paths,
          [&](const ModelSpec& t, const std::vector<std::int32_t>&, const ActiveMaterials& active,
              std::uint64_t& simulated_here) {
            simulated_here += n_paths;
            std::vector<std::uint64_t> out(SM, 0);
            run_in_chunks(t, all, [&](const std::vector<std::uint64_t>& chunk,
                                      const std::vector<std::int32_t>& first) {
              for (std::size_t i = 0; i < chunk.size(); ++i) {
                for (const Cell& c : cells) {
                  const std::size_t at = static_cast<std::size_t>(c.s) * M + c.m;
                  if (active[c.m]) out[at] += first[i * SM + at] < within;
                }
              }
            });
            return out;
          },
          on_evaluation);
      r = std::move(exact);
      r.monotone = false;
    }
  }
  r.by_path = true;
  r.paths_simulated = simulated;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace rr
