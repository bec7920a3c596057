#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest. GPU tests skip
# themselves when no CUDA device is present. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
cd "${REERISK_BUILD_DIR:-build}"
ctest --output-on-failure -j "${REERISK_JOBS:-$(nproc)}" "$@"
