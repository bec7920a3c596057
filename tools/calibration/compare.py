#!/usr/bin/env python3
"""Compares a reerisk result with the observed record, target by target.

    tools/compare_observed.sh out/hindcast.h5 --observed tests/data/observed-2025.csv

For every modelled target outside the reference window it prints the observed value (and its
half-width), the model's centre, path spread and 95% predictive interval, and whether the
observation falls inside (targets.py explains the rule); known quantities the model does not
produce are listed with the reason. Exit status: 0, or 2 for bad input.
"""
from __future__ import annotations

import argparse
import sys

import h5py
import xarray as xr

import observed as obs
import targets as tg


def scenario_info_of(result_path: str):
    """ScenarioInfo of a result file's (first) scenario, from its self-contained text."""
    import tomllib
    with h5py.File(result_path, "r") as f:
        text = f["scenario_text"][()]
        text = tg.text_of(text)
        group = tg.text_of(f.attrs["scenarios"])
    return tg.ScenarioInfo.from_config(tomllib.loads(text)), group


def evaluate(ds: xr.Dataset, rows, info) -> list:
    return [tg.predict(t, ds, info) for t in tg.compared(rows)]


def format_table(predictions) -> str:
    lines = [f"{'target':<52} {'window':<11} {'observed':>14} {'model':>9} {'spread':>8} "
             f"{'95% interval':>21}  ok"]
    for p in predictions:
        lines.append(f"{p.target.label:<52} {p.target.window:<11} "
                     f"{p.observed:>8.4g} ±{p.uncertainty:<5.3g} {p.centre:>9.4g} {p.spread:>8.3g} "
                     f"[{p.lo:>8.4g}, {p.hi:>9.4g}]  {'yes' if p.passed else 'NO'}"
                     + (f"  ({p.note})" if p.note else ""))
    return "\n".join(lines)


def not_modelled(rows) -> str:
    seen = sorted({t.quantity for t in rows if t.quantity in tg.NOT_MODELLED})
    return "\n".join(f"not compared: {q}: {tg.NOT_MODELLED[q]}" for q in seen)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", help="a reerisk result file (HDF5)")
    ap.add_argument("--observed", required=True, help="observed targets (CSV)")
    ap.add_argument("--point", type=int, default=0, help="sweep point to compare (default 0)")
    args = ap.parse_args(argv)
    try:
        rows = obs.load_observed(args.observed, tg.KNOWN)
        info, group = scenario_info_of(args.result)
        tg.check_against_scenario(rows, info)
    except obs.ObservedError as e:
        print(f"compare: {e}", file=sys.stderr)
        return e.exit_code
    with xr.open_dataset(args.result, engine="h5netcdf", group=group) as ds:
        if "point" in ds.dims:
            ds = ds.isel(point=args.point)
        print(format_table(evaluate(ds, rows, info)))
    print(not_modelled(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
