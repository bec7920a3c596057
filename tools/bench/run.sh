#!/usr/bin/env bash
# Builds reerisk in Release and prints path-days per second for the baseline scenario on the
# CPU backend (1 and 2 threads) and, when a CUDA device is present, on the GPU.
#   tools/bench/run.sh                      # all benchmarks
#   tools/bench/run.sh --benchmark_filter=Cpu
# REERISK_BENCH_CPU_PATHS / REERISK_BENCH_GPU_PATHS set the path counts (20000 / 4194304).
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup.sh >/dev/null
tools/build.sh >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); $(date -u +%Y-%m-%d)"
exec "${REERISK_BUILD_DIR:-build}/tools/bench/reerisk_bench" --benchmark_counters_tabular=true "$@"
