# %% [markdown]
# # reerisk quickstart
#
# Run the baseline in this process, plot when each segment runs out with 95% bands, pick one
# point of a sweep with `.sel`, and compare a policy with the baseline on the same paths.
# A notebook in the percent format: open it in Jupyter (jupytext) or VS Code, or run it as a
# script (`python3 examples/quickstart.py`; CI does). Needs `PYTHONPATH=build/python` after
# `tools/build.sh`. Figures go to `quickstart/` in the current folder.

# %%
import os

import matplotlib

matplotlib.use("Agg")  # a script has no screen; a notebook shows the figures inline anyway
import matplotlib.pyplot as plt

import reerisk

ROOT = os.environ.get("REERISK_SOURCE_DIR",
                      os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = os.path.join(ROOT, "configs")
PATHS = int(os.environ.get("REERISK_QUICKSTART_PATHS", "20000"))
os.makedirs("quickstart", exist_ok=True)
print(reerisk.version())

# %% [markdown]
# ## 1. The baseline: P(first stockout by day t), with its 95% Wilson band
# `time` is a CF time coordinate: xarray decodes it to dates, so `swap_dims` makes the curves
# date-indexed (and `resample` works).

# %%
ds = reerisk.run(os.path.join(CONFIGS, "baseline.toml"), paths=PATHS, seed=1)
print(ds.attrs["report"])
fig, axes = plt.subplots(1, ds.sizes["material"], figsize=(16, 4), sharey=True)
for ax, mat in zip(axes, ds.material.values):
    for seg in ds.segment.values:
        cell = dict(segment=seg, material=mat)
        if float(ds.demand_mean.sel(cell)) == 0:
            continue  # the segment does not use this material
        p = ds.p_stockout_by_day.sel(cell).swap_dims(day="time")
        lo = ds.p_stockout_by_day_lo.sel(cell).swap_dims(day="time")
        hi = ds.p_stockout_by_day_hi.sel(cell).swap_dims(day="time")
        ax.plot(p.time, p, label=seg)
        ax.fill_between(p.time.values, lo, hi, alpha=0.25)
    ax.set_title(mat)
    ax.tick_params(axis="x", rotation=30)
axes[0].set_ylabel("P(first stockout by date)")
axes[-1].legend()
fig.tight_layout()
fig.savefig("quickstart/stockout_cdf.png", dpi=90)

# Month by month, from the daily curve (last value of each month):
monthly = ds.p_stockout_by_day.sel(segment="us_auto", material="NdFeB").swap_dims(day="time")
print(monthly.resample(time="1MS").last().to_series().head(13).round(3))

# %% [markdown]
# ## 2. One point of a sweep, selected by its swept values
# The stockpile sweep's grid (cover days x probability the October 2025 rules return) becomes
# two dimensions of every variable.

# %%
sweep = reerisk.run(os.path.join(CONFIGS, "sweep-stockpile.toml"), paths=max(PATHS // 10, 200),
                    seed=1)
point = sweep.sel({"stockpile.cover_days": 60, "event.october_rules_return.probability": 0.35})
horizon = point.sizes["day"] - 1
print("US auto NdFeB, 60-day vault, P(out within the horizon):",
      float(point.p_stockout_by_day.sel(segment="us_auto", material="NdFeB", day=horizon)))

# %% [markdown]
# ## 3. A policy against the baseline, on the same paths (paired intervals)

# %%
c = reerisk.compare(os.path.join(CONFIGS, "baseline.toml"),
                    os.path.join(CONFIGS, "policies", "no-project-vault.toml"), paths=PATHS, seed=1)
d = c.delta_p_stockout_by_day.sel(segment="us_auto", material="NdFeB")
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(c.time, d, label="no Project Vault - baseline")
ax.fill_between(c.time.values, c.delta_p_stockout_by_day_lo.sel(segment="us_auto", material="NdFeB"),
                c.delta_p_stockout_by_day_hi.sel(segment="us_auto", material="NdFeB"), alpha=0.3,
                label="paired 95% interval")
ax.axhline(0, color="k", lw=0.5)
ax.set_ylabel("change in P(first stockout by date)")
ax.set_title("US auto, NdFeB magnets")
ax.legend()
fig.tight_layout()
fig.savefig("quickstart/policy_delta.png", dpi=90)
print(f"ΔP at the horizon: {float(d[-1]):+.3f} "
      f"[{float(c.delta_p_stockout_by_day_lo.sel(segment='us_auto', material='NdFeB')[-1]):+.3f}, "
      f"{float(c.delta_p_stockout_by_day_hi.sel(segment='us_auto', material='NdFeB')[-1]):+.3f}]")
assert float(d[-1]) > 0, "without the vault US auto should run out more often"
