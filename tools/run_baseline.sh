#!/usr/bin/env bash
# Installs what is missing, builds, and runs the shipped baseline scenario, printing the
# summary table and writing out/baseline.h5. Extra arguments go to `reerisk run`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
mkdir -p out
exec "${REERISK_BUILD_DIR:-build}/host/reerisk" run configs/baseline.toml -o out/baseline.h5 --force "$@"
