#!/usr/bin/env bash
# Packs what a lent GPU machine (nvcc, CMake, Python with h5py, but no apt) needs to run
# reerisk's GPU tests and benchmarks: the binaries built here for sm_90 plus every shared
# library ldd lists (Debian's HDF5 pulls in libcurl and friends), in bundle/ (git-ignored).
# On the GPU machine:  LD_LIBRARY_PATH=bundle/lib bundle/bin/test_gpu_parity
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${REERISK_BUILD_DIR:-build-gpu}"
REERISK_BUILD_DIR="$build_dir" tools/build.sh -DREERISK_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null
rm -rf bundle && mkdir -p bundle/bin bundle/lib
bins=("$build_dir/host/reerisk" "$build_dir/tools/bench/reerisk_bench")
for t in "$build_dir"/tests/test_*; do [ -x "$t" ] && [ -f "$t" ] && bins+=("$t"); done
cp "${bins[@]}" bundle/bin/
for b in "${bins[@]}"; do
  ldd "$b" | awk '/=> \// {print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
      libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|ld-linux*|libcuda.so*) ;;  # the host's own
      *) cp -n "$lib" bundle/lib/ ;;
    esac
  done
done
echo "bundle/: $(ls bundle/bin | wc -l) binaries, $(ls bundle/lib | wc -l) libraries, $(du -sh bundle | cut -f1)"
