"""Decisions from reerisk runs: policy tables, comparison and sizing plots, scenario discovery.

    python -m reerisk.decisions ... (tools/decisions.sh runs it with the project's Python):
    tools/decisions.sh policies -o out/policies [--paths N]   # every configs/policies/*.toml
                                                              # against the baseline
    tools/decisions.sh plot-compare out/cmp.h5 -o out/plots   # delta_p_by_day.png
    tools/decisions.sh plot-size out/size.h5 -o out/plots     # size_risk_curve.png
    tools/decisions.sh discover out/run.h5 --segment us_auto --material NdFeB -o out/plots

policies: runs `reerisk compare BASELINE POLICY` for each policy on the same paths, writes
policy_table.csv and policy_table.md (P(out within 365 days and the horizon) in each, the
paired difference with its 95% Newcombe interval, the same for line stops) and
policy_delta.png (one panel per segment and material, one bar per policy with its interval).

discover: scenario discovery on a run written with --keep-paths: which drawn drivers (regime
path, approval share, plant delays and cancellations, covers, leakage) put a segment out of a
material within the window. A shallow decision tree (scikit-learn, Debian's python3-sklearn)
fitted to the kept paths gives its leaves as readable rules, each with its coverage (the share
of all stockout paths the rule holds) and density (the share of the rule's paths that run
out), in the terms of PRIM (Friedman & Fisher 1999; the EMA Workbench's scenario discovery),
with 95% Wilson intervals on both; discovery.png draws the rules.
"""
import argparse
import glob
import math
import os
import shutil
import subprocess

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .results import open_result  # noqa: E402

# The repository whose configs/ the defaults name (tools/decisions.sh sets it); else here.
ROOT = os.environ.get("REERISK_SOURCE_DIR", os.getcwd())

Z95 = 1.959963984540054


def wilson(k, n, z=Z95):
    if n == 0:
        return 0.0, 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, max(0.0, c - h), min(1.0, c + h)


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _open(path, filetype):
    f = h5py.File(path, "r")
    got = _text(f.attrs.get("filetype", ""))
    if got != filetype:
        f.close()
        raise SystemExit(f"{path}: not a {filetype} file (filetype {got!r})")
    return f


def _names(f, key):
    return [_text(x) for x in f[key][()]]


def _cells_with_demand(f):
    """(segment, material) pairs where either scenario's P is not identically zero and the
    segment has the material at all (both P curves stay 0 for a segment without demand)."""
    segs, mats = _names(f, "segment"), _names(f, "material")
    pa, pb = f["p_stockout_by_day_a"][()], f["p_stockout_by_day_b"][()]
    la, lb = f["p_line_stop_by_day_a"][()], f["p_line_stop_by_day_b"][()]
    out = []
    for i, s in enumerate(segs):
        for j, m in enumerate(mats):
            if pa[i, j].any() or pb[i, j].any() or la[i, j].any() or lb[i, j].any():
                out.append((i, j, s, m))
    return out


# ---- policies -------------------------------------------------------------------------------

def compare_rows(path, policy):
    rows = []
    with _open(path, "reerisk-compare") as f:
        H = int(f.attrs["horizon_days"])
        for i, j, s, m in _cells_with_demand(f):
            row = {"policy": policy, "segment": s, "material": m}
            for kind, stem in (("out", "stockout"), ("stop", "line_stop")):
                for days in (365, H):
                    t = min(days, H) - 1
                    tag = f"{kind}{days}" if days != H else f"{kind}_h"
                    row[f"P_base_{tag}"] = f[f"p_{stem}_by_day_a"][i, j, t]
                    row[f"P_policy_{tag}"] = f[f"p_{stem}_by_day_b"][i, j, t]
                    row[f"dP_{tag}"] = f[f"delta_p_{stem}_by_day"][i, j, t]
                    row[f"dP_{tag}_lo"] = f[f"delta_p_{stem}_by_day_lo"][i, j, t]
                    row[f"dP_{tag}_hi"] = f[f"delta_p_{stem}_by_day_hi"][i, j, t]
            row["d_shortfall_mean_t"] = f["delta_shortfall_mean_t"][i, j]
            row["d_shortfall_mean_t_lo"] = f["delta_shortfall_mean_t_lo"][i, j]
            row["d_shortfall_mean_t_hi"] = f["delta_shortfall_mean_t_hi"][i, j]
            rows.append(row)
        meta = {"n_paths": int(f.attrs["n_paths"]), "seed": int(f.attrs["seed"]), "H": H}
    return rows, meta


def _pp(d, lo, hi):
    return f"{100 * d:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]"


def write_markdown(table, meta, out):
    H = meta["H"]
    lines = [f"Policies against the baseline, {meta['n_paths']:,} paths each, seed {meta['seed']}, "
             "the same paths for both (common random numbers). dP = P(policy) - P(baseline) in "
             "percentage points with its paired 95% interval (Newcombe 1998, method 10).", "",
             f"| policy | segment | material | P out ≤{H}d base | policy | dP(out ≤365d) | "
             f"dP(out ≤{H}d) | dP(line stop ≤{H}d) | d mean shortfall t |",
             "|---|---|---|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        lines.append(
            f"| {r.policy} | {r.segment} | {r.material} | {100 * r.P_base_out_h:.1f}% | "
            f"{100 * r.P_policy_out_h:.1f}% | {_pp(r.dP_out365, r.dP_out365_lo, r.dP_out365_hi)} | "
            f"{_pp(r.dP_out_h, r.dP_out_h_lo, r.dP_out_h_hi)} | "
            f"{_pp(r.dP_stop_h, r.dP_stop_h_lo, r.dP_stop_h_hi)} | "
            f"{r.d_shortfall_mean_t:+.3g} [{r.d_shortfall_mean_t_lo:+.3g}, {r.d_shortfall_mean_t_hi:+.3g}] |")
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def plot_policy_delta(table, meta, out):
    cells = list(dict.fromkeys(zip(table.segment, table.material)))
    policies = list(dict.fromkeys(table.policy))
    n = len(cells)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 0.45 * len(policies) * rows + 1.6 * rows),
                             squeeze=False)
    for k, (s, m) in enumerate(cells):
        ax = axes[k // cols][k % cols]
        sub = table[(table.segment == s) & (table.material == m)].set_index("policy").reindex(policies)
        y = np.arange(len(policies))
        for off, tag, colour, label in ((-0.18, "out_h", "C3", f"first stockout ≤ {meta['H']} d"),
                                        (0.18, "stop_h", "C0", f"first line stop ≤ {meta['H']} d")):
            d = 100 * sub[f"dP_{tag}"].values
            lo = 100 * sub[f"dP_{tag}_lo"].values
            hi = 100 * sub[f"dP_{tag}_hi"].values
            ax.errorbar(d, y + off, xerr=[d - lo, hi - d], fmt="o", color=colour, capsize=3,
                        label=label, ms=4)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(policies if k % cols == 0 else [""] * len(policies))
        ax.set_title(f"{s} / {m}", fontsize=10)
        ax.set_xlabel("ΔP vs baseline, percentage points")
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
        if k == 0:
            ax.legend(fontsize=7, loc="best")
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(f"Policies against the baseline: paired 95% intervals ({meta['n_paths']:,} paths, "
                 "common random numbers)", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def cmd_policies(args):
    os.makedirs(args.out, exist_ok=True)
    policies = sorted(args.policies or glob.glob(os.path.join(ROOT, "configs", "policies", "*.toml")))
    if not policies:
        raise SystemExit("no policy scenarios given or found in configs/policies/")
    rows, meta = [], None
    for p in policies:
        name = os.path.splitext(os.path.basename(p))[0]
        h5 = os.path.join(args.out, f"{name}.h5")
        cmd = [args.reerisk, "compare", args.baseline, p, "-o", h5, "--force", "-q"]
        if args.paths:
            cmd += ["--paths", str(args.paths)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        print("running", " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"reerisk compare failed for {p} (exit {r.returncode}):\n{r.stderr}")
        got, meta = compare_rows(h5, name)
        rows += got
    table = pd.DataFrame(rows)
    table.to_csv(os.path.join(args.out, "policy_table.csv"), index=False)
    write_markdown(table, meta, os.path.join(args.out, "policy_table.md"))
    plot_policy_delta(table, meta, os.path.join(args.out, "policy_delta.png"))
    for name in ("policy_table.csv", "policy_table.md", "policy_delta.png"):
        print(os.path.join(args.out, name))
    with open(os.path.join(args.out, "policy_table.md")) as fh:
        print(fh.read())


# ---- plots of one comparison or sizing ------------------------------------------------------

def cmd_plot_compare(args):
    os.makedirs(args.out, exist_ok=True)
    with _open(args.file, "reerisk-compare") as f:
        cells = _cells_with_demand(f)
        days = f["day"][()]
        n = len(cells)
        cols = min(3, n)
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False)
        for k, (i, j, s, m) in enumerate(cells):
            ax = axes[k // cols][k % cols]
            for stem, colour, label in (("stockout", "C3", "first stockout"),
                                        ("line_stop", "C0", "first line stop")):
                d = 100 * f[f"delta_p_{stem}_by_day"][i, j]
                lo = 100 * f[f"delta_p_{stem}_by_day_lo"][i, j]
                hi = 100 * f[f"delta_p_{stem}_by_day_hi"][i, j]
                ulo = 100 * f[f"delta_p_{stem}_by_day_unpaired_lo"][i, j]
                uhi = 100 * f[f"delta_p_{stem}_by_day_unpaired_hi"][i, j]
                ax.plot(days, d, color=colour, label=f"ΔP {label}")
                ax.fill_between(days, lo, hi, color=colour, alpha=0.3, lw=0)
                if stem == "stockout":
                    ax.plot(days, ulo, color=colour, ls=":", lw=0.8, label="unpaired 95% (for contrast)")
                    ax.plot(days, uhi, color=colour, ls=":", lw=0.8)
            ax.axhline(0, color="k", lw=0.6)
            ax.set_title(f"{s} / {m}", fontsize=10)
            ax.set_xlabel("day")
            ax.set_ylabel("ΔP by day t, pp")
            if k == 0:
                ax.legend(fontsize=7)
        for k in range(n, rows * cols):
            axes[k // cols][k % cols].axis("off")
        alt = _text(f.attrs['scenario_b']) + " " + " ".join(
            "--set-alt " + o for o in _text(f.attrs['scenario_b_overrides']).split("\n") if o)
        fig.suptitle(f"b = {alt} vs a = {_text(f.attrs['scenario_a'])}: ΔP = P_b - P_a with "
                     f"paired 95% bands ({int(f.attrs['n_paths']):,} paths)", fontsize=11)
    fig.tight_layout()
    out = os.path.join(args.out, "delta_p_by_day.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)


def cmd_plot_size(args):
    os.makedirs(args.out, exist_ok=True)
    with _open(args.file, "reerisk-size") as f:
        mats = _names(f, "material")
        alpha = float(f.attrs["risk_target"])
        within = int(f.attrs["within_days"])
        cover = f["curve_cover_days"][()]
        risk, lo, hi = f["curve_risk"][()], f["curve_risk_lo"][()], f["curve_risk_hi"][()]
        size = f["stockpile_size_days"][()]
        size_lo, size_hi = f["stockpile_size_days_lo"][()], f["stockpile_size_days_hi"][()]
        best = f["best_achievable_risk"][()]
        demand = f["participants_daily_demand_t"][()]
        used = [j for j in range(len(mats)) if not (np.isnan(size[j]) and best[j] == 0)
                and (risk[:, j] > 0).any()]
        used = used or list(range(len(mats)))
        fig, axes = plt.subplots(1, len(used), figsize=(5 * len(used), 3.6), squeeze=False)
        for k, j in enumerate(used):
            ax = axes[0][k]
            order = np.argsort(cover[:, j])
            x = cover[order, j]
            floor = 50.0 / int(f.attrs["n_paths"])  # half a path, in %: where 0 is drawn
            ax.plot(x, np.maximum(100 * risk[order, j], floor), "o-", color="C3", ms=3,
                    label="worst named segment (0 drawn at half a path)")
            ax.fill_between(x, np.maximum(100 * lo[order, j], floor), np.maximum(100 * hi[order, j], floor),
                            color="C3", alpha=0.25, lw=0)
            ax.axhline(100 * alpha, color="k", ls="--", lw=0.8, label=f"target {100 * alpha:g}%")
            if not np.isnan(size[j]):
                ax.axvline(size[j], color="C2", lw=1,
                           label=f"{size[j]:.0f} d = {size[j] * demand[j]:.4g} t "
                                 f"[{size_lo[j]:.0f}, {size_hi[j]:.0f}] d")
                ax.axvspan(size_lo[j], size_hi[j], color="C2", alpha=0.15)
            else:
                ax.text(0.5, 0.5, f"out of reach:\nbest {100 * best[j]:.2f}%", transform=ax.transAxes,
                        ha="center")
            ax.set_yscale("log")
            ax.set_xlabel("stockpile cover, days of the participants' demand")
            ax.set_ylabel(f"P(first stockout ≤ {within} d), %")
            ax.set_title(mats[j], fontsize=10)
            ax.legend(fontsize=7)
        fig.suptitle(f"{_text(f.attrs['scenario_source'])}: risk against stockpile size on the same "
                     f"{int(f.attrs['n_paths']):,} paths", fontsize=11)
    fig.tight_layout()
    out = os.path.join(args.out, "size_risk_curve.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)


# ---- scenario discovery ---------------------------------------------------------------------

def discovery_rules(X, y, max_depth=3, min_leaf=0.02):
    """Leaves of a shallow tree on (X, y) as rules: list of dicts with the conditions, the
    paths in the leaf and the stockout paths among them."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(1, int(min_leaf * len(y))),
                                  random_state=0)
    tree.fit(X.values, y)
    t = tree.tree_
    rules = []

    def walk(node, conds):
        if t.children_left[node] < 0:
            mask = np.ones(len(y), bool)
            for col, op, thr in conds:
                v = X.iloc[:, col].values
                mask &= (v <= thr) if op == "<=" else (v > thr)
            rules.append({"conditions": conds, "paths": int(mask.sum()), "out": int(y[mask].sum())})
            return
        col, thr = t.feature[node], t.threshold[node]
        walk(t.children_left[node], conds + [(col, "<=", thr)])
        walk(t.children_right[node], conds + [(col, ">", thr)])

    walk(0, [])
    return rules


def _simplify(conds, names):
    """Merges repeated bounds on one column into one readable condition."""
    bounds = {}
    for col, op, thr in conds:
        lo, hi = bounds.get(col, (-math.inf, math.inf))
        bounds[col] = (lo, min(hi, thr)) if op == "<=" else (max(lo, thr), hi)
    parts = []
    for col, (lo, hi) in bounds.items():
        name = names[col]
        if lo > -math.inf and hi < math.inf:
            parts.append(f"{lo:.3g} < {name} <= {hi:.3g}")
        elif hi < math.inf:
            parts.append(f"{name} <= {hi:.3g}")
        else:
            parts.append(f"{name} > {lo:.3g}")
    return " and ".join(parts) if parts else "all paths"


def cmd_discover(args):
    os.makedirs(args.out, exist_ok=True)
    res = open_result(args.file)
    frame = res.paths_frame()
    col = f"first_stockout_day.{args.segment}.{args.material}"
    if col not in frame:
        raise SystemExit(f"{args.file}: no kept paths for segment {args.segment!r} and material "
                         f"{args.material!r}")
    with res.dataset() as ds:
        horizon = int(ds.attrs["horizon_days"])
    within = args.within or horizon
    y = (frame[col].values < within).astype(int)
    # The drivers: every drawn column, none of the outcomes.
    outcomes = ("first_stockout_day", "stockout_days", "shortfall", "smuggled", "seized")
    X = frame[[c for c in frame.columns if not c.startswith(outcomes)]].astype(float)
    X = X.loc[:, X.std() > 0]
    rules = discovery_rules(X, y, max_depth=args.depth)
    total_out, n = int(y.sum()), len(y)
    rows = []
    for r in rules:
        density = wilson(r["out"], r["paths"])
        coverage = wilson(r["out"], total_out) if total_out else (0.0, 0.0, 0.0)
        rows.append({"rule": _simplify(r["conditions"], list(X.columns)), "paths": r["paths"],
                     "out": r["out"], "density": density[0], "density_lo": density[1],
                     "density_hi": density[2], "coverage": coverage[0], "coverage_lo": coverage[1],
                     "coverage_hi": coverage[2]})
    table = pd.DataFrame(rows).sort_values("density", ascending=False)
    stem = f"discovery_{args.segment}_{args.material}"
    table.to_csv(os.path.join(args.out, stem + ".csv"), index=False)
    base = wilson(total_out, n)
    print(f"{args.segment} / {args.material}: {total_out} of {n} kept paths out within {within} days "
          f"({100 * base[0]:.1f}% [{100 * base[1]:.1f}, {100 * base[2]:.1f}]); "
          f"rules from a depth-{args.depth} tree, density = share of the rule's paths that run out, "
          "coverage = share of all stockout paths the rule holds (95% Wilson intervals)")
    for _, r in table.iterrows():
        print(f"  density {100 * r.density:5.1f}% [{100 * r.density_lo:.1f}, {100 * r.density_hi:.1f}]  "
              f"coverage {100 * r.coverage:5.1f}% [{100 * r.coverage_lo:.1f}, {100 * r.coverage_hi:.1f}]  "
              f"({r.paths} paths): {r.rule}")
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.5))
    yy = np.arange(len(table))
    ax.barh(yy - 0.2, 100 * table.density, 0.4, color="C3", label="density (share of the rule's paths out)",
            xerr=[100 * (table.density - table.density_lo), 100 * (table.density_hi - table.density)])
    ax.barh(yy + 0.2, 100 * table.coverage, 0.4, color="C0", label="coverage (share of all stockouts)",
            xerr=[100 * (table.coverage - table.coverage_lo), 100 * (table.coverage_hi - table.coverage)])
    ax.axvline(100 * base[0], color="k", ls="--", lw=0.8, label=f"all paths {100 * base[0]:.1f}%")
    ax.set_yticks(yy)
    ax.set_yticklabels([f"{r.rule}\n({r.paths} paths)" for _, r in table.iterrows()], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("%")
    ax.set_xlim(0, 100)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(f"Where {args.segment} runs out of {args.material} within {within} days "
                 f"({n:,} kept paths)", fontsize=10)
    fig.tight_layout()
    out = os.path.join(args.out, stem + ".png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    default_bin = os.environ.get("REERISK_BINARY") or shutil.which("reerisk") or os.path.join(
        ROOT, "build", "host", "reerisk")
    p = sub.add_parser("policies", help="every policy against the baseline: table and chart")
    p.add_argument("policies", nargs="*", help="policy scenarios (default configs/policies/*.toml)")
    p.add_argument("--baseline", default=os.path.join(ROOT, "configs", "baseline.toml"))
    p.add_argument("--paths", type=int, default=0, help="paths per comparison (default: the baseline's)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--reerisk", default=default_bin, help="the reerisk binary")
    p.add_argument("-o", "--out", default="policies")
    p.set_defaults(fn=cmd_policies)
    p = sub.add_parser("plot-compare", help="ΔP by day with paired bands, from `reerisk compare -o`")
    p.add_argument("file")
    p.add_argument("-o", "--out", default="report")
    p.set_defaults(fn=cmd_plot_compare)
    p = sub.add_parser("plot-size", help="the risk curve against the size, from `reerisk size -o`")
    p.add_argument("file")
    p.add_argument("-o", "--out", default="report")
    p.set_defaults(fn=cmd_plot_size)
    p = sub.add_parser("discover", help="rules for where a segment runs out (needs --keep-paths)")
    p.add_argument("file")
    p.add_argument("--segment", required=True)
    p.add_argument("--material", required=True)
    p.add_argument("--within", type=int, default=0, help="days (default: the horizon)")
    p.add_argument("--depth", type=int, default=3, help="tree depth: rules of at most this many conditions")
    p.add_argument("-o", "--out", default="report")
    p.set_defaults(fn=cmd_discover)
    args = ap.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
