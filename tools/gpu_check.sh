#!/usr/bin/env bash
# The whole device check for a lent GPU machine, in one call: a lease is a few minutes of
# device time, so everything BENCHMARKS.md wants from a GPU runs here, each step under its own
# time limit, with logs and JSON under $OUT (or out/gpu_check) and a short table printed last.
#
#   tools/gpu_bundle.sh    # on the build machine: sm_90 binaries and their libraries in bundle/
#   tools/gpu_check.sh     # on the GPU machine (the device tool: carry ["bundle"])
#
# Steps: the device and its clocks; the GPU tests (parity with the CPU within Monte Carlo
# error, tallies independent of batch and grid size); the GPU benchmark over the grid's blocks
# per multiprocessor and both per-thread state layouts (compact and full), with the device
# memory in use; a 10^7-path baseline run through the CLI;
# the kernel's local-memory instructions in its SASS; one kernel under Nsight Compute.
# REERISK_CHECK_GPU_PATHS (default 2^20) sets the benchmark's paths per run. The steps' limits
# add up to under 10 minutes, one device call's limit.
# Without a GPU every GPU step fails or skips and says so; the script itself exits 0 when it
# ran to the end, so read the table.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu_check}"
mkdir -p "$out"
# The result files and the SASS dump stay out of $out: the device tool brings back at most 8
# files, which the logs and the benchmark's JSON fill.
scratch="${TMPDIR:-/tmp}/reerisk_gpu_check"
mkdir -p "$scratch"
bin="${REERISK_BUNDLE:-bundle}/bin"
export LD_LIBRARY_PATH="$PWD/${REERISK_BUNDLE:-bundle}/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# cuobjdump and ncu live outside PATH on a default toolkit install.
[ -d /usr/local/cuda/bin ] && export PATH="$PATH:/usr/local/cuda/bin"
paths="${REERISK_CHECK_GPU_PATHS:-1048576}"
summary=()

# step NAME LIMIT_S COMMAND...: runs COMMAND with its output in $out/NAME.log.
step() {
  local name=$1 limit=$2
  shift 2
  local t0=$SECONDS
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  local status="ok"
  [ "$rc" -eq 0 ] || status="rc $rc"
  [ "$rc" -eq 124 ] && status="timed out after ${limit} s"
  summary+=("$(printf '%-10s %-24s %4d s  %s' "$name" "$status" $((SECONDS - t0)) "$out/$name.log")")
  echo "== $name: $status"
  tail -n "${TAIL_LINES:-15}" "$out/$name.log"
}

step device 20 nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.used,memory.total \
  --format=csv
step tests 120 "$bin/test_gpu_parity"
step bench 200 env REERISK_BENCH_GPU_PATHS="$paths" "$bin/reerisk_bench" --benchmark_filter=Gpu \
  --benchmark_counters_tabular=true --benchmark_out="$out/bench_gpu.json" --benchmark_out_format=json
step run 90 bash -c "time '$bin/reerisk' run configs/baseline.toml --paths 10000000 --backend cuda \
  -o '$scratch/baseline_1e7.h5' --force"
# LDL/STL: the kernel's local-memory loads and stores (its per-path state, HOPPER.md).
step sass 40 bash -c "cuobjdump --dump-sass '$bin/reerisk' > '$scratch/sass.txt' && \
  awk '/Function :/ {f = \$3} /simulate_paths/ && /Function :/ {k = 1} /Function :/ && !/simulate_paths/ {k = 0} \
       k && /LDL/ {ldl[f]++} k && /STL/ {stl[f]++} k && /;/ {n[f]++} \
       END {for (f in n) printf \"%s: %d instructions, %d LDL, %d STL\\n\", f, n[f], ldl[f], stl[f]}' \
      '$scratch/sass.txt'"
step ncu 120 ncu --clock-control none --launch-count 1 --kernel-name regex:simulate_paths \
  --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats \
  "$bin/reerisk" run configs/baseline.toml --paths 262144 --backend cuda -o "$scratch/ncu_run.h5" --force -q

echo
echo "gpu_check, $(date -u +%Y-%m-%dT%H:%M:%SZ), logs in $out:"
printf '%s\n' "${summary[@]}"
