"""The Python package as a notebook user meets it: reerisk.run/validate/compare/size in-process,
their equality with the CLI's files, scenario inputs, errors, Ctrl-C, CF time and `reerisk
report` under a foreign python3. Run by ctest (pytest) with PYTHONPATH=build/python,
REERISK_BINARY and REERISK_SOURCE_DIR set."""
import glob
import os
import signal
import subprocess
import sys
import textwrap
import threading

import h5py
import numpy as np
import pytest
import xarray as xr

import reerisk

BIN = os.environ["REERISK_BINARY"]
SRC = os.environ["REERISK_SOURCE_DIR"]
BASELINE = os.path.join(SRC, "configs", "baseline.toml")
PATHS = 2000
# Attributes that say when and how fast, not what: they differ between any two runs.
VOLATILE = {"started_utc", "created_utc", "wall_seconds", "path_days_per_second",
            "peak_host_memory_bytes", "peak_device_memory_bytes", "report", "device", "reachable"}


def cli(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)


def assert_same_dataset(a: xr.Dataset, b: xr.Dataset):
    xr.testing.assert_identical(a.drop_attrs() if hasattr(a, "drop_attrs") else _no_attrs(a),
                                b.drop_attrs() if hasattr(b, "drop_attrs") else _no_attrs(b))
    for k in set(a.attrs) | set(b.attrs):
        if k not in VOLATILE:
            assert np.array_equal(a.attrs.get(k), b.attrs.get(k)), k


def _no_attrs(ds):
    ds = ds.copy()
    ds.attrs = {}
    return ds


@pytest.fixture(scope="module")
def cli_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "base.h5"
    r = cli("run", BASELINE, "--paths", str(PATHS), "--seed", "7", "--backend", "cpu", "-q",
            "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def in_process():
    return reerisk.run(BASELINE, paths=PATHS, seed=7, backend="cpu", progress=False)


def test_in_process_run_equals_the_cli_file(cli_result, in_process):
    from_cli = reerisk.open_result(str(cli_result))
    with from_cli.dataset() as ds:
        ds = ds.load()
    root = {k: (v.item() if hasattr(v, "item") else v) for k, v in from_cli.meta.items()}
    ds.attrs.update(root)
    ds.attrs["scenario_text"] = from_cli.scenario_text
    assert_same_dataset(in_process, ds)
    assert in_process.attrs["n_paths"] == PATHS and in_process.attrs["seed"] == 7
    assert "P(out<=" in in_process.attrs["report"]


def test_dict_text_and_path_inputs_agree(in_process):
    with open(BASELINE) as f:
        text = f.read()
    cwd = os.getcwd()
    os.chdir(os.path.join(SRC, "configs"))  # a text's or dict's `extends` is relative to here
    try:
        from_text = reerisk.run(text, paths=PATHS, seed=7, backend="cpu", progress=False)
        import tomllib
        from_dict = reerisk.run(tomllib.loads(text), paths=PATHS, seed=7, backend="cpu",
                                progress=False)
    finally:
        os.chdir(cwd)
    for ds in (from_text, from_dict):
        xr.testing.assert_equal(ds, in_process)  # every variable and coordinate; not attrs


def test_set_overrides_as_dict_or_list_change_the_result_alike():
    a = reerisk.run(BASELINE, paths=500, seed=3, backend="cpu", progress=False,
                    set={"stockpile.cover_days": 0})
    b = reerisk.run(BASELINE, paths=500, seed=3, backend="cpu", progress=False,
                    set=["stockpile.cover_days=0"])
    c = reerisk.run(BASELINE, paths=500, seed=3, backend="cpu", progress=False)
    np.testing.assert_array_equal(a.p_stockout_by_day.values, b.p_stockout_by_day.values)
    assert not np.array_equal(a.p_stockout_by_day.values, c.p_stockout_by_day.values)


def test_cf_time_decodes_to_datetime64(in_process, cli_result):
    for ds in (in_process, xr.open_dataset(str(cli_result), engine="h5netcdf", group="baseline")):
        assert ds.time.dtype.kind == "M" and ds.month_time.dtype.kind == "M"
        assert str(ds.time.values[0])[:10] == str(ds.date.values[0])
        assert str(ds.time.values[-1])[:10] == str(ds.date.values[-1])
        monthly = ds.p_stockout_by_day.swap_dims(day="time").resample(time="1MS").last()
        assert monthly.sizes["time"] == ds.sizes["month"]
    with h5py.File(cli_result) as f:
        assert f.attrs["format_version"] == 2
        assert f["baseline/time"].attrs["units"].startswith("days since ")
        assert f["baseline/time"].attrs["calendar"] == "standard"


def test_version_1_files_still_open(cli_result, tmp_path):
    old = tmp_path / "v1.h5"
    old.write_bytes(cli_result.read_bytes())
    with h5py.File(old, "r+") as f:
        f.attrs["format_version"] = 1
        for g in f.values():
            if isinstance(g, h5py.Group):
                for name in ("time", "month_time"):
                    if name in g:
                        del g[name]
                for ds in g.values():
                    c = ds.attrs.get("coordinates")
                    if c is not None:
                        c = c.decode() if isinstance(c, bytes) else c
                        ds.attrs["coordinates"] = " ".join(
                            x for x in c.split() if x not in ("time", "month_time"))
    res = reerisk.open_result(str(old))
    assert res.meta["format_version"] == 1
    assert res.summary_frame().shape[0] > 0
    r = subprocess.run([BIN, "report", str(old), "-o", str(tmp_path / "rep")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert os.path.exists(tmp_path / "rep" / "stockout_cdf.png")


def test_scenario_error_carries_file_line_column():
    bad = sorted(glob.glob(os.path.join(SRC, "tests", "scenarios", "bad", "*.toml")))[0]
    with open(bad) as f:
        line = int(f.readline().split(":")[1])
    with pytest.raises(reerisk.ScenarioError) as e:
        reerisk.validate(bad)
    p = e.value.problems[0]
    assert p.file == bad and p.line == line and p.column >= 1 and p.message
    with pytest.raises(reerisk.ScenarioError) as e:
        reerisk.run(BASELINE, paths=10, set={"stockpile.cover_days": -5}, progress=False)
    assert e.value.problems and "stockpile.cover_days" in str(e.value)


def test_a_bad_dict_raises_scenario_error_not_a_crash():
    with pytest.raises(reerisk.ScenarioError) as e:
        reerisk.validate({"extends": os.path.join(SRC, "configs", "baseline.toml"),
                          "stockpile": {"cover_days": "lots"}})
    assert e.value.problems[0].file == "<dict>" and e.value.problems[0].line is not None
    assert "cover_days" in e.value.scenario_text
    with pytest.raises(TypeError, match="cannot be written in a scenario"):
        reerisk.validate({"run": {"paths": object()}})


def test_wrong_types_and_unknown_keywords_raise_python_errors():
    with pytest.raises(TypeError, match="paths must be an int"):
        reerisk.run(BASELINE, paths="many")
    with pytest.raises(TypeError, match="paths must be an int"):
        reerisk.run(BASELINE, paths=0)
    with pytest.raises(TypeError):
        reerisk.run(BASELINE, pahts=10)
    with pytest.raises(TypeError, match="must be a path, TOML text or a dict"):
        reerisk.run(42)
    with pytest.raises(ValueError, match="backend"):
        reerisk.run(BASELINE, backend="tpu")
    with pytest.raises(reerisk.ScenarioError, match="no such scenario file"):
        reerisk.run("/nonexistent/x.toml")
    with pytest.raises(TypeError, match="KEY=VALUE"):
        reerisk.run(BASELINE, set=["stockpile.cover_days"])


def test_ctrl_c_stops_the_run_cleanly(tmp_path):
    # A child Python runs a long simulation; SIGINT must end it with KeyboardInterrupt within
    # seconds, with no worker thread left running and no temporary file left behind.
    script = textwrap.dedent(f"""
        import os, sys, tempfile, threading, time
        tempfile.tempdir = {str(tmp_path)!r}
        import reerisk
        print("ready", flush=True)
        t0 = time.time()
        try:
            reerisk.run({BASELINE!r}, paths=10_000_000, backend="cpu", threads=2, progress=False)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted after", round(time.time() - t0, 1), "s; threads",
                  threading.active_count(), flush=True)
    """)
    env = dict(os.environ)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                         env=env)
    assert p.stdout.readline().strip() == "ready"
    threading.Event().wait(3.0)  # inside the run by now (the baseline loads in milliseconds)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 0, out
    assert "interrupted after" in out and "threads 1" in out, out
    assert not list(tmp_path.iterdir()), "a temporary file was left behind"


def test_compare_and_size_in_process_equal_the_cli(tmp_path):
    policy = os.path.join(SRC, "configs", "policies", "no-project-vault.toml")
    ds = reerisk.compare(BASELINE, policy, paths=PATHS, seed=5, progress=False)
    out = tmp_path / "c.h5"
    r = cli("compare", BASELINE, policy, "--paths", str(PATHS), "--seed", "5", "-q", "-o", str(out))
    assert r.returncode == 0, r.stderr
    with xr.open_dataset(out, engine="h5netcdf") as c:
        np.testing.assert_array_equal(ds.delta_p_stockout_by_day.values,
                                      c.delta_p_stockout_by_day.values)
    assert ds.time.dtype.kind == "M"
    s = reerisk.size(BASELINE, risk=0.05, within=365, paths=500, seed=5)
    out = tmp_path / "s.h5"
    r = cli("size", BASELINE, "--risk", "0.05", "--within", "365", "--paths", "500", "--seed", "5",
            "-q", "-o", str(out))
    assert r.returncode in (0, 3), r.stderr
    with xr.open_dataset(out, engine="h5netcdf") as c:
        np.testing.assert_array_equal(s.stockpile_size_t.values, c.stockpile_size_t.values)
    assert s.attrs["reachable"] == (1 if r.returncode == 0 else 0)
    with pytest.raises(reerisk.ScenarioError, match="strictly between 0 and 1"):
        reerisk.size(BASELINE, risk=1.5)


def test_report_runs_with_a_foreign_python3_first_on_path(cli_result, tmp_path):
    # A python3 that has none of the packages (like a pyenv shim) comes first on PATH.
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python3").write_text("#!/bin/sh\necho 'not the project python' >&2\nexit 99\n")
    (shim / "python3").chmod(0o755)
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    r = subprocess.run([BIN, "report", str(cli_result), "-o", str(tmp_path / "rep")],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    pngs = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "rep" / "*.png")))
    for name in ("stockout_cdf.png", "line_stop_cdf.png", "fill_rate.png", "price_fan.png"):
        assert name in pngs
