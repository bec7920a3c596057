#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs them for a
# bounded time. A crash fails the script; its input is kept in tests/fuzz/crashes/ (add it to
# tests/fuzz/regressions/ once fixed, so it is replayed on every run).
#   fuzz_scenario_loader  REERISK_FUZZ_SECONDS (default 60), seeded with configs/ and tests/
#   fuzz_result_reader    half that, seeded with a small result file
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${REERISK_FUZZ_SECONDS:-60}"
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREERISK_CUDA=OFF \
  -DREERISK_MPI=OFF -DREERISK_BUILD_TESTS=OFF -DREERISK_BUILD_BENCHMARKS=OFF \
  -DREERISK_BUILD_FUZZERS=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j "${REERISK_JOBS:-$(nproc)}" \
  --target fuzz_scenario_loader fuzz_result_reader reerisk >/dev/null
rm -rf "$build/corpus_scenario_loader" "$build/corpus_result_reader"
mkdir -p tests/fuzz/crashes "$build/corpus_scenario_loader" "$build/corpus_result_reader"
cp configs/*.toml tests/scenarios/bad/*.toml tests/fuzz/tiny.toml "$build/corpus_scenario_loader/"
"$build/host/reerisk" run tests/fuzz/tiny.toml -o "$build/corpus_result_reader/tiny.h5" --force -q >/dev/null

run() {  # target, seconds, extra libFuzzer flags...
  local target=$1 secs=$2
  shift 2
  if compgen -G "tests/fuzz/regressions/$target/*" >/dev/null; then
    "$build/tests/fuzz/$target" tests/fuzz/regressions/"$target"/*   # earlier crashes replay first
  fi
  echo "== $target, $secs s"
  "$build/tests/fuzz/$target" "$build/corpus_${target#fuzz_}" -max_total_time="$secs" \
    -rss_limit_mb=2048 -timeout=60 -artifact_prefix="tests/fuzz/crashes/$target-" \
    -print_final_stats=1 "$@" 2>&1 | grep -E "^stat::number_of_executed_units|^stat::peak_rss|ERROR|SUMMARY|Test unit written" || true
  return "${PIPESTATUS[0]}"
}
run fuzz_scenario_loader "$seconds" -max_len=65536
# libhdf5 1.10 leaks on some error paths of malformed files (not reerisk's memory): no leak check.
run fuzz_result_reader "$((seconds / 2))" -max_len=300000 -detect_leaks=0
echo "fuzzing: no crash"
