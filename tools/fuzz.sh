#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, reerisk's own code instrumented for
# coverage) in build-fuzz/ and runs them for a fixed number of inputs from a fixed seed, so a
# run is reproducible (REERISK_FUZZ_RUNS, REERISK_FUZZ_SEED; REERISK_FUZZ_SECONDS caps the
# time). A crash fails the script; its input is kept in tests/fuzz/crashes/ (add it to
# tests/fuzz/regressions/ once fixed, so it is replayed on every run).
#   fuzz_scenario_loader  seeded with configs/ and tests/scenarios/
#   fuzz_result_reader    seeded with a small result file (each input read in a child process,
#                         so it runs far fewer inputs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${REERISK_FUZZ_SECONDS:-120}"
runs="${REERISK_FUZZ_RUNS:-100000}"
seed="${REERISK_FUZZ_SEED:-1}"
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREERISK_CUDA=OFF \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  -DREERISK_MPI=OFF -DREERISK_BUILD_TESTS=OFF -DREERISK_BUILD_BENCHMARKS=OFF -DREERISK_BUILD_PYTHON=OFF \
  -DREERISK_BUILD_FUZZERS=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
# The result reader's seed file comes from the main build's reerisk when there is one (CI has
# it); compiling the CLI again under clang's sanitizers cost CI a minute.
engine="${REERISK_BUILD_DIR:-build}/host/reerisk"
[ -x "$engine" ] || engine="$build/host/reerisk"
targets="fuzz_scenario_loader fuzz_result_reader"
[ "$engine" = "$build/host/reerisk" ] && targets="$targets reerisk"
# shellcheck disable=SC2086  # the targets are words
cmake --build "$build" -j "${REERISK_JOBS:-$(nproc)}" --target $targets >/dev/null
rm -rf "$build/corpus_scenario_loader" "$build/corpus_result_reader"
mkdir -p tests/fuzz/crashes "$build/corpus_scenario_loader" "$build/corpus_result_reader"
cp configs/*.toml tests/scenarios/bad/*.toml tests/fuzz/tiny.toml "$build/corpus_scenario_loader/"
"$engine" run tests/fuzz/tiny.toml -o "$build/corpus_result_reader/tiny.h5" --force -q >/dev/null

run() {  # target, inputs, extra libFuzzer flags...
  local target=$1 n=$2 secs=$seconds
  shift 2
  if compgen -G "tests/fuzz/regressions/$target/*" >/dev/null; then
    "$build/tests/fuzz/$target" tests/fuzz/regressions/"$target"/*   # earlier crashes replay first
  fi
  echo "== $target: $n inputs from seed $seed (at most $secs s)"
  "$build/tests/fuzz/$target" "$build/corpus_${target#fuzz_}" -runs="$n" -seed="$seed" -max_total_time="$secs" \
    -rss_limit_mb=2048 -timeout=60 -artifact_prefix="tests/fuzz/crashes/$target-" \
    -print_final_stats=1 "$@" 2>&1 | grep -E "^stat::number_of_executed_units|^stat::peak_rss|ERROR|SUMMARY|Test unit written" || true
  return "${PIPESTATUS[0]}"
}
run fuzz_scenario_loader "$runs" -max_len=65536
# libhdf5 1.10 leaks on some error paths of malformed files (not reerisk's memory): no leak check.
run fuzz_result_reader "$((runs / 2000))" -max_len=300000 -detect_leaks=0
echo "fuzzing: no crash"
