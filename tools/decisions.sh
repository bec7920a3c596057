#!/usr/bin/env bash
# The decision tools (python -m reerisk.decisions: policy table, comparison and sizing plots,
# scenario discovery) with the Python CMake found (REERISK_PYTHON in the build cache; Debian's
# /usr/bin/python3 by default), the build's engine and this repository's configs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${REERISK_BUILD_DIR:-$root/build}"
python="$(sed -n 's/^REERISK_PYTHON:FILEPATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)"
export REERISK_BINARY="${REERISK_BINARY:-$build/host/reerisk}"
export REERISK_SOURCE_DIR="$root"
export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
exec "${python:-/usr/bin/python3}" -m reerisk.decisions "$@"
