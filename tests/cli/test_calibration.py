"""tools/calibrate.sh and tools/compare_observed.sh as a user meets them: bad observed files and
bad parameter ranges are refused before any simulation with file:line (or the --param text)
and exit status 2; a small calibration writes a fragment that extends its scenario, runs, and
holds values inside the given ranges."""
import os
import re
import subprocess
import tempfile
import tomllib
import unittest

SRC = os.environ["REERISK_SOURCE_DIR"]
BIN = os.environ["REERISK_BINARY"]
CALIBRATE = os.path.join(SRC, "tools", "calibrate.sh")
HINDCAST = os.path.join(SRC, "configs", "hindcast-2025.toml")
OBSERVED = os.path.join(SRC, "tests", "data", "observed-2025.csv")
ENV = dict(os.environ, REERISK_BINARY=BIN)


def run(*args):
    return subprocess.run([CALIBRATE, *args], capture_output=True, text=True, env=ENV)


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        with open(OBSERVED) as f:
            self.lines = f.read().splitlines()

    def tearDown(self):
        self.tmp.cleanup()

    def observed_with(self, edit):
        """The shipped observed file after @p edit(lines); returns its path."""
        lines = list(self.lines)
        edit(lines)
        path = os.path.join(self.tmp.name, "observed.csv")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def line_of(self, prefix):
        return next(i for i, l in enumerate(self.lines) if l.startswith(prefix))

    def refused(self, path, *fragments, line=None, params=("regime.framework.approval=0.3:1",)):
        args = [HINDCAST, "--observed", path, "-o", os.path.join(self.tmp.name, "out.toml")]
        for p in params:
            args += ["--param", p]
        r = run(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        if line is not None:
            self.assertIn(f"{os.path.basename(path)}:{line}:", r.stderr)
        for f in fragments:
            self.assertIn(f, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "out.toml")))
        self.assertNotIn("points x", r.stdout)  # nothing was simulated

    def test_missing_column(self):
        header = self.line_of("quantity,")
        path = self.observed_with(lambda ls: ls.__setitem__(header, ls[header].replace(",uncertainty", "")))
        self.refused(path, "missing column(s) uncertainty", line=header + 1)

    def test_unknown_target(self):
        i = self.line_of("magnet_exports_t,NdFeB,all destinations,2025-05")
        path = self.observed_with(lambda ls: ls.__setitem__(i, ls[i].replace("magnet_exports_t,", "magnet_imports_t,", 1)))
        self.refused(path, 'unknown quantity "magnet_imports_t"', "allowed:", line=i + 1)

    def test_date_outside_the_scenario(self):
        i = self.line_of("magnet_exports_t,NdFeB,all destinations,2025-05")
        path = self.observed_with(lambda ls: ls.__setitem__(i, ls[i].replace("2025-05-01,2025-05-31", "2027-05-01,2027-05-31")))
        self.refused(path, "lies outside the scenario", "window = reference", line=i + 1)

    def test_parameter_range_giving_invalid_scenarios(self):
        self.refused(OBSERVED, "--param regime.framework.approval=0.5:1.5",
                     "invalid scenario", params=("regime.framework.approval=0.5:1.5",))
        self.refused(OBSERVED, "LO < HI", params=("regime.framework.approval=0.9:0.1",))

    def test_compare_refuses_the_same_way(self):
        header = self.line_of("quantity,")
        path = self.observed_with(lambda ls: ls.__setitem__(header, ls[header].replace(",window", "")))
        result = os.path.join(self.tmp.name, "h.h5")
        subprocess.run([BIN, "run", HINDCAST, "--paths", "50", "-o", result, "--quiet"], check=True,
                       capture_output=True)
        r = subprocess.run([os.path.join(SRC, "tools", "compare_observed.sh"), result,
                            "--observed", path], capture_output=True, text=True, env=ENV)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"observed.csv:{header + 1}: missing column(s) window", r.stderr)


    def test_a_design_point_that_overflows_the_batches_in_transit_is_named(self):
        # 16 licence lots of each material a month hold more than 128 batches in transit.
        scenario = os.path.join(self.tmp.name, "many-lots.toml")
        with open(scenario, "w") as f:
            f.write(f'extends = "{HINDCAST}"\n')
            for m in ("NdFeB", "Dy", "Tb"):
                f.write(f'\n[[material]]\nname = "{m}"\nlicence_lots = 16\n')
        out = os.path.join(self.tmp.name, "out.toml")
        r = run(scenario, "--observed", OBSERVED, "-o", out, "--points", "4", "--paths", "50",
                "--param", "regime.april_controls.licence_days.median=20:150")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("sweep point 0 of 4", r.stderr)
        self.assertIn("batches in transit", r.stderr)
        self.assertRegex(r.stderr, r"design point 0: regime.april_controls.licence_days.median = [0-9.]+")
        self.assertFalse(os.path.exists(out))


class CalibrationTest(unittest.TestCase):
    def test_a_small_calibration_writes_a_fragment_that_extends_and_runs(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "calibrated.toml")
            r = run(HINDCAST, "--observed", OBSERVED, "-o", out, "--points", "8", "--paths", "200",
                    "--param", "regime.framework.approval=0.3:1",
                    "--param", "regime.framework.throttle.Dy,regime.framework.throttle.Tb=0:1")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("8 points x 200 paths", r.stdout)
            with open(out, "rb") as f:
                frag = tomllib.load(f)
            self.assertTrue(frag["extends"].endswith("hindcast-2025.toml"))
            framework = frag["regime"][0]
            self.assertEqual(framework["name"], "framework")
            self.assertTrue(0.3 <= framework["approval"] <= 1)
            # The shared value is written into the whole per-material table.
            t = framework["throttle"]
            self.assertEqual(t["Dy"], t["Tb"])
            self.assertEqual(t["NdFeB"], 1.0)
            v = subprocess.run([BIN, "validate", out], capture_output=True, text=True)
            self.assertEqual(v.returncode, 0, v.stderr)
            with open(out) as f:
                self.assertTrue(re.search(r"^# targets: the calibration-window rows", f.read(), re.M))


if __name__ == "__main__":
    unittest.main()
