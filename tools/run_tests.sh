#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest. GPU tests skip
# themselves when no CUDA device is present. This is what .ci/run calls.
#
# When the CUDA toolkit is present, a second, CPU-only build (REERISK_CUDA=OFF, Debian's
# Thrust instead of the toolkit's CCCL) is also built and tested, so that a machine without
# the toolkit keeps working.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
jobs="${REERISK_JOBS:-$(nproc)}"
(cd "${REERISK_BUILD_DIR:-build}" && ctest --output-on-failure -j "$jobs" "$@")

if command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  echo "== CPU-only build (no CUDA toolkit, Debian Thrust) =="
  REERISK_BUILD_DIR=build-cpu-only tools/build.sh -DREERISK_CUDA=OFF -DREERISK_BUILD_BENCHMARKS=OFF
  (cd build-cpu-only && ctest --output-on-failure -j "$jobs" -LE cli "$@")
fi
