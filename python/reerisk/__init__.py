"""reerisk from Python: run scenarios in-process and get xarray back.

    import reerisk
    ds = reerisk.run("configs/baseline.toml", paths=20_000, seed=1)
    ds.p_stockout_by_day.sel(segment="us_auto", material="NdFeB").swap_dims(day="time")
    reerisk.validate({"extends": "configs/baseline.toml", "stockpile": {"cover_days": 90}})
    c = reerisk.compare("configs/baseline.toml", "configs/policies/no-project-vault.toml")
    s = reerisk.size("configs/baseline.toml", risk=0.05, within=730)
    res = reerisk.open_result("out/baseline.h5")   # a file `reerisk run -o` wrote

run, validate, compare and size call the engine's own commands (the compiled module
reerisk._core, built by tools/build.sh into build/python); open_result and the report need only
h5py, xarray and pandas.
"""
from .results import Result, open_result
from ._api import ScenarioError, compare, run, size, validate, version

__all__ = ["run", "validate", "compare", "size", "open_result", "Result", "ScenarioError",
           "version"]
