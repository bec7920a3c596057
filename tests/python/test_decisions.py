"""The decision tools (reerisk.decisions via tools/decisions.sh) on small runs: the policy
table and chart, the ΔP and sizing plots, scenario discovery. Run by ctest (pytest)."""
import csv
import os
import subprocess

import pytest

BIN = os.environ["REERISK_BINARY"]
SRC = os.environ["REERISK_SOURCE_DIR"]
BASELINE = os.path.join(SRC, "configs", "baseline.toml")
TOOL = os.path.join(SRC, "tools", "decisions.sh")


def run(*args):
    r = subprocess.run([*args], capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, REERISK_BINARY=BIN))
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_policy_table_has_paired_intervals_that_hold_the_difference(tmp_path):
    vault = os.path.join(SRC, "configs", "policies", "no-project-vault.toml")
    halt = os.path.join(SRC, "configs", "policies", "japan-licence-halt.toml")
    out = tmp_path / "pol"
    run(TOOL, "policies", vault, halt, "--paths", "1500", "-o", str(out))
    with open(out / "policy_table.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["policy"] for r in rows} == {"no-project-vault", "japan-licence-halt"}
    for r in rows:
        d, lo, hi = float(r["dP_out_h"]), float(r["dP_out_h_lo"]), float(r["dP_out_h_hi"])
        assert lo <= d <= hi
        assert abs(d - (float(r["P_policy_out_h"]) - float(r["P_base_out_h"]))) < 1e-12
    vault_auto = next(r for r in rows if r["policy"] == "no-project-vault"
                      and r["segment"] == "us_auto" and r["material"] == "NdFeB")
    assert float(vault_auto["dP_out_h_lo"]) > 0  # dropping the vault hurts US auto, clearly
    assert os.path.getsize(out / "policy_delta.png") > 10000
    assert "Newcombe" in (out / "policy_table.md").read_text()
    run(TOOL, "plot-compare", str(out / "no-project-vault.h5"), "-o", str(tmp_path / "plots"))
    assert os.path.getsize(tmp_path / "plots" / "delta_p_by_day.png") > 10000


def test_sizing_plot_and_scenario_discovery(tmp_path):
    size = tmp_path / "size.h5"
    subprocess.run([BIN, "size", BASELINE, "--risk", "0.05", "--within", "365", "--segments",
                    "us_auto", "--paths", "800", "-q", "-o", str(size)], check=True,
                   capture_output=True)
    run(TOOL, "plot-size", str(size), "-o", str(tmp_path / "plots"))
    assert os.path.getsize(tmp_path / "plots" / "size_risk_curve.png") > 10000
    kept = tmp_path / "kept.h5"
    subprocess.run([BIN, "run", BASELINE, "--paths", "1500", "--keep-paths", "1500", "-q", "-o",
                    str(kept)], check=True, capture_output=True)
    text = run(TOOL, "discover", str(kept), "--segment", "us_auto", "--material", "NdFeB",
               "--depth", "2", "-o", str(tmp_path / "plots"))
    assert "density" in text and "coverage" in text
    with open(tmp_path / "plots" / "discovery_us_auto_NdFeB.csv") as f:
        rules = list(csv.DictReader(f))
    # The leaves partition the kept paths: their paths and stockouts add up to the totals.
    assert sum(int(r["paths"]) for r in rules) == 1500
    assert 1 <= len(rules) <= 4
    assert os.path.getsize(tmp_path / "plots" / "discovery_us_auto_NdFeB.png") > 10000
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run([TOOL, "discover", str(kept), "--segment", "nobody", "--material", "NdFeB",
                        "-o", str(tmp_path / "plots")], check=True, capture_output=True)
