#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest. GPU tests skip
# themselves when no CUDA device is present. This is what .ci/run calls.
#
# Then, unless REERISK_QUICK=1:
# - `pip install --no-deps --no-build-isolation .` into .venv (tools/pip_install.sh, CPU only,
#   the baseline copy of the model only)
#   and the package's tests run against that installed copy;
# - the suite again (all but the NumPy comparison) under AddressSanitizer +
#   UndefinedBehaviorSanitizer (build-asan/). That build is also the CPU-only one: no CUDA
#   toolkit (Debian's Thrust instead of the toolkit's CCCL), so a machine without the toolkit
#   keeps working, and the model as baseline x86-64 code only (REERISK_ISA_DISPATCH=OFF), so
#   the regression test checks that the AVX2/AVX-512 copies of the main build give the same
#   bits. (A separate uninstrumented CPU-only build cost CI another 6.5 minutes.)
# - bounded libFuzzer runs of the scenario loader and the result reader (tools/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each stage's minutes, printed as it ends: CI's budget is 45 minutes on 2 cores.
stage_start=$SECONDS
stage_done() {
  echo "== $1: $(( (SECONDS - stage_start) / 60 )) min $(( (SECONDS - stage_start) % 60 )) s (total $(( SECONDS / 60 )) min) =="
  stage_start=$SECONDS
}
tools/setup.sh
stage_done "setup"
tools/build.sh
stage_done "build"
jobs="${REERISK_JOBS:-$(nproc)}"
(cd "${REERISK_BUILD_DIR:-build}" && ctest --output-on-failure -j "$jobs" "$@")
stage_done "tests"

[ "${REERISK_QUICK:-0}" = "1" ] && exit 0

echo "== pip install of the Python package into .venv, and its tests against the installed copy =="
# One copy of the model in the package built here (REERISK_ISA_DISPATCH=OFF; a user's install
# has all three): the copies are the main build's, tested above; with all three compiled again
# this stage took 9.5 minutes of CI's 45 on 2 cores.
tools/pip_install.sh --config-settings=cmake.define.REERISK_CUDA=OFF \
  --config-settings=cmake.define.REERISK_ISA_DISPATCH=OFF
(unset PYTHONPATH; REERISK_BINARY="$PWD/${REERISK_BUILD_DIR:-build}/host/reerisk" REERISK_SOURCE_DIR="$PWD" \
   "${REERISK_VENV:-.venv}/bin/python" -m pytest -q -p no:cacheprovider tests/python)
stage_done "pip install and the package's tests"

echo "== CPU-only build (Debian Thrust, baseline x86-64 copy) under AddressSanitizer + UndefinedBehaviorSanitizer =="
# One copy of the model, not three: the ISA copies run the same code, and instrumenting all
# three flattened copies takes g++ over ten minutes on 2 cores (16 s for one).
# Line tables only (-g1): enough for the sanitizers' file:line stack traces, and a third less
# compile time than -g, with the same code.
REERISK_BUILD_DIR=build-asan tools/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREERISK_CUDA=OFF \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  -DREERISK_MPI=OFF -DREERISK_BUILD_BENCHMARKS=OFF -DREERISK_BUILD_PYTHON=OFF -DREERISK_ISA_DISPATCH=OFF \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
# Without `reference`: a statistical comparison with the NumPy model (2 minutes of NumPy, and
# many more of instrumented engine) whose engine runs the other tests already cover.
# REERISK_TEST_SANITIZED: the CLI tests that check bits over whole sweeps use fewer paths.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
   REERISK_TEST_SANITIZED=1 \
   ctest --output-on-failure -j "$jobs" -E '^reference$' "$@")
stage_done "sanitizer build and tests"

echo "== fuzzing (bounded) =="
tools/fuzz.sh
stage_done "fuzzing"
