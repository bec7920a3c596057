#!/usr/bin/env python3
"""Prints reerisk's benchmark table: backend, threads or device, paths, path-days/s, the ratio
to the NumPy reference and the fraction of the roofline, for the baseline and a 20-point sweep.

    tools/bench/run.sh          # builds in Release, then runs this

The inputs are Google Benchmark's JSON output (BM_BaselineCpu, BM_BaselineGpu, BM_SweepCpu)
and a timed run of tools/reference/reerisk_numpy.py on the same scenario. The roofline numbers
are the estimates derived in BENCHMARKS.md ("Roofline").
"""
import json
import os
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tools", "reference"))
import reerisk_numpy  # noqa: E402

# Estimated ceilings in path-days/s (BENCHMARKS.md, "Roofline").
ROOFLINE_CPU_CORE = 1.05e7  # scalar issue bound of one core of the EPYC development machine
ROOFLINE_H100 = 2.8e9       # per-path state in local memory streamed from HBM (today's design)


def numpy_rate(paths):
    with open(os.path.join(SRC, "configs", "baseline.toml"), "rb") as f:
        scenario = tomllib.load(f)
    t0 = time.perf_counter()
    reerisk_numpy.simulate(scenario, paths, seed=1)
    return paths * scenario["run"]["horizon_days"] / (time.perf_counter() - t0)


def main():
    bench = sys.argv[1]
    # The median of a few repetitions: on a shared 2-core VM single runs vary by +-20%.
    reps = os.environ.get("REERISK_BENCH_REPS", "3")
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_filter=Baseline|Sweep",
                          f"--benchmark_repetitions={reps}",
                          "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, check=True).stdout
    results, seen = [], set()
    for r in json.loads(out)["benchmarks"]:
        if r.get("error_occurred") and r["name"] not in seen:
            seen.add(r["name"])
            results.append(r)
        elif r.get("aggregate_name") == "median":
            results.append(r)
    numpy_paths = int(os.environ.get("REERISK_BENCH_NUMPY_PATHS", "2000"))
    ref = sorted(numpy_rate(numpy_paths) for _ in range(int(reps)))[int(reps) // 2]
    print(f"NumPy reference (1 core, {numpy_paths} paths): {ref:.3g} path-days/s")
    print(f"median of {reps} repetitions each\n")
    print(f"{'workload':<10} {'backend':<6} {'threads/device':<16} {'paths':>10} {'path-days/s':>12} "
          f"{'x NumPy/core':>13} {'roofline':>9}")
    for r in results:
        if r.get("error_occurred"):
            print(f"{r['name']:<40} skipped: {r.get('error_message', '')}")
            continue
        name = r.get("run_name", r["name"])
        rate = r["path_days_per_s"]
        gpu = "Gpu" in name
        threads = 1 if gpu else int(name.split("/")[1])
        workload = "sweep-20" if "Sweep" in name else "baseline"
        per_core = rate if gpu else rate / threads
        roof = rate / (ROOFLINE_H100 if gpu else ROOFLINE_CPU_CORE * threads)
        paths = int(r["paths"]) * (int(r.get("points", 1)))
        print(f"{workload:<10} {'cuda' if gpu else 'cpu':<6} {('GPU 0' if gpu else str(threads)):<16} "
              f"{paths:>10} {rate:>12.3g} {per_core / ref:>13.1f} {roof:>9.0%}")


if __name__ == "__main__":
    main()
