#!/usr/bin/env python3
"""Prints reerisk's benchmark table: backend, threads or device, paths, path-days/s, the ratio
to the NumPy reference and the fraction of the roofline, for the baseline and a 20-point sweep.

    tools/bench/run.sh          # builds in Release, then runs this

The inputs are Google Benchmark's JSON output (BM_BaselineCpu, BM_BaselineGpu, BM_SweepCpu)
and a timed run of tools/reference/reerisk_numpy.py on the same scenario. Below the table, the
2-thread baseline is compared with 1-thread runs pinned to each of the first two cores, alone
and both at once. The roofline numbers
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
ROOFLINE_CPU_CORE = 9e7  # AVX-512 issue bound of one Zen 5 core of the development machine
ROOFLINE_H100 = 2.8e9    # per-path state in local memory streamed from HBM (today's kernel)


def numpy_rate(paths):
    with open(os.path.join(SRC, "configs", "baseline.toml"), "rb") as f:
        scenario = tomllib.load(f)
    t0 = time.perf_counter()
    reerisk_numpy.simulate(scenario, paths, seed=1)
    return paths * scenario["run"]["horizon_days"] / (time.perf_counter() - t0)


def gbench_rates(bench):
    """One run of the engine's benchmarks: {name: (rate, paths)} or {name: error message}."""
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_filter=Baseline|Sweep"],
                         capture_output=True, text=True, check=True).stdout
    rates = {}
    for r in json.loads(out)["benchmarks"]:
        name = r.get("run_name", r["name"])
        if r.get("error_occurred"):
            rates[name] = r.get("error_message", "")
        else:
            rates[name] = (r["path_days_per_s"], int(r["paths"]) * int(r.get("points", 1)))
    return rates


def pinned_baseline_rates(bench, cores, together):
    """BM_BaselineCpu/1 pinned to each core: one core at a time, or all at once."""
    def start(core):
        return subprocess.Popen([bench, "--benchmark_format=json",
                                 "--benchmark_filter=^BM_BaselineCpu/1/"],
                                stdout=subprocess.PIPE, text=True,
                                preexec_fn=lambda: os.sched_setaffinity(0, {core}))

    def rate(proc):
        out, _ = proc.communicate()
        return json.loads(out)["benchmarks"][0]["path_days_per_s"]

    if together:
        procs = [start(c) for c in cores]
        return [rate(p) for p in procs]
    return [rate(start(c)) for c in cores]


def print_scaling(bench, two_thread_rate, reps):
    """How the 2-thread rate compares with each core alone and with both cores busy at once.

    On a VM the cores need not be equal (on the development VM one ran 25-35% slower than the
    other, which one changing from hour to hour), so a 1-thread run lands on a fast or a slow
    core by chance; comparing with each core pinned separates the engine's scaling from that.
    """
    cores = sorted(os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        return
    alone = [median(v) for v in zip(*[pinned_baseline_rates(bench, cores, False)
                                      for _ in range(reps)])]
    together = [median(v) for v in zip(*[pinned_baseline_rates(bench, cores, True)
                                         for _ in range(reps)])]
    mean_alone = sum(alone) / len(alone)
    print(f"\nbaseline, 1 thread pinned to core {cores[0]} / core {cores[1]}: "
          f"{alone[0]:.3g} / {alone[1]:.3g} path-days/s alone, "
          f"{together[0]:.3g} / {together[1]:.3g} with both cores busy")
    print(f"baseline, 2 threads: {two_thread_rate:.3g} path-days/s = "
          f"{two_thread_rate / mean_alone:.2f}x the mean core alone, "
          f"{two_thread_rate / max(alone):.2f}x the faster core alone, "
          f"{two_thread_rate / sum(together):.0%} of the two cores' sum with both busy")


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    bench = sys.argv[1]
    # The median of a few repetitions, the engine and NumPy taking turns: on a shared 2-core VM
    # the speed of both drifts by tens of percent within minutes, so each ratio compares runs
    # made close together.
    reps = int(os.environ.get("REERISK_BENCH_REPS", "3"))
    # NumPy gets as many paths as the engine's baseline benchmark: fewer would leave it paying
    # its per-day Python overhead on too few paths (2,000 paths: about 10% slower).
    numpy_paths = int(os.environ.get("REERISK_BENCH_NUMPY_PATHS",
                                     os.environ.get("REERISK_BENCH_CPU_PATHS", "20000")))
    runs, ref = [], []
    for _ in range(reps):
        runs.append(gbench_rates(bench))
        ref.append(numpy_rate(numpy_paths))
    ref_rate = median(ref)
    print(f"NumPy reference (1 core, {numpy_paths} paths): {ref_rate:.3g} path-days/s")
    print(f"median of {reps} repetitions each\n")
    print(f"{'workload':<10} {'backend':<6} {'threads/device':<16} {'paths':>10} {'path-days/s':>12} "
          f"{'x NumPy/core':>13} {'roofline':>9}")
    for name, first in runs[0].items():
        if isinstance(first, str):
            print(f"{name:<40} skipped: {first}")
            continue
        rate = median([run[name][0] for run in runs])
        paths = first[1]
        gpu = "Gpu" in name
        threads = 1 if gpu else int(name.split("/")[1])
        workload = "sweep-20" if "Sweep" in name else "baseline"
        per_core = rate if gpu else rate / threads
        roof = rate / (ROOFLINE_H100 if gpu else ROOFLINE_CPU_CORE * threads)
        print(f"{workload:<10} {'cuda' if gpu else 'cpu':<6} {('GPU 0' if gpu else str(threads)):<16} "
              f"{paths:>10} {rate:>12.3g} {per_core / ref_rate:>13.1f} {roof:>9.0%}")
    two = "BM_BaselineCpu/2/real_time"
    if two in runs[0] and not isinstance(runs[0][two], str):
        print_scaling(bench, median([run[two][0] for run in runs]), reps)


if __name__ == "__main__":
    main()
