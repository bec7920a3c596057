#!/usr/bin/env bash
# Builds reerisk in Release and prints the benchmark table: path-days per second for the
# baseline and a 20-point sweep on the CPU (1 and 2 threads) and, when a CUDA device is present,
# the GPU, with the ratio to the NumPy reference and the fraction of the roofline.
#   tools/bench/run.sh                       # the table
#   tools/bench/run.sh --raw [gbench args]   # Google Benchmark directly, e.g. micro-benchmarks
#   tools/bench/run.sh --python [PATHS]      # reerisk.run in-process against the CLI process
#   tools/bench/run.sh --rare-event [PATHS]  # importance sampling's variance reduction
# REERISK_BENCH_CPU_PATHS / _GPU_PATHS / _SWEEP_PATHS / _NUMPY_PATHS set the path counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup.sh >/dev/null
tools/build.sh >/dev/null
bench="${REERISK_BUILD_DIR:-build}/tools/bench/reerisk_bench"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); $(date -u +%Y-%m-%d)"
if [ "${1:-}" = "--raw" ]; then
  shift
  exec "$bench" --benchmark_counters_tabular=true "$@"
fi
python="$(sed -n 's/^REERISK_PYTHON:FILEPATH=//p' "${REERISK_BUILD_DIR:-build}/CMakeCache.txt")"
if [ "${1:-}" = "--python" ]; then
  shift
  PYTHONPATH="${REERISK_BUILD_DIR:-build}/python" exec "${python:-/usr/bin/python3}" \
    tools/bench/inprocess_vs_cli.py "${REERISK_BUILD_DIR:-build}/host/reerisk" configs/baseline.toml "$@"
fi
if [ "${1:-}" = "--rare-event" ]; then
  shift
  exec "${python:-/usr/bin/python3}" tools/bench/rare_event_vr.py \
    "${REERISK_BUILD_DIR:-build}/host/reerisk" "$@"
fi
exec "${python:-/usr/bin/python3}" tools/bench/table.py "$bench"
