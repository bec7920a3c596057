#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>

#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"

namespace rr::test {

Loaded load(const std::string& toml) {
  Loaded l;
  l.scenario = load_scenario_text(toml, "test.toml");
  l.spec = build_model_spec(l.scenario);
  l.layout = TallyLayout(*l.spec);
  return l;
}

std::vector<std::uint64_t> run_cpu(const ModelSpec& spec, std::uint64_t seed, std::uint64_t n,
                                   int threads, std::uint64_t batch, std::uint64_t first) {
  BackendSelection cpu;
  cpu.name = "cpu";
  RunOptions o;
  o.seed = seed;
  o.n_paths = n;
  o.threads = threads;
  o.batch = batch;
  o.first_path = first;
  return run_paths(spec, cpu, o).tally;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

namespace {
double betacf(double a, double b, double x) {
  const double tiny = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return h;
}
}  // namespace

double beta_cdf(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double lbt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                     b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(lbt) * betacf(a, b, x) / a;
  return 1 - std::exp(lbt) * betacf(b, a, 1 - x) / b;
}

double ks_critical(std::size_t n, double alpha) {
  return std::sqrt(-std::log(alpha / 2) / 2) / std::sqrt(static_cast<double>(n));
}

double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  return d;
}

std::string minimal_scenario(int horizon_days, const std::string& cover_days,
                             double demand_t_per_year, double china_t_per_year,
                             const std::string& extra) {
  return "[run]\nstart = \"2026-11-10\"\nhorizon_days = " + std::to_string(horizon_days) +
         "\n\n[[material]]\nname = \"X\"\nchina_baseline_t_per_year = " +
         std::to_string(china_t_per_year) +
         "\n\n[[regime]]\nname = \"open\"\nthrottle = { X = 1.0 }\n\n"
         "[[segment]]\nname = \"seg\"\ndemand_t_per_year = { X = " +
         std::to_string(demand_t_per_year) + " }\ncover_days = " + cover_days +
         "\ntarget_cover_days = 0\n\n" + extra;
}

}  // namespace rr::test
