"""Load reerisk result files (HDF5) into xarray and pandas.

    from reerisk import open_result          # or: from reerisk.results import open_result
    res = open_result("out/baseline.h5")
    res.meta["n_paths"], res.scenarios
    ds = res.dataset()                       # xarray.Dataset of the first scenario
    ds.p_stockout_by_day.sel(segment="us_auto", material="NdFeB", day=364)
    res.summary_frame()                      # pandas table: P(stockout) at 90/180/365/H days
    res.paths_frame()                        # one row per kept path (run --keep-paths N)

Uses Debian's python3-h5py, -xarray, -h5netcdf and -pandas; needs no compiled reerisk code, so
it also works from the source tree (PYTHONPATH=python).
"""
from __future__ import annotations

import dataclasses

import h5py
import pandas as pd
import xarray as xr

FILETYPE = "reerisk-result"
FORMAT_VERSION = 2  # the newest layout this module reads (1 and 2: 2 added CF time coordinates)


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


@dataclasses.dataclass
class Result:
    path: str
    meta: dict
    scenarios: list
    scenario_text: str

    def dataset(self, scenario: str | None = None) -> xr.Dataset:
        """The labelled arrays of one scenario group (default: the first)."""
        return xr.open_dataset(self.path, engine="h5netcdf", group=scenario or self.scenarios[0])

    def paths_frame(self, scenario: str | None = None) -> pd.DataFrame:
        """The per-path sample as one wide table: a row per path, a column per driver or
        outcome (e.g. cover_days.us_auto, first_stockout_day.us_auto.NdFeB)."""
        with self.dataset(scenario) as ds:
            return _paths_frame(ds)

    def summary_frame(self, scenario: str | None = None, days=(90, 180, 365)) -> pd.DataFrame:
        """P(first stockout within N days) with 95% Wilson bounds, per segment and material; with
        line stops (p_stop_{N}d, the same for days meeting less than line_stop_fill of demand)
        and fill rates (fill_mean, fill_p5), median days to survive and to recover (survive_p50,
        recover_p50; NaN where there is none) where the file has them."""
        with self.dataset(scenario) as ds:
            horizon = ds.sizes["day"]
            rows = []
            for seg in ds.segment.values:
                for mat in ds.material.values:
                    row = {"segment": seg, "material": mat}
                    for n in [d for d in days if d <= horizon] + [horizon]:
                        sel = dict(segment=seg, material=mat, day=n - 1)
                        row[f"p_{n}d"] = float(ds.p_stockout_by_day.sel(sel))
                        row[f"p_{n}d_lo"] = float(ds.p_stockout_by_day_lo.sel(sel))
                        row[f"p_{n}d_hi"] = float(ds.p_stockout_by_day_hi.sel(sel))
                    q = ds.stockout_days_quantile.sel(segment=seg, material=mat)
                    row["stockout_days_p50"] = int(q.sel(quantile=0.5))
                    row["stockout_days_p90"] = int(q.sel(quantile=0.9))
                    row["shortfall_mean_t"] = float(ds.shortfall_mean.sel(segment=seg, material=mat))
                    if "p_line_stop_by_day" in ds:
                        cell = dict(segment=seg, material=mat)
                        for n in [d for d in days if d <= horizon] + [horizon]:
                            sel = dict(cell, day=n - 1)
                            row[f"p_stop_{n}d"] = float(ds.p_line_stop_by_day.sel(sel))
                            row[f"p_stop_{n}d_lo"] = float(ds.p_line_stop_by_day_lo.sel(sel))
                            row[f"p_stop_{n}d_hi"] = float(ds.p_line_stop_by_day_hi.sel(sel))
                        row["fill_mean"] = float(ds.fill_rate_mean.sel(cell))
                        row["fill_p5"] = float(ds.fill_rate_quantile.sel(cell).sel(fill_quantile=0.05))
                    if "time_to_survive_quantile" in ds:
                        # -1 (no path with a line stop; a median beyond what censoring lets
                        # Kaplan-Meier see) becomes NaN
                        for name, var in (("survive_p50", ds.time_to_survive_quantile),
                                          ("recover_p50", ds.time_to_recover_quantile)):
                            v = int(var.sel(cell).sel(quantile=0.5))
                            row[name] = float(v) if v >= 0 else float("nan")
                    rows.append(row)
        return pd.DataFrame(rows).set_index(["segment", "material"])


def _paths_frame(ds: xr.Dataset) -> pd.DataFrame:
    if "path" not in ds.dims:
        raise ValueError("no per-path sample in this result (run with --keep-paths N)")
    columns = {}
    for name, var in ds.data_vars.items():
        if not name.startswith("path_") or var.dims[0] != "path":
            continue
        base = name[len("path_"):]
        others = var.dims[1:]
        if not others:
            columns[base] = var.values
            continue
        stacked = var.stack(col=others) if len(others) > 1 else var.rename({others[0]: "col"})
        for i, label in enumerate(stacked["col"].values):
            label = ".".join(str(x) for x in label) if isinstance(label, tuple) else str(label)
            columns[f"{base}.{label}"] = stacked.values[:, i]
    return pd.DataFrame(columns, index=pd.Index(ds["path"].values, name="path"))


def open_result(path: str) -> Result:
    """Opens a reerisk result, refusing other files and newer formats with a clear error."""
    with h5py.File(path, "r") as f:
        if _text(f.attrs.get("filetype", "")) != FILETYPE:
            raise ValueError(f"{path}: not a reerisk result file")
        version = int(f.attrs["format_version"])
        if version > FORMAT_VERSION:
            raise ValueError(f"{path}: result format {version} is newer than this module "
                             f"reads ({FORMAT_VERSION}); update the reerisk package")
        meta = {k: _text(v) for k, v in f.attrs.items()}
        meta = {k: (v.item() if hasattr(v, "item") else v) for k, v in meta.items()}
        scenarios = [s for s in _text(f.attrs["scenarios"]).split(",") if s]
        text = _text(f["scenario_text"][()])
    return Result(path=path, meta=meta, scenarios=scenarios, scenario_text=text)
