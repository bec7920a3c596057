#!/usr/bin/env python3
"""Fits scenario parameters to the observed record by approximate Bayesian computation.

    tools/calibrate.sh configs/hindcast-2025.toml --observed tests/data/observed-2025.csv \\
        --param regime.april_controls.approval=0.2:1 --param ... -o configs/calibrated-2025.toml

1. A Latin hypercube of --points parameter sets over the --param ranges (SciPy qmc, seeded).
   `--param K1,K2=LO:HI` gives several keys one shared value.
2. One engine run of all of them as a `mode = "list"` sweep: every point on the same paths
   (common random numbers), so points differ by their parameters, not by their noise.
3. Each point's distance to the calibration-window targets: the root mean square of
   z = (model centre - observed) / sqrt(data half-width^2 + model path spread^2) (targets.py).
4. ABC rejection: the --accept share of points nearest the data is the posterior sample. The
   report gives each parameter's posterior median, 5-95% range and the prior range, and the
   calibrated point: the accepted point nearest the data (the marginal medians of a wide
   posterior need not fit together); then the fit per target (calibration and holdout) of the
   engine run at the calibrated point.
5. The calibrated point is written as a scenario fragment that extends SCENARIO, with its
   provenance (targets, design, run, posterior), so `extends` chains can use it.

Bad input (an observed file with a missing column, an unknown quantity or a period outside
the scenario; a parameter range whose ends give an invalid scenario) is refused before any
simulation, with file:line or the --param text, and exit status 2.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import os
import re
import subprocess
import sys
import tempfile
import tomllib

import numpy as np
import xarray as xr
from scipy.stats import qmc

import compare
import observed as obs
import targets as tg


class InputError(Exception):
    exit_code = 2


@dataclasses.dataclass
class Param:
    keys: list
    lo: float
    hi: float
    text: str

    @property
    def name(self) -> str:
        return ",".join(self.keys)


def parse_param(text: str) -> Param:
    keys, sep, bounds = text.partition("=")
    lo, sep2, hi = bounds.partition(":")
    try:
        lo_f, hi_f = float(lo), float(hi)
    except ValueError:
        lo_f = hi_f = math.nan
    if not sep or not sep2 or not keys or math.isnan(lo_f) or math.isnan(hi_f) or not lo_f < hi_f:
        raise InputError(f"--param {text}: allowed: KEY=LO:HI (or K1,K2=LO:HI) with numbers LO < HI")
    return Param([k.strip() for k in keys.split(",")], lo_f, hi_f, text)


def engine(args, *argv):
    return subprocess.run([args.engine, *argv], capture_output=True, text=True, check=False)


def merged_config(args, sets=()):
    cmd = ["run", args.scenario, "--print-config"]
    for s in sets:
        cmd += ["--set", s]
    r = engine(args, *cmd)
    if r.returncode != 0:
        raise InputError(r.stderr.strip())
    return tomllib.loads(r.stdout)


def check_ranges(args, params):
    """Both ends of every range must give a valid scenario (the engine's own validation)."""
    problems = []
    for p in params:
        for end in (p.lo, p.hi):
            sets = []
            for k in p.keys:
                sets += ["--set", f"{k}={end!r}"]
            r = engine(args, "validate", args.scenario, *sets)
            if r.returncode != 0:
                why = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"
                problems.append(f"--param {p.text}: the value {end!r} gives an invalid scenario: {why}")
    if problems:
        raise InputError("\n".join(problems))


def design(params, n, seed):
    unit = qmc.LatinHypercube(d=len(params), seed=seed).random(n)
    lo = np.array([p.lo for p in params])
    hi = np.array([p.hi for p in params])
    return qmc.scale(unit, lo, hi)


def fmt_value(v) -> str:
    """A TOML value (hand-made: tomllib reads TOML but does not write it)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {fmt_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    raise TypeError(type(v))


def run_sweep(args, params, points, workdir):
    """One engine run of every design point (a list sweep extending SCENARIO)."""
    sweep = os.path.join(workdir, "design.toml")
    lines = [f"extends = {fmt_value(os.path.abspath(args.scenario))}", "", "[sweep]",
             'mode = "list"']
    for j, p in enumerate(params):
        for k in p.keys:
            lines += ["[[sweep.param]]", f"key = {fmt_value(k)}",
                      "values = [" + ", ".join(repr(float(x)) for x in points[:, j]) + "]"]
    with open(sweep, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = os.path.join(workdir, "design.h5")
    r = engine(args, "run", sweep, "--paths", str(args.paths), "--seed", str(args.seed),
               "-o", out, "--force")
    if r.returncode != 0:
        message = r.stderr.strip()
        # A point whose lead times overflow the batches in transit: name its parameters, so
        # that the range can be narrowed.
        m = re.search(r"sweep point (\d+) of", message)
        if m and int(m.group(1)) < len(points):
            k = int(m.group(1))
            values = ", ".join(f"{', '.join(p.keys)} = {points[k, j]:.6g}" for j, p in enumerate(params))
            message += (f"\ndesign point {k}: {values}; narrow the --param ranges that lengthen "
                        "lead times (licence days, lots, shipping)")
        raise InputError(message)
    return out


def point_results(path, group, n_points):
    with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
        ds.load()
    return [ds.isel(point=i) for i in range(n_points)]


def distance(predictions):
    z = [p.z for p in predictions]
    return math.sqrt(sum(x * x for x in z) / len(z))


def set_key(config, key, value):
    """Sets a dotted key (the --set syntax: array entries by name or index) in a config."""
    parts = key.split(".")
    node = config
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            node = next((e for e in node if e.get("name") == part), None) if not part.isdigit() else node[int(part)]
        else:
            node = node[part]
        if node is None:
            raise InputError(f"{key}: no entry named {part}")
    node[parts[-1]] = value


def fragment(args, params, values, report_lines, config):
    """The calibrated values as TOML that extends SCENARIO: whole entries of the sections the
    keys touch (a distribution or a per-material table replaces its parent's value whole, so
    it is written complete), with the provenance as comments."""
    updated = {}
    for p, v in zip(params, values):
        for k in p.keys:
            set_key(config, k, float(v))
            section, name = k.split(".")[0], k.split(".")[1]
            field = k.split(".")[2]
            updated.setdefault((section, name), set()).add(field)
    here = os.path.dirname(os.path.abspath(args.output))
    parent = os.path.relpath(os.path.abspath(args.scenario), here)
    out = ["# Calibrated values, written by tools/calibrate.sh; do not edit by hand, re-run it:",
           "#   " + " ".join(sys.argv[1:]) if args.command_line is None else "#   " + args.command_line,
           f"# targets: the calibration-window rows of {args.observed_name} "
           f"(docs/sources.md §O); holdout rows are not used",
           f"# design: {args.points} Latin-hypercube points (seed {args.seed}), {args.paths} paths each,",
           "#   common random numbers; ABC rejection keeping the "
           f"{args.accept:.0%} nearest (RMS standardised distance)",
           "# per parameter: the calibrated value (the accepted point nearest the data), the",
           "#   posterior median and 5-95% range of the accepted points, the prior range:"]
    out += ["#   " + line for line in report_lines]
    out += ["", f"extends = {fmt_value(parent)}", ""]
    for (section, name), fields in updated.items():
        entries = config[section]
        entry = next(e for e in entries if e.get("name") == name)
        out.append(f"[[{section}]]")
        out.append(f"name = {fmt_value(name)}")
        for field in sorted(fields):
            out.append(f"{field} = {fmt_value(entry[field])}")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--observed", required=True)
    ap.add_argument("--param", action="append", required=True, metavar="KEY=LO:HI")
    ap.add_argument("--points", type=int, default=256)
    ap.add_argument("--paths", type=int, default=4000)
    ap.add_argument("--accept", type=float, default=0.1, help="share of points accepted")
    ap.add_argument("--seed", type=int, default=20250404)
    ap.add_argument("-o", "--output", required=True, help="the scenario fragment to write")
    ap.add_argument("--engine", default=os.environ.get("REERISK_BINARY", "build/host/reerisk"))
    ap.add_argument("--command-line", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.observed_name = os.path.relpath(args.observed)
    try:
        if not 0 < args.accept <= 1 or args.points < 2 or args.paths < 1:
            raise InputError("--accept must lie in (0, 1], --points >= 2, --paths >= 1")
        params = [parse_param(p) for p in args.param]
        rows = obs.load_observed(args.observed, tg.KNOWN)
        config = merged_config(args)
        info = tg.ScenarioInfo.from_config(config)
        tg.check_against_scenario(rows, info)
        check_ranges(args, params)
    except (obs.ObservedError, InputError) as e:
        print(f"calibrate: {e}", file=sys.stderr)
        return 2
    calib = [t for t in tg.compared(rows) if t.window == "calibration"]
    points = design(params, args.points, args.seed)
    with tempfile.TemporaryDirectory() as work:
        try:
            result = run_sweep(args, params, points, work)
        except InputError as e:
            print(f"calibrate: {e}", file=sys.stderr)
            return 2
        _, group = compare.scenario_info_of(result)
        results = point_results(result, group, args.points)
    dist = np.array([distance([tg.predict(t, ds, info) for t in calib]) for ds in results])
    keep = max(1, int(round(args.accept * args.points)))
    accepted = np.argsort(dist)[:keep]
    post = points[accepted]
    medians = np.median(post, axis=0)
    best = points[accepted[0]]
    lines = []
    for j, p in enumerate(params):
        lo5, hi95 = np.percentile(post[:, j], [5, 95])
        lines.append(f"{p.name}: calibrated {best[j]:.4g}; posterior median {medians[j]:.4g} "
                     f"[{lo5:.4g}, {hi95:.4g}] (prior {p.lo:g} to {p.hi:g})")
    print(f"calibrate: {args.points} points x {args.paths} paths; distance best {dist.min():.3g}, "
          f"accepted {keep} with distance <= {dist[accepted].max():.3g}")
    print("\n".join(lines))
    # The fit at the calibrated point, every compared target (holdout too).
    with tempfile.TemporaryDirectory() as work:
        sets = [f"{k}={float(m)!r}" for p, m in zip(params, best) for k in p.keys]
        cmd = ["run", args.scenario, "--paths", str(args.paths), "--seed", str(args.seed),
               "-o", os.path.join(work, "fit.h5"), "--force"]
        for s in sets:
            cmd += ["--set", s]
        r = engine(args, *cmd)
        if r.returncode != 0:
            print(f"calibrate: the calibrated point does not run: {r.stderr.strip()}", file=sys.stderr)
            return 1
        _, fit_group = compare.scenario_info_of(os.path.join(work, "fit.h5"))
        with xr.open_dataset(os.path.join(work, "fit.h5"), engine="h5netcdf", group=fit_group) as ds:
            fit = compare.evaluate(ds, rows, info)
    print(compare.format_table(fit))
    print(f"distance at the calibrated point (calibration targets): "
          f"{distance([p for p in fit if p.target.window == 'calibration']):.3g}")
    text = fragment(args, params, best, lines, merged_config(args))
    with open(args.output + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.output + ".tmp", args.output)
    r = engine(args, "validate", args.output)
    if r.returncode != 0:
        print(f"calibrate: the fragment does not validate: {r.stderr.strip()}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
