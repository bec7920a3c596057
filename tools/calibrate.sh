#!/usr/bin/env bash
# tools/calibrate.sh: tools/calibration/calibrate.py; tools/compare_observed.sh (a link to this
# file): tools/calibration/compare.py. Both run with the Python CMake found (REERISK_PYTHON in
# the build cache; Debian's /usr/bin/python3 by default) and the engine of the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${REERISK_BUILD_DIR:-$root/build}"
python="$(sed -n 's/^REERISK_PYTHON:FILEPATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)"
export REERISK_BINARY="${REERISK_BINARY:-$build/host/reerisk}"
case "$(basename "$0")" in
  compare_observed.sh) script=compare.py ;;
  *) script=calibrate.py ;;
esac
exec "${python:-/usr/bin/python3}" "$root/tools/calibration/$script" "$@"
