"""The cost of an in-process run (reerisk.run from Python) against the CLI's run of the same
size: the whole call, file write and read-back included, against the whole CLI process.

    tools/bench/run.sh --python [PATHS]     # baseline, 100,000 paths by default, 3 repetitions

The two alternate within each repetition (this VM's speed drifts over minutes); the median
ratio is the number issue 23 budgets (at most 1.05)."""
import os
import statistics
import subprocess
import sys
import time

import reerisk


def main():
    binary, config = sys.argv[1], sys.argv[2]
    paths = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    reps = int(os.environ.get("REERISK_BENCH_REPS", "3"))
    out = f"/tmp/reerisk-bench-{os.getpid()}.h5"
    ratios = []
    print(f"{config}, {paths} paths, CPU backend, all threads, seed 1")
    for rep in range(reps):
        t = time.perf_counter()
        subprocess.run([binary, "run", config, "--paths", str(paths), "--seed", "1", "--backend",
                        "cpu", "-q", "-o", out, "--force"], check=True, capture_output=True)
        cli = time.perf_counter() - t
        t = time.perf_counter()
        ds = reerisk.run(config, paths=paths, seed=1, backend="cpu", progress=False)
        py = time.perf_counter() - t
        ratios.append(py / cli)
        print(f"  rep {rep + 1}: CLI process {cli:.2f} s, in-process {py:.2f} s "
              f"(simulation {ds.attrs['wall_seconds']:.2f} s), ratio {py / cli:.3f}")
    os.remove(out)
    print(f"in-process / CLI: median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
