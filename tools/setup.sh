#!/usr/bin/env bash
# Installs every Debian package reerisk needs to build, test and analyse results.
# Idempotent and non-interactive: installs only what is missing, runs apt-get update once.
set -euo pipefail

packages=(
  cmake make g++ pkg-config git
  libhdf5-dev hdf5-tools
  librandom123-dev libcli11-dev libtomlplusplus-dev libthrust-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev
  clang libclang-rt-14-dev libomp-dev
  python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-scipy
  python3-pandas python3-matplotlib python3-sklearn
  python3-dev pybind11-dev python3-pytest python3-tqdm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
