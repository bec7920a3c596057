#!/usr/bin/env python3
"""Writes PNG plots of a reerisk result:

    reerisk report out/baseline.h5 -o out/report      # or: python -m reerisk.report ...

Plots:
- stockout_cdf.png: P(first stockout by day t) per segment, one panel per material, with the
  95% band;
- in_stockout.png: the share of paths in stockout on each day;
- stockout_days.png: the distribution of total stockout days per path (survival curves);
- line_stop_cdf.png: P(first line stop by day t), days meeting less than the segment's
  line_stop_fill of demand, with its 95% band, beside the any-shortfall stockout CDF (dashed);
- fill_rate.png: the mean fill rate (delivered / demanded) of each month per segment, with the
  horizon's P5 and mean in the legend;
- survive_recover.png: time to survive (days from a disruption's start to the first line stop)
  and time to recover (line-stop spell lengths, Kaplan-Meier over spells the horizon cuts off);
- costs.png (scenarios with prices): P(cost per path > x) for procurement and shortfall costs
  per segment, with the mean and CVaR95 in the legend;
- regime_occupancy.png: the share of paths in each regime at each month start;
- price_fan.png: price-multiplier quantiles (P50/P90/P95/P99) per month and material.

For a sweep result the plots above show the first grid point, and:
- sweep_heatmap.png (2-D grids): P(first stockout within --day days) over the two swept keys,
  one panel per segment and material, with the 5% contour;
- sweep_lines.png (1-D grids): the same probability against the swept key, with its 95% band;
- sensitivity_tornado.png (sobol/lhs designs): first-order and total Sobol indices of
  P(stockout by the horizon) per parameter, one panel per segment and material, sorted by the
  total index, with 95% bootstrap intervals.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .results import open_result  # noqa: E402


def _dates(ds, dim="day"):
    # Format 2 carries CF time coordinates that xarray decodes; format 1 has ISO strings only.
    name = "time" if dim == "day" else "month_time"
    if name in ds.coords and ds[name].dtype.kind == "M":
        return pd.DatetimeIndex(ds[name].values)
    name = "date" if dim == "day" else "month_date"
    return pd.to_datetime([str(x) for x in ds[name].values])


def _panels(n):
    fig, axes = plt.subplots(1, n, figsize=(5.2 * n, 4.2), sharey=True, squeeze=False)
    return fig, axes[0]


def _segments(ds, mat):
    """The segments that use material mat (all of them in files without demand_mean)."""
    if "demand_mean" not in ds:
        return list(ds.segment.values)
    return [seg for seg in ds.segment.values if float(ds.demand_mean.sel(segment=seg, material=mat)) > 0]


def _per_material(ds, draw, ylabel, heading, out, legend_loc, dim="day", ylim=(0, 1),
                  fontsize=8):
    """One panel per material, draw(ax, dates, segment, material) for each segment using it."""
    mats = list(ds.material.values)
    fig, axes = _panels(len(mats))
    dates = _dates(ds, dim)
    for ax, mat in zip(axes, mats):
        for seg in _segments(ds, mat):
            draw(ax, dates, seg, mat)
        ax.set_title(mat)
        ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", rotation=30)
        ax.legend(loc=legend_loc, fontsize=fontsize)  # each material has its own segments
    axes[0].set_ylabel(ylabel)
    fig.suptitle(heading)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def _band(ax, dates, ds, var, sel, **line):
    """var and its 95% band (var_lo, var_hi) at sel; returns the line."""
    drawn, = ax.plot(dates, ds[var].sel(sel).values, **line)
    ax.fill_between(dates, ds[var + "_lo"].sel(sel).values, ds[var + "_hi"].sel(sel).values,
                    color=drawn.get_color(), alpha=0.25, linewidth=0)
    return drawn


def _plot_band(ds, var, ylabel, legend_loc, heading, out):
    """One panel per material: var(segment, material, day) per segment with its 95% band."""
    def draw(ax, dates, seg, mat):
        _band(ax, dates, ds, var, dict(segment=seg, material=mat), label=seg)
    _per_material(ds, draw, ylabel, heading, out, legend_loc)


def plot_stockout_cdf(ds, title, out):
    _plot_band(ds, "p_stockout_by_day", "P(first stockout by date)", "lower right",
               f"{title}: stockout probability with 95% interval", out)


def plot_in_stockout(ds, title, out):
    _plot_band(ds, "p_in_stockout", "share of paths in stockout", "upper left",
               f"{title}: share of paths short on each day", out)


def plot_stockout_days(ds, title, out):
    mats = list(ds.material.values)
    fig, axes = _panels(len(mats))
    days = ds.stockout_days.values
    for ax, mat in zip(axes, mats):
        for seg in _segments(ds, mat):
            counts = ds.stockout_days_count.sel(segment=seg, material=mat).values.astype(float)
            survival = 1.0 - np.cumsum(counts) / counts.sum()  # P(stockout days > d)
            ax.step(days, survival, where="post", label=seg)
        ax.set_title(mat)
        ax.set_xlabel("total stockout days d")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("P(more than d stockout days)")
    for ax in axes:
        ax.legend(loc="upper right", fontsize=8)
    fig.suptitle(f"{title}: stockout days per path")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_line_stop_cdf(ds, title, out):
    def draw(ax, dates, seg, mat):
        sel = dict(segment=seg, material=mat)
        fill = float(ds.line_stop_fill.sel(sel))
        line = _band(ax, dates, ds, "p_line_stop_by_day", sel,
                     label=f"{seg}: line stop (< {fill:.0%} met)")
        ax.plot(dates, ds.p_stockout_by_day.sel(sel).values, color=line.get_color(),
                linestyle="--", linewidth=1, label=f"{seg}: any shortfall")
    _per_material(ds, draw, "P(first event by date)",
                  f"{title}: line stops (solid, 95% band) and stockouts (dashed)", out,
                  "upper left", fontsize=7)


def plot_fill_rate(ds, title, out):
    def draw(ax, dates, seg, mat):
        sel = dict(segment=seg, material=mat)
        p5 = float(ds.fill_rate_quantile.sel(sel).sel(fill_quantile=0.05))
        mean = float(ds.fill_rate_mean.sel(sel))
        ax.step(dates, ds.fill_rate_month_mean.sel(sel).values, where="post",
                label=f"{seg} (horizon: mean {mean:.0%}, P5 {p5:.0%})")
    _per_material(ds, draw, "mean fill rate of the month (delivered / demanded)",
                  f"{title}: monthly fill rates", out, "lower left", dim="month", ylim=(0, 1.02),
                  fontsize=7)


def plot_costs(ds, title, out):
    """Exceedance curves of the per-path costs (log-spaced bins, read at their upper edges)."""
    fig, axes = _panels(2)
    upper = ds.usd_bin_upper.values
    for ax, kind, label in zip(axes, ("procurement_cost", "shortfall_cost"),
                               ("procurement (receipts x multiplier x price)", "shortfall")):
        for seg in ds.segment.values:
            # An importance-sampled run's weighted counts describe the scenario's law.
            name = kind + "_count_weighted" if kind + "_count_weighted" in ds else kind + "_count"
            counts = ds[name].sel(segment=seg).values.astype(float)
            if counts.sum() == 0 or counts[1:].sum() == 0:
                continue  # no cost at all (no price or no shortfall cost for this segment)
            exceed = 1.0 - np.cumsum(counts) / counts.sum()
            mean = float(ds[kind + "_mean"].sel(segment=seg))
            cvar = float(ds[kind + "_cvar95"].sel(segment=seg))
            ax.step(upper[1:], exceed[1:], where="post",
                    label=f"{seg} (mean {mean:.3g}, CVaR95 {cvar:.3g})")
        if not ax.lines:  # e.g. no segment sets shortfall_cost_usd_per_t
            ax.text(0.5, 0.5, "no segment has this cost in this scenario", ha="center",
                    va="center", transform=ax.transAxes)
        else:
            ax.set_xscale("log")
            ax.legend(loc="lower left", fontsize=7)
        ax.set_xlabel("US dollars per path over the horizon")
        ax.set_title(label)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("P(cost > x)")
    fig.suptitle(f"{title}: costs per path")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_survive_recover(ds, title, out):
    """Per material: P(time to survive > d) over the paths with a line stop (top), and the
    Kaplan-Meier P(a line-stop spell lasts more than d days) over ended and censored spells
    (bottom)."""
    mats = list(ds.material.values)
    fig, axes = plt.subplots(2, len(mats), figsize=(5.2 * len(mats), 7.6), sharey=True,
                             squeeze=False)
    for col, mat in enumerate(mats):
        top, bottom = axes[0][col], axes[1][col]
        longest = 1
        for seg in _segments(ds, mat):
            sel = dict(segment=seg, material=mat)
            survive = ds.time_to_survive_count.sel(sel).values.astype(float)
            if survive.sum() > 0:
                top.step(ds.survive_days.values, 1.0 - np.cumsum(survive) / survive.sum(),
                         where="post", label=f"{seg} ({int(survive.sum()):,} paths)")
            ended = ds.time_to_recover_count.sel(sel).values.astype(float)
            censored = ds.time_to_recover_censored_count.sel(sel).values.astype(float)
            at_risk = np.cumsum((ended + censored)[::-1])[::-1]
            if at_risk[0] == 0:
                continue
            hazard = np.divide(ended, at_risk, out=np.zeros_like(ended), where=at_risk > 0)
            km = np.cumprod(1.0 - hazard)
            seen = int(np.nonzero(at_risk)[0][-1])
            longest = max(longest, seen)
            bottom.step(ds.spell_days.values[:seen + 1], km[:seen + 1], where="post",
                        label=f"{seg} ({int(ended.sum()):,} ended, {int(censored.sum()):,} cut off)")
        top.set_title(mat)
        top.set_xlabel("days from the disruption's start to the first line stop")
        bottom.set_xlabel("line-stop spell length, days")
        bottom.set_xlim(0, min(longest, ds.sizes["day"]))
        for ax in (top, bottom):
            ax.set_ylim(0, 1)
            ax.grid(alpha=0.3)
            ax.legend(loc="upper right", fontsize=7)
    axes[0][0].set_ylabel("P(time to survive > d | a line stop)")
    axes[1][0].set_ylabel("P(spell lasts > d days), Kaplan-Meier")
    fig.suptitle(f"{title}: time to survive (top) and to recover (bottom)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_regimes(ds, title, out):
    fig, ax = plt.subplots(figsize=(8, 4.2))
    dates = _dates(ds, "month")
    occ = ds.regime_occupancy.values  # month x regime
    ax.stackplot(dates, occ.T, labels=list(ds.regime.values), alpha=0.85, step="post")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of paths")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(f"{title}: export-control regime at each month start")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_price_fan(ds, title, out):
    mats = list(ds.material.values)
    fig, axes = _panels(len(mats))
    dates = _dates(ds, "month")
    for ax, mat in zip(axes, mats):
        q = ds.price_multiplier_quantile.sel(material=mat)
        p50, p90, p95, p99 = (q.sel(quantile=x).values for x in (0.5, 0.9, 0.95, 0.99))
        ax.fill_between(dates, p50, p99, step="post", alpha=0.15, color="C3", label="P50-P99")
        ax.fill_between(dates, p50, p95, step="post", alpha=0.25, color="C3", label="P50-P95")
        ax.fill_between(dates, p50, p90, step="post", alpha=0.35, color="C3", label="P50-P90")
        ax.step(dates, p50, where="post", color="C3", label="median")
        ax.axhline(3.5, color="k", linestyle=":", linewidth=1, label="2025 Europe/China ~3.5x")
        ax.set_title(mat)
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", rotation=30)
    axes[0].set_ylabel("Western price multiplier")
    axes[-1].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"{title}: monthly price multiplier quantiles")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


CELL_DIMS = ("segment", "material", "day")


def sweep_dims(ds):
    return [d for d in ds["p_stockout_by_day"].dims if d not in CELL_DIMS]


def plot_sweep_heatmap(ds, title, out, day):
    x_key, y_key = sweep_dims(ds)
    segs, mats = list(ds.segment.values), list(ds.material.values)
    fig, axes = plt.subplots(len(segs), len(mats), figsize=(4.0 * len(mats) + 1, 3.0 * len(segs) + 0.6),
                             squeeze=False, sharex=True, sharey=True, layout="constrained")
    xs, ys = ds[x_key].values, ds[y_key].values
    for i, seg in enumerate(segs):
        for j, mat in enumerate(mats):
            ax = axes[i][j]
            p = ds.p_stockout_by_day.sel(segment=seg, material=mat, day=day - 1).transpose(y_key, x_key)
            mesh = ax.pcolormesh(xs, ys, p.values, shading="nearest", vmin=0, vmax=1, cmap="magma_r")
            if p.values.min() < 0.05 < p.values.max() and len(xs) > 1 and len(ys) > 1:
                cs = ax.contour(xs, ys, p.values, levels=[0.05], colors="cyan", linewidths=2)
                ax.clabel(cs, fmt={0.05: "5%"}, fontsize=8)
            for (yy, xx), v in np.ndenumerate(p.values):
                ax.text(xs[xx], ys[yy], f"{100 * v:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if v > 0.5 else "black")
            ax.set_title(f"{seg} / {mat}", fontsize=9)
            if i == len(segs) - 1:
                ax.set_xlabel(x_key)
            if j == 0:
                ax.set_ylabel(y_key)
    fig.colorbar(mesh, ax=axes, shrink=0.5, label=f"P(first stockout within {day} days)")
    fig.suptitle(f"{title}: stockout risk over the sweep (numbers in %, cyan: 5%)")
    fig.savefig(out, dpi=100)
    plt.close(fig)


def plot_sweep_lines(ds, title, out, day):
    (x_key,) = sweep_dims(ds)
    mats = list(ds.material.values)
    fig, axes = _panels(len(mats))
    xs = ds[x_key].values
    for ax, mat in zip(axes, mats):
        for seg in ds.segment.values:
            sel = dict(segment=seg, material=mat, day=day - 1)
            line, = ax.plot(xs, ds.p_stockout_by_day.sel(sel).values, marker="o", label=seg)
            ax.fill_between(xs, ds.p_stockout_by_day_lo.sel(sel).values,
                            ds.p_stockout_by_day_hi.sel(sel).values, color=line.get_color(),
                            alpha=0.25, linewidth=0)
        ax.axhline(0.05, color="k", linestyle=":", linewidth=1)
        ax.set_title(mat)
        ax.set_xlabel(x_key)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"P(first stockout within {day} days)")
    axes[-1].legend(fontsize=8)
    fig.suptitle(f"{title}: stockout risk over the sweep")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_tornado(ds, title, out):
    segs, mats = list(ds.segment.values), list(ds.material.values)
    params = [str(p) for p in ds.param.values]
    fig, axes = plt.subplots(len(segs), len(mats), figsize=(4.6 * len(mats), 0.45 * len(params) * len(segs) + 1.5),
                             squeeze=False, sharex=True, layout="constrained")
    for i, seg in enumerate(segs):
        for j, mat in enumerate(mats):
            ax = axes[i][j]
            sel = dict(segment=seg, material=mat)
            st = ds.sobol_total_p_stockout.sel(sel).values
            s1 = ds.sobol_first_p_stockout.sel(sel).values
            order = np.argsort(st)
            y = np.arange(len(params))
            st_err = np.abs(np.vstack([st - ds.sobol_total_lo_p_stockout.sel(sel).values,
                                       ds.sobol_total_hi_p_stockout.sel(sel).values - st]))[:, order]
            ax.barh(y, st[order], xerr=st_err, color="C0", alpha=0.45, label="total", capsize=2)
            ax.barh(y, np.clip(s1[order], 0, None), height=0.45, color="C0", label="first order")
            ax.set_yticks(y, [params[k] for k in order], fontsize=7)
            ax.set_title(f"{seg} / {mat}", fontsize=9)
            ax.set_xlim(0, 1.05)
            ax.grid(axis="x", alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{title}: Sobol indices of P(stockout by the horizon)")
    fig.savefig(out, dpi=100)
    plt.close(fig)


PLOTS = {
    "stockout_cdf.png": plot_stockout_cdf,
    "in_stockout.png": plot_in_stockout,
    "stockout_days.png": plot_stockout_days,
    "line_stop_cdf.png": plot_line_stop_cdf,
    "fill_rate.png": plot_fill_rate,
    "regime_occupancy.png": plot_regimes,
    "price_fan.png": plot_price_fan,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", help="reerisk result file (.h5)")
    ap.add_argument("-o", "--out", default="report", help="output folder for the PNGs")
    ap.add_argument("--day", type=int, default=365,
                    help="sweep plots show P(first stockout within this many days)")
    args = ap.parse_args(argv)
    res = open_result(args.result)
    os.makedirs(args.out, exist_ok=True)
    for scenario in res.scenarios:
        title = f"{scenario} ({res.meta['n_paths']:,} paths, seed {res.meta['seed']})"
        prefix = "" if len(res.scenarios) == 1 else f"{scenario}_"
        with res.dataset(scenario) as ds:
            dims = sweep_dims(ds)
            first = ds.isel({d: 0 for d in dims}) if dims else ds
            label = title + ("" if not dims else " at " + ", ".join(
                f"{d} = {first[d].values}" for d in dims))
            for name, plot in PLOTS.items():
                path = os.path.join(args.out, prefix + name)
                plot(first, label, path)
                print(path)
            if "procurement_cost_count" in first:
                path = os.path.join(args.out, prefix + "costs.png")
                plot_costs(first, label, path)
                print(path)
            if "time_to_survive_count" in first:
                path = os.path.join(args.out, prefix + "survive_recover.png")
                plot_survive_recover(first, label, path)
                print(path)
            day = min(args.day, ds.sizes["day"])
            if "sobol_total_p_stockout" in ds:
                path = os.path.join(args.out, prefix + "sensitivity_tornado.png")
                plot_tornado(ds, title, path)
                print(path)
            elif len(dims) == 2:
                path = os.path.join(args.out, prefix + "sweep_heatmap.png")
                plot_sweep_heatmap(ds, title, path, day)
                print(path)
            elif len(dims) == 1 and dims[0] != "point":
                path = os.path.join(args.out, prefix + "sweep_lines.png")
                plot_sweep_lines(ds, title, path, day)
                print(path)
            if not dims:
                if str(res.meta.get("sampling", "")).startswith("importance"):
                    # docs/model.md §10: every estimate is weighted; only counts are tilted.
                    print("importance-sampled run: every column and plot is a weighted "
                          "estimate of the scenario's law (the paths were drawn from the "
                          "tilted law of [rare_event])")
                    print(res.summary_frame(scenario).to_string(float_format="{:.3g}".format))
                else:
                    print(res.summary_frame(scenario).round(3).to_string())


if __name__ == "__main__":
    main()
