#!/usr/bin/env bash
# Packs what a lent GPU machine (nvcc, CMake, Python with h5py, but no apt) needs to run
# reerisk's GPU checks (tools/gpu_check.sh): the CLI, the benchmarks and the GPU test, built
# here for sm_90 and stripped of debug sections, plus every shared library ldd lists (Debian's
# HDF5 pulls in libcurl and friends), in bundle/ (git-ignored). The device tool carries at most
# 64 MiB, so the bundle holds only the binaries that use the GPU.
# On the GPU machine:  tools/gpu_check.sh   (or LD_LIBRARY_PATH=bundle/lib bundle/bin/...)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${REERISK_BUILD_DIR:-build-gpu}"
# Only what the bundle carries: the rest of the project (the CPU tests, the ISA copies' tests,
# the binding) would double the build on a small machine.
REERISK_BUILD_DIR="$build_dir" REERISK_BUILD_TARGETS="reerisk reerisk_bench test_gpu_parity" \
  tools/build.sh -DREERISK_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null
rm -rf bundle && mkdir -p bundle/bin bundle/lib
bins=("$build_dir/host/reerisk" "$build_dir/tools/bench/reerisk_bench" "$build_dir/tests/test_gpu_parity")
cp "${bins[@]}" bundle/bin/
strip --strip-debug bundle/bin/*  # a build configured with -g (for perf) carries 20-50 MB each
for b in "${bins[@]}"; do
  ldd "$b" | awk '/=> \// {print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
      libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|ld-linux*|libcuda.so*) ;;  # the host's own
      *) cp -n "$lib" bundle/lib/ ;;
    esac
  done
done
mib=$(( $(du -sk bundle | cut -f1) / 1024 ))
echo "bundle/: $(ls bundle/bin | wc -l) binaries, $(ls bundle/lib | wc -l) libraries, ${mib} MiB"
if [ "$mib" -ge 64 ]; then echo "bundle/ is over the device tool's 64 MiB carry limit" >&2; exit 1; fi
