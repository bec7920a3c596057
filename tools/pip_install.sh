#!/usr/bin/env bash
# Installs the Python package with pip into a virtual environment, the way a user with their
# own environment would: .venv (Debian's Python, --system-site-packages, so Debian's numpy,
# h5py, xarray, matplotlib and tqdm serve), the build backend pinned in pyproject.toml, then
#   pip install --no-deps --no-build-isolation .
# Extra arguments go to pip, e.g. --config-settings=cmake.define.REERISK_CUDA=OFF. Then:
#   .venv/bin/python -c 'import reerisk; print(reerisk.version())'
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
venv="${REERISK_VENV:-.venv}"
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
requires="$("$venv/bin/python" -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')"
"$venv/bin/python" -m pip install -q $requires
# nvcc lives outside PATH on a default toolkit install.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
"$venv/bin/python" -m pip install -q --no-deps --no-build-isolation "$@" .
"$venv/bin/python" -c 'import reerisk; print("installed:", reerisk.version())'
