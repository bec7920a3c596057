// Which copy of the path model the CPU backend runs (reerisk/cpu_isa.hpp).
#include "reerisk/cpu_isa.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>

namespace rr {
namespace {

bool cpu_supports(CpuIsa isa) {
#if RR_HAVE_ISA_COPIES
  __builtin_cpu_init();
  if (isa == CpuIsa::kV4) return __builtin_cpu_supports("x86-64-v4");
  if (isa == CpuIsa::kV3) return __builtin_cpu_supports("x86-64-v3");
  return true;
#else
  return isa == CpuIsa::kBaseline;
#endif
}

std::string available_names() {
  std::string out;
  for (CpuIsa isa : cpu_isas_available()) out += (out.empty() ? "" : ", ") + std::string(cpu_isa_name(isa));
  return out;
}

void check_available(CpuIsa isa, const std::string& asked) {
  for (CpuIsa a : cpu_isas_available()) {
    if (a == isa) return;
  }
  throw std::invalid_argument(
      asked + ": this " + std::string(RR_HAVE_ISA_COPIES ? "CPU" : "build") + " cannot run the " +
      cpu_isa_name(isa) + " copy of the model; available here: " + available_names());
}

// -1: not decided yet; otherwise the CpuIsa. Decided once (env or best), changed by set_cpu_isa.
std::atomic<int> g_active{-1};
std::once_flag g_decided;
std::string g_error;  // the sentence when REERISK_CPU_ISA names a copy that cannot run

void decide() {
  const char* env = std::getenv("REERISK_CPU_ISA");
  if (!env || !*env) {
    g_active.store(static_cast<int>(cpu_isas_available().front()));
    return;
  }
  const std::string v = env;
  CpuIsa isa;
  if (v == "v4" || v == "x86-64-v4") {
    isa = CpuIsa::kV4;
  } else if (v == "v3" || v == "x86-64-v3") {
    isa = CpuIsa::kV3;
  } else if (v == "baseline" || v == "x86-64") {
    isa = CpuIsa::kBaseline;
  } else {
    g_error = "REERISK_CPU_ISA=" + v +
              ": unknown copy of the model; allowed: v4 (x86-64-v4, AVX-512), v3 (x86-64-v3, "
              "AVX2), baseline (x86-64); available here: " + available_names();
    return;
  }
  try {
    check_available(isa, "REERISK_CPU_ISA=" + v);
    g_active.store(static_cast<int>(isa));
  } catch (const std::invalid_argument& e) {
    g_error = e.what();
  }
}

}  // namespace

const char* cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kV4: return "x86-64-v4";
    case CpuIsa::kV3: return "x86-64-v3";
    default: return "x86-64";
  }
}

std::vector<CpuIsa> cpu_isas_available() {
  std::vector<CpuIsa> out;
  for (CpuIsa isa : {CpuIsa::kV4, CpuIsa::kV3, CpuIsa::kBaseline}) {
    if (cpu_supports(isa)) out.push_back(isa);
  }
  return out;
}

CpuIsa cpu_isa_active() {
  std::call_once(g_decided, decide);
  const int active = g_active.load();
  if (active < 0) throw std::invalid_argument(g_error);
  return static_cast<CpuIsa>(active);
}

void set_cpu_isa(CpuIsa isa) {
  std::call_once(g_decided, decide);
  check_available(isa, std::string("copy ") + cpu_isa_name(isa));
  g_active.store(static_cast<int>(isa));
}

}  // namespace rr
