#!/usr/bin/env bash
# tools/analysis/decisions.py (policy table, comparison and sizing plots, scenario discovery)
# with the Python CMake found (REERISK_PYTHON in the build cache; Debian's /usr/bin/python3 by
# default) and the engine of the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${REERISK_BUILD_DIR:-$root/build}"
python="$(sed -n 's/^REERISK_PYTHON:FILEPATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)"
export REERISK_BINARY="${REERISK_BINARY:-$build/host/reerisk}"
exec "${python:-/usr/bin/python3}" "$root/tools/analysis/decisions.py" "$@"
