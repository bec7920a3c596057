"""The reerisk CLI as a user meets it: exit codes, messages that name file:line, the summary
table and the HDF5 file. Run by ctest with REERISK_BINARY and REERISK_SOURCE_DIR set."""
import glob
import math
import os
import re
import signal
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

BIN = os.environ["REERISK_BINARY"]
SRC = os.environ["REERISK_SOURCE_DIR"]
BASELINE = os.path.join(SRC, "configs", "baseline.toml")
# Set by tools/run_tests.sh for the sanitizer build, whose engine runs about ten times slower:
# the tests that check bits over whole sweeps (resume, shards), not statistics, use fewer paths.
SANITIZED = os.environ.get("REERISK_TEST_SANITIZED") == "1"


def reerisk(*args, timeout=600):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def baseline_plus(folder, name, extra):
    """Writes configs/baseline.toml followed by @p extra (e.g. a [sweep]) to folder/name."""
    path = os.path.join(folder, name)
    with open(BASELINE) as f:
        text = f.read() + extra
    with open(path, "w") as f:
        f.write(text)
    return path


class ValidateTest(unittest.TestCase):
    def test_every_broken_scenario_names_its_line_and_exits_2(self):
        files = sorted(glob.glob(os.path.join(SRC, "tests", "scenarios", "bad", "*.toml")))
        self.assertGreaterEqual(len(files), 8)
        for path in files:
            with self.subTest(path=os.path.basename(path)):
                with open(path) as f:
                    first = f.readline()
                m = re.match(r"# expect: (\d+): (.*)$", first.strip())
                self.assertIsNotNone(m, "first line must be '# expect: LINE: fragment'")
                line, fragment = m.group(1), m.group(2)
                r = reerisk("validate", path)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"{path}:{line}:", r.stderr)
                self.assertIn(fragment, r.stderr)

    def test_baseline_is_valid(self):
        r = reerisk("validate", BASELINE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("valid scenario", r.stdout)

    def test_missing_file_is_bad_input(self):
        r = reerisk("validate", "/nonexistent/x.toml")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot open", r.stderr)


class CliTest(unittest.TestCase):
    def test_version_and_help(self):
        r = reerisk("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"reerisk \d+\.\d+\.\d+")
        r = reerisk("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("run", r.stdout)
        self.assertIn("validate", r.stdout)

    def test_bad_options_exit_2(self):
        self.assertEqual(reerisk("run", BASELINE, "--backend", "tpu").returncode, 2)
        self.assertEqual(reerisk("run", BASELINE, "--paths", "0").returncode, 2)
        self.assertEqual(reerisk("frobnicate").returncode, 2)

    def test_cuda_backend_without_gpu_fails_with_a_sentence(self):
        r = reerisk("run", BASELINE, "--paths", "100", "--backend", "cuda", "--quiet")
        if r.returncode == 0:
            self.skipTest("a CUDA GPU is present")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("--backend cuda was requested but no CUDA GPU can be used", r.stderr)

    def test_auto_falls_back_to_the_cpu_and_says_so(self):
        r = reerisk("run", BASELINE, "--paths", "200")
        self.assertEqual(r.returncode, 0, r.stderr)
        if "backend cuda" not in r.stdout:
            self.assertIn("using the CPU backend", r.stderr)

    def test_design_sweep_writes_points_and_sobol_indices(self):
        import xarray as xr
        with tempfile.TemporaryDirectory() as d:
            path = baseline_plus(d, "design.toml",
                                 '\n[sweep]\nmode = "lhs"\npoints = 6\n[[sweep.param]]\n'
                                 'key = "stockpile.cover_days"\nmin = 0\nmax = 90\n'
                                 '[[sweep.param]]\nkey = "smuggling.delay_days"\nmin = 10\n'
                                 'max = 200\nlog = true\n')
            out = os.path.join(d, "design.h5")
            r = reerisk("run", path, "--paths", "60", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("24 design points", r.stdout)  # 6 x (2 + 2) Saltelli rows
            import sys
            rep = subprocess.run([sys.executable, os.path.join(SRC, "tools", "analysis", "report.py"),
                                  out, "-o", os.path.join(d, "rep")], capture_output=True, text=True,
                                 timeout=300)
            self.assertEqual(rep.returncode, 0, rep.stderr)
            self.assertGreater(os.path.getsize(os.path.join(d, "rep", "sensitivity_tornado.png")), 20000)
            self.assertIn("ranked by total Sobol index", r.stdout)
            with xr.open_dataset(out, engine="h5netcdf", group="design") as ds:
                self.assertEqual(ds["p_stockout_by_day"].dims[0], "point")
                cover = ds["stockpile.cover_days"].values
                self.assertTrue(np.all((cover >= 0) & (cover <= 90)))
                delay = ds["smuggling.delay_days"].values
                self.assertTrue(np.all(delay == np.round(delay)), "integer keys are rounded")
                self.assertIn("stockpile.cover_days", ds["p_stockout_by_day"].coords)
                st = ds["sobol_total_p_stockout"]
                self.assertEqual(st.dims, ("param", "segment", "material"))
                self.assertEqual(list(ds["param"].values),
                                 ["stockpile.cover_days", "smuggling.delay_days"])
                self.assertTrue(np.all(ds["sobol_total_lo_p_stockout"] <= st + 1e-12))
            r = reerisk("info", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("ranked by total Sobol index", r.stdout)


class GridSweepTest(unittest.TestCase):
    def test_grid_sweep_writes_labelled_sweep_dimensions_with_common_random_numbers(self):
        import xarray as xr
        with tempfile.TemporaryDirectory() as d:
            path = baseline_plus(d, "sweep.toml",
                                 '\n[sweep]\nmode = "grid"\n[[sweep.param]]\n'
                                 'key = "stockpile.cover_days"\nvalues = [0, 60]\n'
                                 '[[sweep.param]]\nkey = "event.0.probability"\n'
                                 'values = [0.1, 0.35]\n')
            out = os.path.join(d, "sweep.h5")
            r = reerisk("run", path, "--paths", "400", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("4 grid points", r.stdout)
            base = os.path.join(d, "base.h5")
            self.assertEqual(reerisk("run", BASELINE, "--paths", "400", "-o", base, "-q").returncode, 0)
            with xr.open_dataset(out, engine="h5netcdf", group="sweep") as ds, \
                    xr.open_dataset(base, engine="h5netcdf", group="baseline") as b:
                cdf = ds["p_stockout_by_day"]
                self.assertEqual(cdf.dims, ("stockpile.cover_days", "event.0.probability",
                                            "segment", "material", "day"))
                # The grid point equal to the base scenario is the base run, bit for bit.
                point = {"stockpile.cover_days": 60, "event.0.probability": 0.35}
                np.testing.assert_array_equal(ds["stockout_days_count"].sel(point).values,
                                              b["stockout_days_count"].values)
                np.testing.assert_array_equal(cdf.sel(point).values, b["p_stockout_by_day"].values)
                # No stockpile can only hurt its participants (same paths at both points).
                us = dict(segment="us_auto", material="NdFeB", day=364)
                p0 = float(cdf.sel(us).sel({"stockpile.cover_days": 0, "event.0.probability": 0.35}))
                p60 = float(cdf.sel(us).sel(point))
                self.assertGreaterEqual(p0, p60)
            r = reerisk("info", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("4 sweep points", r.stdout)
            self.assertIn("stockpile.cover_days = 60, event.0.probability = 0.35", r.stdout)


class PrecisionTargetTest(unittest.TestCase):
    def test_until_halfwidth_records_the_paths_each_point_used(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "hw.h5")
            sweep = os.path.join(SRC, "configs", "sweep-stockpile.toml")
            r = reerisk("run", sweep, "--paths", "20000", "--until-halfwidth", "0.05", "--batch",
                        "200", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out, "r") as f:
                g = f["sweep-stockpile"]
                used = g["paths_used"][...]
                self.assertEqual(used.shape, (5, 3))
                self.assertTrue(np.all(used % 200 == 0) and np.all(used < 20000))
                self.assertAlmostEqual(f.attrs["until_halfwidth"], 0.05)
                # Every point met the target: half-width of P(stockout by the horizon) < 0.05.
                half = (g["p_stockout_by_day_hi"][..., -1] - g["p_stockout_by_day_lo"][..., -1]) / 2
                self.assertTrue(np.all(half < 0.05))


TIMING_ATTRS = {"created_utc", "started_utc", "wall_seconds", "path_days_per_second",
                "peak_host_memory_bytes", "peak_device_memory_bytes"}


def assert_same_results(test, x, y):
    """Every dataset and every attribute of result files x and y but the timing ones, bit for
    bit."""
    with h5py.File(x, "r") as a, h5py.File(y, "r") as b:
        names = []
        a.visit(names.append)
        for name in names:
            if isinstance(a[name], h5py.Dataset):
                np.testing.assert_array_equal(a[name][()], b[name][()], err_msg=name)
            for k, v in a[name].attrs.items():
                if k not in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    test.assertEqual(str(v), str(b[name].attrs[k]), f"{name}@{k}")
        for k, v in a.attrs.items():
            if k not in TIMING_ATTRS:
                test.assertEqual(str(v), str(b.attrs[k]), k)


class ResumeTest(unittest.TestCase):
    SWEEP = os.path.join(SRC, "configs", "sweep-stockpile.toml")
    PATHS = "500" if SANITIZED else "2000"  # per point: 15 points
    @staticmethod
    def start_and_wait_for_a_completed_point(out):
        """Starts the sweep and returns once its checkpoint holds a completed point (the
        40-byte header plus at least one record), however fast the machine is."""
        import time
        p = subprocess.Popen([BIN, "run", ResumeTest.SWEEP, "--paths", ResumeTest.PATHS, "-o", out,
                              "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ckpt = out + ".checkpoint"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None:
            if os.path.exists(ckpt) and os.path.getsize(ckpt) > 40:
                break
            time.sleep(0.01)
        return p

    def interrupted_then_resumed(self, d, sig):
        out = os.path.join(d, "r.h5")
        p = self.start_and_wait_for_a_completed_point(out)
        p.send_signal(sig)
        p.wait(timeout=120)
        self.assertFalse(os.path.exists(out), "no result file from an interrupted sweep")
        self.assertTrue(os.path.exists(out + ".checkpoint"))
        r = reerisk("run", self.SWEEP, "--paths", self.PATHS, "-o", out, "-q", "--resume")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(out + ".checkpoint"), "checkpoint removed when done")
        return out

    def test_resumed_sweeps_equal_an_uninterrupted_one(self):
        import signal
        with tempfile.TemporaryDirectory() as d:
            full = os.path.join(d, "full.h5")
            r = reerisk("run", self.SWEEP, "--paths", self.PATHS, "-o", full, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            for sig in (signal.SIGINT, signal.SIGKILL):
                with self.subTest(signal=sig.name):
                    with tempfile.TemporaryDirectory() as d2:
                        out = self.interrupted_then_resumed(d2, sig)
                        assert_same_results(self, full, out)

    def test_a_checkpoint_of_another_run_is_refused(self):
        import signal
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            p = self.start_and_wait_for_a_completed_point(out)
            p.send_signal(signal.SIGINT)
            p.wait(timeout=60)
            r = reerisk("run", self.SWEEP, "--paths", self.PATHS, "--seed", "9", "-o", out, "-q",
                        "--resume")
            self.assertEqual(r.returncode, 2)
            self.assertIn("belongs to a different run", r.stderr)


def run_shards(test, scenario, paths, d):
    """Runs @p scenario as shards 1/3, 2/3 and 3/3 into directory d; their file names."""
    shards = []
    for i in (1, 2, 3):
        out = os.path.join(d, f"s{i}.h5")
        r = reerisk("run", scenario, "--paths", paths, "--shard", f"{i}/3", "-o", out, "-q")
        test.assertEqual(r.returncode, 0, r.stderr)
        shards.append(out)
    return shards


# The closed-form rare-event case (docs/model.md §10): its tally holds the weighted blocks.
RARE = os.path.join(SRC, "tools", "bench", "rare_event_closed_form.toml")


class RareEventFileTest(unittest.TestCase):
    def test_weighted_shards_merge_to_the_unsharded_run_and_the_file_says_it_is_weighted(self):
        with tempfile.TemporaryDirectory() as d:
            full = os.path.join(d, "full.h5")
            r = reerisk("run", RARE, "--paths", "3000", "-o", full)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Importance sampling: 3000 paths", r.stdout)
            self.assertIn("effective sample size", r.stdout)
            shards = run_shards(self, RARE, "3000", d)
            merged = os.path.join(d, "merged.h5")
            r = reerisk("merge", *shards, "-o", merged)
            self.assertEqual(r.returncode, 0, r.stderr)
            assert_same_results(self, full, merged)
            with h5py.File(merged, "r") as f:
                self.assertTrue(str(f.attrs["sampling"]).startswith("importance"))
                self.assertGreater(float(f.attrs["effective_paths"]), 100)
                self.assertEqual(int(f.attrs["weight_clamped_values"]), 0)
                p = f["rare_event_closed_form/p_stockout_by_day"][0, 0, -1]
                self.assertGreater(p, 1e-5)  # the weighted estimate, ~2.3e-5, not a count / n
                self.assertLess(p, 1e-4)

    def test_kept_paths_weights_reproduce_the_weighted_curve(self):
        n = 2000
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "k.h5")
            r = reerisk("run", RARE, "--paths", str(n), "--keep-paths", str(n), "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out, "r") as f:
                g = f["rare_event_closed_form"]
                w = g["path_weight"][...]
                first = g["path_first_stockout_day"][:, 0, 0]
                cdf = g["p_stockout_by_day"][0, 0]
                in_stockout = g["p_in_stockout"][0, 0]
                days = g["path_stockout_days"][:, 0, 0]
                days_mean = g["stockout_days_mean"][0, 0]
                days_weighted = g["stockout_days_count_weighted"][0, 0]
                shortfall = g["path_shortfall"][:, 0, 0]
                shortfall_mean = g["shortfall_mean"][0, 0]
            self.assertGreater(np.ptp(w), 0)  # the paths carry their likelihood ratios
            for t in (364, len(cdf) - 1):
                # The tally truncates each weight below 2^-72; the sums agree to rounding.
                np.testing.assert_allclose(np.sum(w * (first <= t)) / n, cdf[t], rtol=1e-12)
                # The cut is absorbing: a path out by day t is still out on day t.
                np.testing.assert_allclose(in_stockout[t], cdf[t], rtol=1e-12)
            # Every output is weighted: the day-count histogram, its mean, the mean shortfall
            # (summed in whole kg per path).
            np.testing.assert_allclose(np.bincount(days, weights=w, minlength=len(days_weighted)),
                                       days_weighted, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(np.sum(w * days) / n, days_mean, rtol=1e-12)
            np.testing.assert_allclose(np.sum(w * np.round(shortfall * 1000)) / 1000 / n,
                                       shortfall_mean, rtol=1e-9)

    def test_a_degenerate_run_says_so(self):
        # A tilt far from the scenario's law: a handful of paths carry all the weight.
        with tempfile.TemporaryDirectory() as d:
            variant = os.path.join(d, "degenerate.toml")
            with open(variant, "w") as f:
                f.write(f'extends = "{RARE}"\n\n[rare_event]\n'
                        'transition = { open = { open = 0.5, cut = 0.5 } }\n')
            r = reerisk("run", variant, "--paths", "2000", "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("warning: degenerate weights", r.stdout)


class ShardMergeTest(unittest.TestCase):
    def test_merged_shards_equal_the_unsharded_run_and_bad_sets_are_refused(self):
        sweep = os.path.join(SRC, "configs", "sweep-stockpile.toml")
        paths = "150" if SANITIZED else "600"  # per point: 15 points
        with tempfile.TemporaryDirectory() as d:
            full = os.path.join(d, "full.h5")
            self.assertEqual(reerisk("run", sweep, "--paths", paths, "-o", full, "-q").returncode, 0)
            shards = run_shards(self, sweep, paths, d)
            merged = os.path.join(d, "merged.h5")
            r = reerisk("merge", shards[2], shards[0], shards[1], "-o", merged)
            self.assertEqual(r.returncode, 0, r.stderr)
            assert_same_results(self, full, merged)
            bad = os.path.join(d, "bad.h5")
            r = reerisk("merge", shards[0], shards[1], "-o", bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn("are missing", r.stderr)
            r = reerisk("merge", shards[0], shards[1], shards[1], shards[2], "-o", bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn("duplicated", r.stderr)
            foreign = os.path.join(d, "foreign.h5")
            self.assertEqual(reerisk("run", sweep, "--paths", paths, "--seed", "4", "--shard", "3/3",
                                     "-o", foreign, "-q").returncode, 0)
            r = reerisk("merge", shards[0], shards[1], foreign, "-o", bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn("belongs to a different run", r.stderr)
            self.assertFalse(os.path.exists(bad))


class ComposeTest(unittest.TestCase):
    """extends, --set and --print-config as a user meets them."""

    def run_tally(self, *args, paths="1500"):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            r = reerisk("run", *args, "--paths", paths, "--quiet", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out) as f:
                return f["tally"][()], f["scenario_text"][()].decode()

    def test_set_gives_the_bits_of_the_edited_file(self):
        with open(BASELINE) as f:
            text = f.read()
        self.assertIn("cover_days = 60", text)
        with tempfile.TemporaryDirectory() as d:
            edited = os.path.join(d, "edited.toml")
            with open(edited, "w") as f:
                f.write(text.replace("cover_days = 60", "cover_days = 90", 1))
            by_file, _ = self.run_tally(edited)
        by_set, stored = self.run_tally(BASELINE, "--set", "stockpile.cover_days=90")
        plain, _ = self.run_tally(BASELINE)
        np.testing.assert_array_equal(by_set, by_file)
        self.assertFalse(np.array_equal(by_set, plain), "the override must change the result")
        self.assertIn("# --set stockpile.cover_days=90", stored)  # the file says how it was made

    def test_print_config_output_reruns_to_the_same_result(self):
        variant = os.path.join(SRC, "configs", "sweep-stockpile.toml")
        args = ["--set", "segment.us_auto.cover_days.median=30", "--seed", "5"]
        r = reerisk("run", variant, *args, "--print-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\nextends", r.stdout)
        with tempfile.TemporaryDirectory() as d:
            printed = os.path.join(d, "printed.toml")
            with open(printed, "w") as f:
                f.write(r.stdout)
            # 300 paths at each of the grid's 15 points: the bits must match at any count.
            again, _ = self.run_tally(printed, paths="300")
        original, _ = self.run_tally(variant, *args, paths="300")
        self.assertEqual(again.shape[0], 15)  # the grid came along
        np.testing.assert_array_equal(again, original)

    def test_bad_set_key_or_value_exits_2_naming_it(self):
        for assignment, fragment in (
                ("plant.Nope.delay_months.median=20", '"plant.Nope" does not exist'),
                ("stockpile.cover_days=-1", "allowed: days from 0 to 36500"),
                ("regime.escalated.throttle.Dy=lots", "must be a number"),
                ("stockpile.cover_days", "expected KEY=VALUE")):
            with self.subTest(assignment=assignment):
                for sub in ("run", "validate"):
                    r = reerisk(sub, BASELINE, "--set", assignment)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn("--set " + assignment, r.stderr)
                    self.assertIn(fragment, r.stderr)

    def test_a_cycle_or_a_missing_parent_exits_2_naming_the_chain(self):
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.toml"), os.path.join(d, "b.toml")
            with open(a, "w") as f:
                f.write('extends = "b.toml"\n')
            with open(b, "w") as f:
                f.write('extends = "a.toml"\n')
            r = reerisk("validate", a)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(f"{a} -> {b} -> {a}", r.stderr)
            with open(b, "w") as f:
                f.write('\nextends = "gone.toml"\n')
            r = reerisk("run", a)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(f"{b}:2:", r.stderr)
            self.assertIn(f"chain: {a} -> {b} -> {os.path.join(d, 'gone.toml')}", r.stderr)


class SweepConfigTest(unittest.TestCase):
    def test_shipped_variants_are_the_baseline_plus_their_differences(self):
        for name in ("sweep-stockpile.toml", "sensitivity-baseline.toml"):
            with self.subTest(config=name):
                path = os.path.join(SRC, "configs", name)
                with open(path) as f:
                    text = f.read()
                self.assertIn('extends = "baseline.toml"', text)
                self.assertLess(len(text.splitlines()), 80, f"{name} should hold only its differences")
                r = reerisk("validate", path)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("extends", r.stdout)

    def test_shipped_grid_sweep_runs_and_reports_a_heatmap(self):
        import sys
        sweep_path = os.path.join(SRC, "configs", "sweep-stockpile.toml")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.h5")
            r = reerisk("run", sweep_path, "--paths", "100", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("15 grid points", r.stdout)
            r = subprocess.run([sys.executable, os.path.join(SRC, "tools", "analysis", "report.py"),
                                out, "-o", os.path.join(d, "rep")], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertGreater(os.path.getsize(os.path.join(d, "rep", "sweep_heatmap.png")), 20000)


class RunOutputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "baseline.h5")
        cls.result = reerisk("run", BASELINE, "--paths", "3000", "--seed", "5", "-o", cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_run_prints_the_table(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        for seg in ("us_defense", "us_auto", "eu_auto", "japan_industry"):
            self.assertIn(seg, self.result.stdout)
        self.assertIn("P(out<=90d)", self.result.stdout)
        self.assertIn("path-days/s", self.result.stdout)
        self.assertRegex(self.result.stdout, r"peak memory \d+ MB")

    def test_result_file_records_the_peak_memory(self):
        import resource
        with h5py.File(self.out, "r") as f:
            host = int(f.attrs["peak_host_memory_bytes"])
            # The process held at least the 17 KB scenario and the 0.5 MB tally, and no more
            # than the largest of this test process's finished children (itself among them).
            self.assertGreater(host, 1 << 20)
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
            self.assertLessEqual(host, children)
            backend = f.attrs["backend"]
            backend = backend.decode() if isinstance(backend, bytes) else backend
            if backend == "cpu":
                self.assertEqual(int(f.attrs["peak_device_memory_bytes"]), 0)
            else:
                self.assertGreater(int(f.attrs["peak_device_memory_bytes"]), 0)

    def test_result_file_is_self_describing(self):
        with h5py.File(self.out, "r") as f:
            self.assertEqual(f.attrs["filetype"], "reerisk-result")
            self.assertEqual(f.attrs["format_version"], 2)
            self.assertEqual(f.attrs["n_paths"], 3000)
            self.assertEqual(f.attrs["seed"], 5)
            with open(BASELINE) as src:
                self.assertEqual(f["scenario_text"][()].decode(), src.read())
            g = f["baseline"]
            cdf = g["p_stockout_by_day"][...]
            self.assertEqual(cdf.shape, (4, 4, 1096))
            self.assertTrue(np.all(np.diff(cdf, axis=2) >= 0), "CDF must not decrease")
            self.assertTrue(np.all(g["p_stockout_by_day_lo"][...] <= cdf))
            self.assertTrue(np.all(g["p_stockout_by_day_hi"][...] >= cdf))
            self.assertEqual(g["p_stockout_by_day"].attrs["units"], "1")
            # The stockout-day histogram counts every path once.
            self.assertTrue(np.all(g["stockout_days_count"][...].sum(axis=2) == 3000))
            # P(stockout by horizon) = 1 - P(no stockout day at all).
            never = g["stockout_days_count"][..., 0] / 3000.0
            np.testing.assert_allclose(cdf[..., -1], 1 - never, atol=1e-12)

    def test_existing_output_is_not_clobbered(self):
        r = reerisk("run", BASELINE, "--paths", "10", "-o", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--force", r.stderr)
        with h5py.File(self.out, "r") as f:
            self.assertEqual(f.attrs["n_paths"], 3000)


if __name__ == "__main__":
    unittest.main()


class SafeWriteTest(unittest.TestCase):
    def test_sigint_and_sigterm_during_a_run_leave_no_file(self):
        import signal
        import time
        for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=sig.name), tempfile.TemporaryDirectory() as d:
                out = os.path.join(d, "r.h5")
                p = subprocess.Popen([BIN, "run", BASELINE, "--paths", "2000000", "-o", out, "-q"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                time.sleep(1.5)
                t0 = time.monotonic()
                p.send_signal(sig)
                _, err = p.communicate(timeout=60)
                # The CPU workers poll the signal before every path (about 0.3 ms each), so
                # the process is gone well within a second (1.5 s allows for a loaded CI).
                self.assertLess(time.monotonic() - t0, 1.5, "stop took too long")
                self.assertEqual(p.returncode, code, err)
                self.assertIn("interrupted", err)
                self.assertEqual(os.listdir(d), [], "no target and no temporary file")

    def test_a_killed_writers_temporary_file_is_removed_by_the_next_run(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            # A process id that cannot be running: above the kernel's pid_max limit.
            stale = out + ".tmp-4194305"
            with open(stale, "w") as f:
                f.write("half-written")
            r = reerisk("run", BASELINE, "--paths", "50", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(os.listdir(d)), ["r.h5"])

    def test_sigkill_never_leaves_an_incomplete_file_at_the_target(self):
        import signal
        import time
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            for delay in (0.2, 0.6, 1.0):
                p = subprocess.Popen([BIN, "run", BASELINE, "--paths", "3000", "-o", out, "-q",
                                      "--force"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                time.sleep(delay)
                p.send_signal(signal.SIGKILL)
                p.wait()
                if os.path.exists(out):  # the run finished: the file must be complete
                    with h5py.File(out, "r") as f:
                        self.assertEqual(f.attrs["filetype"], "reerisk-result")
                        self.assertIn("p_stockout_by_day", f["baseline"])


class InfoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "baseline.h5")
        cls.result = reerisk("run", BASELINE, "--paths", "1000", "-o", cls.out, "-q")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_info_prints_metadata_table_and_layout(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        r = reerisk("info", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("n_paths: 1000", r.stdout)
        self.assertIn("/baseline/p_stockout_by_day", r.stdout)
        # The same table `run` printed.
        table = [l for l in self.result.stdout.splitlines() if l.startswith("us_auto")]
        for line in table:
            self.assertIn(line, r.stdout)

    def test_info_refuses_files_that_are_not_results(self):
        text = os.path.join(self.tmp.name, "x.h5")
        with open(text, "w") as f:
            f.write("not hdf5")
        r = reerisk("info", text)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an HDF5 file", r.stderr)
        other = os.path.join(self.tmp.name, "other.h5")
        with h5py.File(other, "w") as f:
            f.attrs["filetype"] = "something-else"
        r = reerisk("info", other)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a reerisk result", r.stderr)

    def test_info_refuses_a_file_that_crashes_libhdf5(self):
        # Found by tools/fuzz.sh: a mutated result file on which libhdf5 1.10 overruns a heap
        # buffer. The read runs in a child process first, so reerisk reports it and exits 2.
        crash = os.path.join(SRC, "tests", "fuzz", "regressions", "fuzz_result_reader",
                             "hdf5-heap-overlap.h5")
        r = reerisk("info", crash)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("corrupt file", r.stderr)

    def test_info_refuses_a_newer_format(self):
        import shutil
        newer = os.path.join(self.tmp.name, "newer.h5")
        shutil.copy(self.out, newer)
        with h5py.File(newer, "r+") as f:
            f.attrs["format_version"] = 99
        r = reerisk("info", newer)
        self.assertEqual(r.returncode, 2)
        self.assertIn("newer reerisk", r.stderr)


class XarrayTest(unittest.TestCase):
    def test_xarray_opens_a_scenario_group_as_labelled_arrays(self):
        import xarray as xr
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "b.h5")
            r = reerisk("run", BASELINE, "--paths", "500", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with xr.open_dataset(out, engine="h5netcdf", group="baseline") as ds:
                cdf = ds["p_stockout_by_day"]
                self.assertEqual(cdf.dims, ("segment", "material", "day"))
                self.assertEqual(list(ds["segment"].values),
                                 ["us_defense", "us_auto", "eu_auto", "japan_industry"])
                self.assertEqual(list(ds["material"].values), ["NdFeB", "Dy", "Tb", "NdPr"])
                self.assertEqual(cdf.attrs["units"], "1")
                self.assertEqual(str(ds["date"].values[0]), "2026-11-10")
                v = float(cdf.sel(segment="us_auto", material="NdFeB", day=364))
                self.assertGreaterEqual(v, 0.0)
                self.assertLessEqual(v, 1.0)
                df = ds["stockout_days_quantile"].to_dataframe()
                self.assertEqual(len(df), 4 * 4 * 4)
                for name, var in ds.data_vars.items():
                    self.assertIn("long_name", var.attrs, name)

    def test_h5dump_reads_the_header(self):
        import shutil
        if not shutil.which("h5dump"):
            self.skipTest("h5dump not installed")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "b.h5")
            self.assertEqual(reerisk("run", BASELINE, "--paths", "50", "-o", out, "-q").returncode, 0)
            r = subprocess.run(["h5dump", "-H", out], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("p_stockout_by_day", r.stdout)


class ReportTest(unittest.TestCase):
    def test_report_writes_every_plot_and_the_summary_matches_the_run(self):
        import sys
        sys.path.insert(0, os.path.join(SRC, "python"))
        from reerisk.results import open_result
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "b.h5")
            run = reerisk("run", BASELINE, "--paths", "2000", "-o", out, "-q")
            self.assertEqual(run.returncode, 0, run.stderr)
            r = reerisk("report", out, "-o", os.path.join(d, "report"), timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            for name in ("stockout_cdf.png", "in_stockout.png", "stockout_days.png",
                         "line_stop_cdf.png", "fill_rate.png", "costs.png", "survive_recover.png",
                         "regime_occupancy.png", "price_fan.png"):
                path = os.path.join(d, "report", name)
                self.assertTrue(os.path.getsize(path) > 10000, name)
                with open(path, "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            # The Python summary reproduces the numbers `run` printed (0.1% resolution).
            frame = open_result(out).summary_frame()
            stockout_table, rest = run.stdout.split("\nLine stops:")
            line_stop_table = rest.split("\nCosts per path")[0]
            for parts, p in _auto_rows(self, stockout_table):
                self.assertAlmostEqual(frame.loc[(parts[0], parts[1]), "p_365d"], p[2],
                                       delta=0.0006)
            for parts, p in _auto_rows(self, line_stop_table):
                self.assertAlmostEqual(frame.loc[(parts[0], parts[1]), "p_stop_365d"], p[2],
                                       delta=0.0006)
                self.assertAlmostEqual(frame.loc[(parts[0], parts[1]), "fill_mean"],
                                       float(parts[-4].rstrip("%")) / 100, delta=0.0006)
                for column, printed in (("survive_p50", parts[-2]), ("recover_p50", parts[-1])):
                    value = frame.loc[(parts[0], parts[1]), column]
                    if printed == "-":
                        self.assertTrue(math.isnan(value), (column, value))
                    else:
                        self.assertEqual(value, float(printed), column)


def _auto_rows(test, table):
    """The auto segments' rows of a printed table: their fields and their four probabilities."""
    for line in table.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[0] in ("us_auto", "eu_auto"):
            p = [float(x) / 100 for x in re.findall(r"([\d.]+)% \[", line)]
            test.assertEqual(len(p), 4, line)
            yield parts, p

class ProgressBarTest(unittest.TestCase):
    def _run(self, *extra, until_bar=False, terminal=True):
        """A long run on one thread, stderr on a terminal (or a pipe), interrupted with SIGINT
        once the bar is seen (until_bar) or after 3 s: batches of 64 paths update the bar every
        few tens of milliseconds, so by then it has had many chances to be drawn after its
        first second, and the test costs seconds rather than a whole run (under the sanitizers
        too). Returns the exit code and what the run wrote to stderr."""
        import pty
        import select
        import time
        if terminal:
            reader, writer = pty.openpty()
        else:
            reader, writer = os.pipe()
        p = subprocess.Popen([BIN, "run", BASELINE, "--paths", "1000000", "--threads", "1",
                              "--batch", "64", *extra],
                             stdout=subprocess.DEVNULL, stderr=writer)
        os.close(writer)
        err = b""
        t0 = time.monotonic()
        interrupted = False
        while True:
            elapsed = time.monotonic() - t0
            if not interrupted and ((until_bar and b"ETA" in err)
                                    or (not until_bar and elapsed > 3.0) or elapsed > 60.0):
                p.send_signal(signal.SIGINT)
                interrupted = True
            ready, _, _ = select.select([reader], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(reader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            err += data
        p.wait(timeout=600)
        os.close(reader)
        return p.returncode, err.decode(errors="replace")

    def test_bar_on_a_terminal_after_a_second(self):
        code, err = self._run(until_bar=True)
        self.assertEqual(code, 130, err)  # interrupted by the test once the bar was seen
        self.assertIn("path-days/s", err)
        self.assertIn("ETA", err)

    def test_quiet_silences_the_bar(self):
        code, err = self._run("--quiet")
        self.assertEqual(code, 130, err)
        self.assertNotIn("ETA", err)

    def test_no_bar_when_stderr_is_not_a_terminal(self):
        code, err = self._run(terminal=False)
        self.assertEqual(code, 130, err)
        self.assertNotIn("ETA", err)


class FullDiskTest(unittest.TestCase):
    def test_a_write_that_runs_out_of_space_fails_cleanly(self):
        import resource

        def limit_file_size():  # a stand-in for a full disk: writes past 64 KiB fail
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            r = subprocess.run([BIN, "run", BASELINE, "--paths", "200", "-o", out, "-q"],
                               capture_output=True, text=True, preexec_fn=limit_file_size)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("cannot write", r.stderr)
            self.assertEqual(os.listdir(d), [], "no target and no temporary file")


class KeepPathsTest(unittest.TestCase):
    def test_the_per_path_table_reproduces_the_run_histograms_exactly(self):
        import sys
        sys.path.insert(0, os.path.join(SRC, "python"))
        from reerisk.results import open_result
        n = 600
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "k.h5")
            r = reerisk("run", BASELINE, "--paths", str(n), "--keep-paths", str(n), "-o", out,
                        "-q", "--threads", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out, "r") as f:
                g = f["baseline"]
                horizon = g.attrs["horizon_days"]
                first = g["path_first_stockout_day"][...]       # path, segment, material
                days = g["path_stockout_days"][...]
                self.assertEqual(first.shape, (n, 4, 4))
                cdf = g["p_stockout_by_day"][...]
                counts = g["stockout_days_count"][...]
                for s in range(4):
                    for m in range(3):
                        hist = np.bincount(first[:, s, m], minlength=horizon + 1)
                        np.testing.assert_array_equal(
                            np.rint(cdf[s, m] * n).astype(int), np.cumsum(hist)[:horizon])
                        np.testing.assert_array_equal(
                            counts[s, m], np.bincount(days[:, s, m], minlength=horizon + 1))
                cover = g["path_cover_days"][...]
                self.assertTrue(np.all(cover[:, 0] >= 60) and np.all(cover[:, 0] <= 180))
            frame = open_result(out).paths_frame()
            self.assertEqual(len(frame), n)
            self.assertIn("cover_days.us_auto", frame.columns)
            self.assertIn("first_stockout_day.eu_auto.NdFeB", frame.columns)

    def test_keep_paths_needs_an_output_file(self):
        r = reerisk("run", BASELINE, "--paths", "10", "--keep-paths", "5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--keep-paths needs an output file", r.stderr)


class DecisionsTest(unittest.TestCase):
    """reerisk compare and reerisk size as a user meets them."""

    def test_compare_writes_paired_curves_and_refuses_scenarios_that_cannot_pair(self):
        vault = os.path.join(SRC, "configs", "policies", "no-project-vault.toml")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cmp.h5")
            r = reerisk("compare", BASELINE, vault, "--paths", "2000", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Newcombe", r.stdout)
            with h5py.File(out) as f:
                self.assertEqual(f.attrs["filetype"], "reerisk-compare")
                segs = [s.decode() for s in f["segment"][()]]
                i = segs.index("us_auto")
                a, b, both = (f[f"stockout_paths_{k}"][i, 0] for k in ("a", "b", "both"))
                n = int(f.attrs["n_paths"])
                # Dropping the vault never helps us_auto: the joint counts say so path by path.
                self.assertTrue((b >= a).all() and (both <= np.minimum(a, b)).all())
                np.testing.assert_allclose(f["delta_p_stockout_by_day"][i, 0], (b - a) / n)
                lo, hi = f["delta_p_stockout_by_day_lo"][i, 0], f["delta_p_stockout_by_day_hi"][i, 0]
                ulo, uhi = (f["delta_p_stockout_by_day_unpaired_lo"][i, 0],
                            f["delta_p_stockout_by_day_unpaired_hi"][i, 0])
                t = 364
                self.assertLess(hi[t] - lo[t], uhi[t] - ulo[t])
                self.assertGreater(lo[t], 0)  # the vault's effect at a year is clear at 2000 paths
            r = reerisk("info", out)
            self.assertEqual(r.returncode, 2)
            self.assertIn("tools/decisions.sh plot-compare", r.stderr)
            # Segments that differ are named, exit 2, nothing written.
            other = baseline_plus(d, "other.toml", '\n[[segment]]\nname = "uk_auto"\n'
                                  'demand_t_per_year = { NdFeB = 100 }\ncover_days = 60\n'
                                  'target_cover_days = 60\n')
            bad = os.path.join(d, "bad.h5")
            r = reerisk("compare", BASELINE, other, "--paths", "10", "-o", bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn("segments differ", r.stderr)
            self.assertIn("only in " + other + ": uk_auto", r.stderr)
            self.assertFalse(os.path.exists(bad))
            r = reerisk("compare", BASELINE)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--set-alt", r.stderr)

    def test_size_answer_reruns_to_the_target_and_bad_requests_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "size.h5")
            r = reerisk("size", BASELINE, "--risk", "0.05", "--within", "730", "--segments",
                        "us_auto", "--paths", "3000", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            m = re.search(r"--set '(stockpile\.cover_days=\{[^']*\})'", r.stdout)
            self.assertIsNotNone(m, r.stdout)
            with h5py.File(out) as f:
                mats = [x.decode() for x in f["material"][()]]
                j = mats.index("NdFeB")
                days = f["stockpile_size_days"][j]
                self.assertLessEqual(f["stockpile_size_days_lo"][j], days)
                self.assertGreaterEqual(f["stockpile_size_days_hi"][j], days)
                self.assertLessEqual(f["risk_at_size"][j], 0.05)
                # On the CPU the search re-ran only the paths it did not know, and every path at
                # the answer and one day below, none contradicting its record.
                self.assertTrue(f.attrs["evaluation"].startswith("by path"), f.attrs["evaluation"])
                curve = f["curve_paths_simulated"][()]
                self.assertEqual(curve[0], 3000)  # no stockpile: every path
                self.assertLess(curve[1:].max(), 3000)
                self.assertEqual(f.attrs["paths_simulated"], curve.sum() + 2 * 3000)
            # A run at the answer meets the target on the same paths; 10% less does not.
            def risk(setting):
                res = os.path.join(d, "run.h5")
                r = reerisk("run", BASELINE, "--paths", "3000", "--backend", "cpu", "--set", setting,
                            "-o", res, "--force", "-q")
                self.assertEqual(r.returncode, 0, r.stderr)
                with h5py.File(res) as f:
                    segs = [x.decode() for x in f["baseline/segment"][()]]
                    return f["baseline/p_stockout_by_day"][segs.index("us_auto"), j, 729]
            self.assertLessEqual(risk(m.group(1)), 0.05)
            lower = m.group(1).replace(f"NdFeB = {int(days)}", f"NdFeB = {0.9 * days:.6g}")
            self.assertNotEqual(lower, m.group(1))
            self.assertGreater(risk(lower), 0.05)
            # Bad requests: ALPHA outside (0, 1), no stockpile, a segment outside it; exit 2.
            for alpha in ("0", "1", "1.5"):
                r = reerisk("size", BASELINE, "--risk", alpha)
                self.assertEqual(r.returncode, 2)
                self.assertIn("strictly between 0 and 1", r.stderr)
            vault = os.path.join(SRC, "configs", "policies", "no-project-vault.toml")
            r = reerisk("size", vault, "--risk", "0.01")
            self.assertEqual(r.returncode, 2)
            self.assertIn("has no [stockpile]", r.stderr)
            r = reerisk("size", BASELINE, "--risk", "0.01", "--segments", "eu_auto")
            self.assertEqual(r.returncode, 2)
            self.assertIn("not a stockpile participant", r.stderr)
            # A target no size reaches: releases capped far below demand. Exit 3, best risk.
            r = reerisk("size", BASELINE, "--risk", "0.01", "--segments", "us_auto", "--paths", "500",
                        "--set", "stockpile.max_release_t_per_day.NdFeB=0.5", "-q")
            self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
            self.assertIn("NdFeB: no stockpile meets the target", r.stdout)
            self.assertIn("leaves a risk of", r.stdout)



class CpuIsaTest(unittest.TestCase):
    """REERISK_CPU_ISA forces a copy of the model; runs, files and `reerisk info` name it."""

    def test_a_forced_copy_is_named_gives_the_same_tally_and_an_unknown_one_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            outs = {}
            for isa in ("", "baseline"):
                out = os.path.join(d, f"{isa or 'best'}.h5")
                r = subprocess.run([BIN, "run", BASELINE, "--paths", "300", "--backend", "cpu",
                                    "-q", "-o", out], capture_output=True, text=True, timeout=600,
                                   env=dict(os.environ, REERISK_CPU_ISA=isa))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertRegex(r.stdout, r"backend cpu \(CPU \(\d+ threads, x86-64(-v[34])?\)\)")
                if isa:
                    self.assertIn("threads, x86-64))", r.stdout)
                outs[isa] = out
            with h5py.File(outs[""]) as a, h5py.File(outs["baseline"]) as b:
                np.testing.assert_array_equal(a["tally"][()], b["tally"][()])
                self.assertIn("x86-64)", b.attrs["device"])
            info = reerisk("info", outs["baseline"])
            self.assertIn("x86-64)", info.stdout)
            r = subprocess.run([BIN, "run", BASELINE, "--paths", "10", "-q"], capture_output=True,
                               text=True, timeout=600, env=dict(os.environ, REERISK_CPU_ISA="avx9000"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("REERISK_CPU_ISA=avx9000: unknown copy of the model; allowed: v4", r.stderr)
