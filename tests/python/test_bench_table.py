"""tools/bench/table.py, the table `tools/bench/run.sh` prints, on a stand-in for the benchmark
binary: every row, the decisions' costs and the per-copy table (issue 24) come out of one
Google Benchmark JSON. Run by ctest (pytest)."""
import importlib.util
import os
import stat
import sys

SRC = os.environ["REERISK_SOURCE_DIR"]

# Names as Google Benchmark reports them, with path-days/s chosen so that each ratio below is
# known: NumPy at 1e5 per core, the AVX-512 copy the best one.
RATES = {
    "BM_BaselineCpu/1/real_time": 8.0e6,
    "BM_BaselineCpu/2/real_time": 1.6e7,
    "BM_SweepCpu/1/real_time": 7.0e6,
    "BM_CompareCpu/2/real_time": 8.0e6,
    "BM_SizeCpu/threads:2/by_path:1/iterations:1/real_time": 6.4e6,
    "BM_SizeCpu/threads:2/by_path:0/iterations:1/real_time": 4.0e6,
    "BM_BaselineCpuIsa/isa:2/threads:1/real_time": 8.0e6,
    "BM_BaselineCpuIsa/isa:1/threads:1/real_time": 6.0e6,
    "BM_BaselineCpuIsa/isa:0/threads:1/real_time": 4.0e6,
    "BM_BaselineCpuIsa/isa:2/threads:2/real_time": 1.6e7,
    "BM_BaselineCpuIsa/isa:1/threads:2/real_time": 1.2e7,
}

FAKE_BENCH = """#!{python}
import json, re, sys
rates = {rates}
pattern = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--benchmark_filter="))
out = [{{"name": n, "run_name": n, "path_days_per_s": r, "paths": 20000}}
       for n, r in rates.items() if re.search(pattern, n)]
out.append({{"name": "BM_BaselineGpu/blocks_per_sm:0/full_state:0/real_time",
             "error_occurred": True, "error_message": "no CUDA device"}})
print(json.dumps({{"benchmarks": out}}))
"""


def load_table():
    spec = importlib.util.spec_from_file_location(
        "bench_table", os.path.join(SRC, "tools", "bench", "table.py"))
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    table.numpy_rate = lambda paths: 1.0e5  # the NumPy reference takes minutes
    return table


def test_the_table_has_every_row_the_costs_and_one_row_per_copy(tmp_path, monkeypatch, capsys):
    bench = tmp_path / "reerisk_bench"
    bench.write_text(FAKE_BENCH.format(python=sys.executable, rates=repr(RATES)))
    bench.chmod(bench.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("REERISK_BENCH_REPS", "1")
    monkeypatch.setattr(sys, "argv", ["table.py", str(bench)])
    load_table().main()
    out = capsys.readouterr().out
    lines = out.splitlines()
    # The baseline and sweep rows, with their ratio to NumPy per core.
    assert any(line.split()[:3] == ["baseline", "cpu", "1"] and line.split()[-2] == "80.0"
               for line in lines), out
    assert any(line.split()[:3] == ["sweep-20", "cpu", "1"] for line in lines), out
    assert "BM_BaselineGpu" in out and "skipped: no CUDA device" in out
    # compare and size in runs of one baseline run (2 threads): 1.6e7 / 8e6, and 1.6e7 / 6.4e6
    # by path and 1.6e7 / 4e6 with whole runs.
    assert "compare (baseline vs no-project-vault): 2.00x" in out
    assert "size (us_auto, 5% within 730 d; by path, as the CLI on the CPU): 2.50x" in out
    assert "size (the same, whole runs, as on a GPU): 4.00x" in out
    # One row per copy and thread count: path-days/s, x NumPy per core, x the best copy.
    rows = [line.split() for line in lines if line.strip().startswith("x86-64")]
    assert len(rows) == 5, out
    by_copy = {(r[0], r[-4]): r[-3:] for r in rows}
    assert by_copy[("x86-64-v4", "1")] == ["8e+06", "80.0", "1.00"], out
    assert by_copy[("x86-64-v3", "1")] == ["6e+06", "60.0", "0.75"], out
    assert by_copy[("x86-64", "1")] == ["4e+06", "40.0", "0.50"], out
    assert by_copy[("x86-64-v3", "2")] == ["1.2e+07", "60.0", "0.75"], out
    # The scaling lines ran the stand-in pinned to each of two cores, where there are two.
    if len(os.sched_getaffinity(0)) >= 2:
        assert "2 threads: 1.6e+07 path-days/s" in out, out
