#!/usr/bin/env bash
# The whole device check for a lent GPU machine, in one call: a lease is a few minutes of
# device time, so everything BENCHMARKS.md wants from a GPU runs here, each step under its own
# time limit, with logs and JSON under $OUT (or out/gpu_check) and a short table printed last.
#
#   tools/gpu_bundle.sh    # on the build machine: sm_90 binaries and their libraries in bundle/
#   tools/gpu_check.sh     # on the GPU machine (the device tool: carry ["bundle"])
#
# Steps: the device and its clocks; a small smoke run (if it fails, only memcheck and the SASS
# follow); the GPU tests (parity with the CPU within Monte Carlo
# error, tallies independent of batch and grid size); the GPU benchmark over the grid's blocks
# per multiprocessor and both per-thread state layouts (compact and full), with the device
# memory in use; a 10^7-path baseline run through the CLI;
# compute-sanitizer's memcheck on a small run; the kernel's local-memory instructions in its
# SASS; one kernel under Nsight Compute.
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
# Under the device tool ($OUT set) the logs, more than 8, travel back as one archive.
logs="$out"
[ -n "${OUT:-}" ] && logs="$scratch/logs" && rm -rf "$logs"
mkdir -p "$logs"
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
  timeout "$limit" "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  local status="ok"
  [ "$rc" -eq 0 ] || status="rc $rc"
  [ "$rc" -eq 124 ] && status="timed out after ${limit} s"
  summary+=("$(printf '%-10s %-24s %4d s  %s' "$name" "$status" $((SECONDS - t0)) "$logs/$name.log")")
  echo "== $name: $status"
  tail -n "${TAIL_LINES:-15}" "$logs/$name.log"
  return "$rc"
}

step device 15 nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.used,memory.total \
  --format=csv
# A small run first: a kernel that faults or hangs would otherwise spend every later step's
# limit; without it only the steps that explain a failure (memcheck, the SASS) run.
step smoke 45 "$bin/reerisk" run configs/baseline.toml --paths 65536 --backend cuda \
  -o "$scratch/smoke.h5" --force -q
smoke_rc=$?
if [ "$smoke_rc" -eq 0 ]; then
  step tests 90 "$bin/test_gpu_parity"
  step bench 180 env REERISK_BENCH_GPU_PATHS="$paths" "$bin/reerisk_bench" --benchmark_filter=Gpu \
    --benchmark_counters_tabular=true --benchmark_out="$out/bench_gpu.json" --benchmark_out_format=json
  step run 60 bash -c "time '$bin/reerisk' run configs/baseline.toml --paths 10000000 --backend cuda \
    -o '$scratch/baseline_1e7.h5' --force"
fi
# Out-of-bounds and misaligned device accesses, on a run small enough for the tool's slowdown.
step memcheck 60 compute-sanitizer --tool memcheck --error-exitcode 3 "$bin/reerisk" run \
  configs/baseline.toml --paths 2048 --backend cuda -o "$scratch/memcheck.h5" --force -q
# LDL/STL: the kernel's local-memory loads and stores (its per-path state, HOPPER.md).
step sass 30 bash -c "cuobjdump --dump-sass '$bin/reerisk' > '$scratch/sass.txt' && \
  awk '/Function :/ {f = \$3} /simulate_paths/ && /Function :/ {k = 1} /Function :/ && !/simulate_paths/ {k = 0} \
       k && /LDL/ {ldl[f]++} k && /STL/ {stl[f]++} k && /;/ {n[f]++} \
       END {for (f in n) printf \"%s: %d instructions, %d LDL, %d STL\\n\", f, n[f], ldl[f], stl[f]}' \
      '$scratch/sass.txt'"
if [ "$smoke_rc" -eq 0 ]; then
  step ncu 90 ncu --clock-control none --launch-count 1 --kernel-name regex:simulate_paths \
    --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats \
    "$bin/reerisk" run configs/baseline.toml --paths 262144 --backend cuda -o "$scratch/ncu_run.h5" --force -q
fi
[ "$smoke_rc" -eq 0 ] || echo "the smoke run failed: tests, bench, run and ncu skipped"
[ "$logs" = "$out" ] || tar -czf "$out/gpu_check_logs.tar.gz" -C "$logs" .
echo
echo "gpu_check, $(date -u +%Y-%m-%dT%H:%M:%SZ), logs in $out:"
printf '%s\n' "${summary[@]}"
