#!/usr/bin/env python3
"""Prints reerisk's benchmark table: backend, threads or device, paths, path-days/s, the ratio
to the NumPy reference and the fraction of the roofline, for the baseline and a 20-point sweep.

    tools/bench/run.sh          # builds in Release, then runs this

The inputs are Google Benchmark's JSON output (BM_BaselineCpu, BM_BaselineGpu, BM_SweepCpu)
and a timed run of tools/reference/reerisk_numpy.py on the same scenario. The roofline numbers
are the estimates derived in BENCHMARKS.md ("Roofline"). Below the table, the 2-thread
baseline is compared with 1-thread runs pinned to each of the first two cores, alone and both
at once.
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
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_filter=Baseline|Sweep|Compare|Size"],
                         capture_output=True, text=True, check=True).stdout
    rates = {}
    for r in json.loads(out)["benchmarks"]:
        name = r.get("run_name", r["name"])
        if r.get("error_occurred"):
            rates[name] = r.get("error_message", "")
        else:
            rates[name] = (r["path_days_per_s"], int(r["paths"]) * int(r.get("points", 1)))
    return rates


def baseline_rate(bench, threads, core=None):
    """Starts BM_BaselineCpu/<threads>, pinned to @p core when given; returns a function that
    waits for it and gives its path-days/s."""
    proc = subprocess.Popen(
        [bench, "--benchmark_format=json", f"--benchmark_filter=^BM_BaselineCpu/{threads}/"],
        stdout=subprocess.PIPE, text=True,
        preexec_fn=None if core is None else (lambda: os.sched_setaffinity(0, {core})))

    def wait():
        out, _ = proc.communicate()
        return json.loads(out)["benchmarks"][0]["path_days_per_s"]
    return wait


def print_scaling(bench, reps):
    """The 2-thread baseline against 1-thread runs pinned to each core, alone and both at once.

    On a VM the cores need not be equal (on the development VM one ran 25-35% slower than the
    other for hours, then they were equal again), so an unpinned 1-thread run lands on a fast or
    a slow core by chance; pinning separates the engine's scaling from that. Each repetition
    runs all four measurements back to back, because the VM's speed drifts.
    """
    cores = sorted(os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        return
    rows = []
    for _ in range(reps):
        alone = [baseline_rate(bench, 1, c)() for c in cores]
        waits = [baseline_rate(bench, 1, c) for c in cores]
        together = [w() for w in waits]
        rows.append(alone + together + [baseline_rate(bench, 2)()])
    a0, a1, t0, t1, two = (median(v) for v in zip(*rows))
    print(f"\nscaling, baseline (median of {reps}; each repetition's runs back to back):")
    print(f"  1 thread pinned to core {cores[0]} / core {cores[1]}: {a0:.3g} / {a1:.3g} "
          f"path-days/s alone, {t0:.3g} / {t1:.3g} with both cores busy")
    print(f"  2 threads: {two:.3g} path-days/s = {two / ((a0 + a1) / 2):.2f}x the mean core "
          f"alone, {two / max(a0, a1):.2f}x the faster core alone, {two / (t0 + t1):.0%} of "
          f"the two cores' sum with both busy")


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
    skipped = set()
    for name, first in runs[0].items():
        if isinstance(first, str):
            family = name.split("/")[0]  # one line for all of a benchmark's arguments
            if family not in skipped:
                print(f"{family:<40} skipped: {first}")
                skipped.add(family)
            continue
        if "Compare" in name or "Size" in name or "CpuIsa" in name:
            continue  # costs in runs of one scenario, and the per-copy table, below
        rate = median([run[name][0] for run in runs])
        paths = first[1]
        gpu = "Gpu" in name
        threads = 1 if gpu else int(name.split("/")[1])
        if gpu:  # BM_BaselineGpu/blocks_per_sm:K/...: the grid's blocks per multiprocessor
            k = int(name.split("/")[1].split(":")[1])
            device = f"GPU 0, {k} blk/SM" if k else "GPU 0"
        workload = "sweep-20" if "Sweep" in name else "baseline"
        per_core = rate if gpu else rate / threads
        roof = rate / (ROOFLINE_H100 if gpu else ROOFLINE_CPU_CORE * threads)
        print(f"{workload:<10} {'cuda' if gpu else 'cpu':<6} {(device if gpu else str(threads)):<16} "
              f"{paths:>10} {rate:>12.3g} {per_core / ref_rate:>13.1f} {roof:>9.0%}")
    # Decisions (issue 22's budgets): a comparison and a sizing in runs of one scenario.
    one = [run.get("BM_BaselineCpu/2/real_time") for run in runs]
    for name, label in (("BM_CompareCpu/2/real_time", "compare (baseline vs no-project-vault)"),
                        ("BM_SizeCpu/threads:2/by_path:1/iterations:1/real_time",
                         "size (us_auto, 5% within 730 d; by path, as the CLI on the CPU)"),
                        ("BM_SizeCpu/threads:2/by_path:0/iterations:1/real_time",
                         "size (the same, whole runs, as on a GPU)")):
        got = [run.get(name) for run in runs]
        if any(g is None or isinstance(g, str) for g in got + one):
            continue
        cost = median([o[0] / g[0] for o, g in zip(one, got)])
        print(f"{label}: {cost:.2f}x the time of one baseline run (2 threads)")
    print_copies(runs, ref_rate)
    print_scaling(bench, reps)


def print_copies(runs, ref_rate):
    """Issue 24: every copy of the model this CPU runs (REERISK_CPU_ISA's choices), baseline,
    in the same repetitions, with its ratio to NumPy per core and to the best copy."""
    copies = {"2": "x86-64-v4 (AVX-512)", "1": "x86-64-v3 (AVX2)", "0": "x86-64 (baseline)"}
    rows, best = [], {}
    for name, first in runs[0].items():
        if "BM_BaselineCpuIsa" not in name:
            continue
        args = dict(part.split(":") for part in name.split("/")[1:3])
        if isinstance(first, str):
            print(f"copy {copies[args['isa']]}: skipped ({first})")
            continue
        rate = median([run[name][0] for run in runs])
        threads = int(args["threads"])
        best[threads] = max(best.get(threads, 0.0), rate)
        rows.append((copies[args["isa"]], threads, rate))
    if not rows:
        return
    print("\nper copy of the model (baseline; REERISK_CPU_ISA forces one):")
    print(f"  {'copy':<22} {'threads':>7} {'path-days/s':>12} {'x NumPy/core':>13} {'x best copy':>12}")
    for copy, threads, rate in rows:
        print(f"  {copy:<22} {threads:>7} {rate:>12.3g} {rate / threads / ref_rate:>13.1f} "
              f"{rate / best[threads]:>12.2f}")


if __name__ == "__main__":
    main()
