"""What the model predicts for each observed target, from a reerisk result.

A target row (observed.Target) maps to one model output:
- magnet_exports_t, dy_tb_exports_t: China's licensed exports of the row's material in the
  row's calendar month (china_shipped_*; material NdFeB, Dy or Tb in the scenario);
- price_ratio_europe_china: the month's price multiplier times the pre-control Europe/China
  ratio (PRE_CONTROL_RATIO, sources.md §O5: 1.1-1.4x), so the multiplier's target is the
  observed ratio / 1.25;
- first_auto_stoppage_days: the first-stockout day of segment AUTO_SEGMENT, material NdFeB;
- lynas_dy_tb_output_t: the output of the plant PLANT_OUTPUTS names in a quarter of the run
  (plant_output_*: three model months from run.start, all of the plant's materials, which
  must be those of the row).
Quantities in NOT_MODELLED are known but have no model output (each with the reason); rows of
the reference window are levels, never compared.

A prediction is the model's distribution over paths: its centre (the mean for tonnages, the
median otherwise), its path-to-path spread, and its central 95% predictive interval, widened
for Monte Carlo error (the quantile levels moved out by 1.96 binomial standard errors) and
read at the conservative bin edges. The observed history is one path: the target passes when
the observed value lies in that interval widened by the data's own half-width.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math

import numpy as np

from observed import ObservedError

PRE_CONTROL_RATIO = (1.25, 0.15)  # Europe/China Dy and Tb price ratio before April 2025 [S35]
AUTO_SEGMENT = "west_auto"
EXPORTS = {"magnet_exports_t", "dy_tb_exports_t"}
# A producer's reported output: the scenario's plant and the materials the row counts.
PLANT_OUTPUTS = {"lynas_dy_tb_output_t": ("Lynas Malaysia HRE circuit", {"Dy", "Tb"})}
MODELLED = EXPORTS | {"price_ratio_europe_china", "first_auto_stoppage_days"} | set(PLANT_OUTPUTS)
NOT_MODELLED = {
    "magnet_exports_t_per_month_mean": "a pre-control level (the baseline input), not an outcome",
    "licence_approval_share": "counts applications, not tonnes; the model's approval share is "
                              "of tonnage (sources.md §O3)",
    "dy_tb_exports_change_y": "a calendar-year change; needs January-March 2025, before the "
                              "hindcast starts",
    "dy_receipts_change_y": "Japan's receipts: the model has no destinations within a channel",
}
KNOWN = MODELLED | set(NOT_MODELLED)
LEVEL = 0.95


@dataclasses.dataclass
class ScenarioInfo:
    start: dt.date
    horizon_days: int
    materials: list
    segments: list
    plants: dict = dataclasses.field(default_factory=dict)  # name -> materials it makes

    @classmethod
    def from_config(cls, config: dict) -> "ScenarioInfo":
        run = config["run"]
        start = run["start"] if isinstance(run["start"], dt.date) else dt.date.fromisoformat(run["start"])
        plants = {p["name"]: {m for m, t in p.get("output_t_per_year", {}).items() if t > 0}
                  for p in config.get("plant", [])}
        return cls(start, int(run["horizon_days"]), [m["name"] for m in config["material"]],
                   [s["name"] for s in config["segment"]], plants)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.horizon_days - 1)

    def month_index(self, day: dt.date) -> int:
        """Index of the model month holding @p day (month 0 starts on run.start)."""
        return (day.year - self.start.year) * 12 + day.month - self.start.month


@dataclasses.dataclass
class Prediction:
    target: object
    observed: float       # in the model output's unit (a price ratio becomes a multiplier)
    uncertainty: float    # the data's half-width, same unit
    centre: float
    spread: float         # path-to-path standard deviation (or half the 16-84% range)
    lo: float
    hi: float
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.lo - self.uncertainty <= self.observed <= self.hi + self.uncertainty

    @property
    def z(self) -> float:
        """Standardised distance of the centre from the observation (for calibration)."""
        return (self.centre - self.observed) / math.hypot(self.uncertainty, self.spread)


def compared(targets):
    """The rows a run is judged on: modelled quantities outside the reference window."""
    return [t for t in targets if t.window != "reference" and t.quantity in MODELLED]


def check_against_scenario(targets, info: ScenarioInfo):
    """Refuses (ObservedError, every problem at once) compared rows the scenario cannot answer:
    periods outside it, monthly rows that are not one calendar month, missing names."""
    errors = []
    for t in compared(targets):
        where = f"{t.where}: {t.label}"
        if t.end < info.start or t.start > info.end:
            errors.append(f"{where} lies outside the scenario ({info.start} to {info.end}); "
                          "allowed: a period within it, or window = reference")
            continue
        if t.quantity in EXPORTS or t.quantity == "price_ratio_europe_china":
            last = calendar.monthrange(t.start.year, t.start.month)[1]
            if t.start.day != 1 or t.end != t.start.replace(day=last):
                errors.append(f"{where}: the period must be one calendar month "
                              "(first to last day) for a monthly quantity")
            material = model_material(t)
            if material not in info.materials:
                errors.append(f"{where} needs material \"{material}\" in the scenario; it has "
                              + ", ".join(info.materials))
        elif t.quantity == "first_auto_stoppage_days":
            if AUTO_SEGMENT not in info.segments or "NdFeB" not in info.materials:
                errors.append(f"{where} needs segment \"{AUTO_SEGMENT}\" and material \"NdFeB\"")
        elif t.quantity in PLANT_OUTPUTS:
            plant, materials = PLANT_OUTPUTS[t.quantity]
            k = info.month_index(t.start)
            last = calendar.monthrange(t.end.year, t.end.month)[1]
            if (t.start.day != 1 or t.end.day != last or info.month_index(t.end) != k + 2
                    or k % 3):
                errors.append(f"{where}: the period must be three calendar months (first to "
                              "last day) starting in a quarter of the run (months 3q from "
                              f"run.start {info.start})")
            if plant not in info.plants:
                errors.append(f"{where} needs plant \"{plant}\" in the scenario")
            elif not info.plants[plant] <= materials:
                errors.append(f"{where}: plant \"{plant}\" makes "
                              + ", ".join(sorted(info.plants[plant]))
                              + "; its output counts only " + ", ".join(sorted(materials)))
    if errors:
        raise ObservedError("\n".join(errors))


def model_material(t) -> str:
    return "NdFeB" if t.quantity == "magnet_exports_t" else t.material


def _widened_levels(n):
    a = (1 - LEVEL) / 2
    d = 1.959964 * math.sqrt(a * (1 - a) / max(n, 1))
    return max(a - d, 0.0), min(1 - a + d, 1.0)


def _interval_from_counts(counts, lower, upper):
    """Central predictive interval of a binned per-path quantity: lower edge of the bin holding
    the low quantile, upper edge of the bin holding the high one (MC-widened levels)."""
    n = counts.sum()
    cdf = np.cumsum(counts) / n
    q_lo, q_hi = _widened_levels(n)
    i_lo = int(np.searchsorted(cdf, q_lo, side="left"))
    i_hi = int(np.searchsorted(cdf, q_hi, side="left"))
    return float(lower[min(i_lo, len(lower) - 1)]), float(upper[min(i_hi, len(upper) - 1)])


def _quantile_edge(counts, upper, q):
    cdf = np.cumsum(counts) / counts.sum()
    return float(upper[min(int(np.searchsorted(cdf, q, side="left")), len(upper) - 1)])


def text_of(value) -> str:
    """An HDF5 string (bytes or str) as str."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _tonnage_prediction(t, ds, counts, mean, note) -> Prediction:
    """A per-path tonnage binned on the tonne bins (@p counts), with its mean @p mean."""
    counts = counts.values.astype(float)
    lower, upper = ds.tonne_bin_lower.values, ds.tonne_bin_upper.values
    mid = np.where(lower > 0, np.sqrt(lower * np.maximum(upper, lower)), upper / 2)
    mean = float(mean)
    n = counts.sum()
    spread = math.sqrt(max(float((counts * mid ** 2).sum() / n) - mean ** 2, 0.0))
    lo, hi = _interval_from_counts(counts, lower, upper)
    return Prediction(t, t.value, t.uncertainty, mean, spread, lo, hi, note)


def predict(t, ds, info: ScenarioInfo) -> Prediction:
    """The model's prediction for target row @p t from result dataset @p ds (one point)."""
    if t.quantity in EXPORTS:
        k, m = info.month_index(t.start), model_material(t)
        note = "partial month: the model's month starts on run.start" if k == 0 and info.start.day != 1 else ""
        return _tonnage_prediction(t, ds, ds.china_shipped_count.isel(month=k).sel(material=m),
                                   ds.china_shipped_t_mean.isel(month=k).sel(material=m), note)
    if t.quantity == "price_ratio_europe_china":
        k = info.month_index(t.start)
        counts = ds.price_multiplier_count.isel(month=k).sel(material=t.material).values.astype(float)
        upper = ds.price_bin_upper.sel(material=t.material).values
        lower = np.concatenate([[1.0], upper[:-1]])
        lower[-1] = upper[-1]  # the last bin is exactly the cap
        ratio, ratio_u = PRE_CONTROL_RATIO
        observed = t.value / ratio
        u = observed * math.hypot(t.uncertainty / t.value, ratio_u / ratio)
        lo, hi = _interval_from_counts(counts, lower, upper)
        spread = (_quantile_edge(counts, upper, 0.84) - _quantile_edge(counts, upper, 0.16)) / 2
        return Prediction(t, observed, u, _quantile_edge(counts, upper, 0.5), spread, lo, hi,
                          f"multiplier = ratio / {ratio}")
    if t.quantity == "first_auto_stoppage_days":
        cdf = ds.p_stockout_by_day.sel(segment=AUTO_SEGMENT, material="NdFeB").values
        n = int(ds.attrs.get("n_paths", 0)) or 1
        q_lo, q_hi = _widened_levels(n)
        H = len(cdf)

        def day(q):
            i = int(np.searchsorted(cdf, q, side="left"))
            return float(i) if i < H else math.inf  # never within the horizon

        observed = float((t.start - info.start).days)
        spread = (min(day(0.84), H) - min(day(0.16), H)) / 2
        return Prediction(t, observed, t.uncertainty, min(day(0.5), H), spread, day(q_lo),
                          day(q_hi), f"segment {AUTO_SEGMENT}: days from run.start")
    if t.quantity in PLANT_OUTPUTS:
        plant, _ = PLANT_OUTPUTS[t.quantity]
        q = info.month_index(t.start) // 3
        note = f"{plant}: the run's quarter from {text_of(ds.quarter_date.values[q])}"
        return _tonnage_prediction(t, ds, ds.plant_output_count.isel(quarter=q).sel(plant=plant),
                                   ds.plant_output_t_mean.isel(quarter=q).sel(plant=plant), note)
    raise KeyError(t.quantity)
