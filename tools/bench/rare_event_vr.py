"""Variance reduction of importance sampling (docs/model.md §10), for BENCHMARKS.md.

For each case, runs the scenario with its [rare_event] tilt and without it (the same paths
count, seed and build) and prints, per segment x material, P(first stockout within 365 days
and by the horizon) from both, the variance-reduction factor p(1 - p) / s^2 (the brute-force variance of one path
over the weighted one, both at the importance-sampled estimate p), the relative 95%
half-width, and the cost ratio of the runs' path-days per second.

    tools/bench/run.sh --rare-event [PATHS]
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# (label, scenario, tilt): the tilt is appended as a variant that extends the scenario.
ESCALATION = """[rare_event]
transition = { truce = { truce = 0.95, escalated = 0.05 }, escalated = { escalated = 0.85, acute = 0.10, truce = 0.05 } }
event_probability = { october_rules_return = 0.7 }
"""
LOW_COVER = """[rare_event]
cover_days = { us_defense = { dist = "triangular", min = 60, mode = 60, max = 180 } }
"""
CASES = [
    ("closed form (h = 1e-6/month, tilted to 5%)", "tools/bench/rare_event_closed_form.toml", None),
    ("baseline, escalation tilted", "configs/baseline.toml", ESCALATION),
    ("baseline, US defense's cover tilted low", "configs/baseline.toml", LOW_COVER),
]


def run(reerisk, scenario, paths, out, plain, day):
    if plain:  # the same scenario without its tilt: a variant that drops [rare_event]
        variant = out + ".toml"
        with open(variant, "w") as f:
            f.write(f'extends = "{os.path.abspath(scenario)}"\n\n[rare_event]\ndrop = true\n')
        scenario = variant
    args = [reerisk, "run", scenario, "--paths", str(paths), "-q", "--force", "-o", out]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    f = h5py.File(out, "r")
    group = f[[k for k in f.keys() if isinstance(f[k], h5py.Group) and "p_stockout_by_day" in f[k]][0]]
    seg = [s.decode() if isinstance(s, bytes) else s for s in group["segment"][:]]
    mat = [s.decode() if isinstance(s, bytes) else s for s in group["material"][:]]
    shape = group["p_stockout_by_day"].shape[-3:-1]
    p, lo, hi = (group[name][..., day].reshape(shape)
                 for name in ("p_stockout_by_day", "p_stockout_by_day_lo", "p_stockout_by_day_hi"))
    rate = float(f.attrs["path_days_per_second"])
    return seg, mat, p, lo, hi, rate


def main():
    reerisk = sys.argv[1]
    paths = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    z = 1.959963984540054
    with tempfile.TemporaryDirectory() as tmp:
        for (label, scenario, tilt), day in ((c, d) for c in CASES for d in (364, -1)):
            if tilt:
                variant = os.path.join(tmp, "tilted.toml")
                with open(variant, "w") as f:
                    f.write(f'extends = "{os.path.abspath(scenario)}"\n\n{tilt}')
                scenario = variant
            seg, mat, p, lo, hi, rate = run(reerisk, scenario, paths, os.path.join(tmp, "is.h5"), False, day)
            _, _, bp, blo, bhi, brate = run(reerisk, scenario, paths, os.path.join(tmp, "bf.h5"), True, day)
            when = "within 365 days" if day >= 0 else "by the horizon"
            print(f"\n{label}, P(first stockout {when}): {scenario}, {paths} paths each; "
                  f"cost: plain / weighted path-days/s = {brate / rate:.2f}")
            print(f"{'segment':16s} {'mat':5s} {'P weighted [95%]':34s} {'P plain [95% Wilson]':34s} "
                  f"{'rel.hw':>7s} {'VR':>9s}")
            for s in range(p.shape[0]):
                for m in range(p.shape[1]):
                    if p[s, m] <= 0 and bp[s, m] <= 0:
                        continue
                    se = (hi[s, m] - p[s, m]) / z
                    var_w = paths * se * se
                    vr = p[s, m] * (1 - p[s, m]) / var_w if var_w > 0 else float("nan")
                    rel = (hi[s, m] - p[s, m]) / p[s, m] if p[s, m] > 0 else float("nan")
                    print(f"{seg[s]:16s} {mat[m]:5s} {p[s, m]:.3e} [{lo[s, m]:.2e}, {hi[s, m]:.2e}]   "
                          f"{bp[s, m]:.3e} [{blo[s, m]:.2e}, {bhi[s, m]:.2e}]   {rel:7.1%} {vr:9.3g}")


if __name__ == "__main__":
    main()
