#!/usr/bin/env bash
# Configures and builds reerisk in build/ (Release). The CUDA backend is built when nvcc is
# found (sm_90 unless CMAKE_CUDA_ARCHITECTURES says otherwise); the CPU backend always is.
# Extra arguments go to cmake's configure step, e.g. tools/build.sh -DREERISK_CUDA=OFF;
# REERISK_BUILD_TARGETS (space-separated) builds only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${REERISK_BUILD_DIR:-build}"
jobs="${REERISK_JOBS:-$(nproc)}"
# nvcc lives outside PATH on a default toolkit install.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
# shellcheck disable=SC2086  # the targets are words
cmake --build "$build_dir" -j "$jobs" ${REERISK_BUILD_TARGETS:+--target $REERISK_BUILD_TARGETS}
