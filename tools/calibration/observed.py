"""The observed record (tests/data/observed-2025.csv): read, validated, one Target per row.

Every problem is reported at once as `file:line: what is wrong; what is allowed`, before any
simulation; callers exit with status 2 (ObservedError.exit_code).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re

COLUMNS = ("quantity", "material", "scope", "period_start", "period_end", "value", "unit",
           "uncertainty", "window", "source", "basis")
WINDOWS = ("calibration", "holdout", "reference")
SOURCE_KEY = re.compile(r"^S\d+(-S\d+)?$")


class ObservedError(Exception):
    exit_code = 2


@dataclasses.dataclass(frozen=True)
class Target:
    file: str
    line: int
    quantity: str
    material: str
    scope: str
    start: dt.date
    end: dt.date
    value: float
    unit: str
    uncertainty: float
    window: str
    source: str
    basis: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def label(self) -> str:
        """A short, unique-enough name: quantity, material and period."""
        period = self.start.isoformat() if self.start == self.end else f"{self.start:%Y-%m}"
        return f"{self.quantity}[{self.material}, {period}]"


def _rows(path):
    """(line number, fields) of the data lines; '#' lines and blank lines are skipped."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = [(i + 1, text) for i, text in enumerate(f) if text.strip() and not text.startswith("#")]
    for (number, _), fields in zip(lines, csv.reader(text for _, text in lines)):
        yield number, fields


def load_observed(path: str, known_quantities) -> list[Target]:
    """Reads @p path; every quantity must be one of @p known_quantities."""
    errors, targets = [], []
    rows = list(_rows(path))
    if not rows:
        raise ObservedError(f"{path}:1: no header line; allowed: a CSV header with the columns "
                            + ", ".join(COLUMNS))
    header_line, header = rows[0]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        what = []
        if missing:
            what.append("missing column(s) " + ", ".join(missing))
        if unknown:
            what.append("unknown column(s) " + ", ".join(unknown))
        raise ObservedError(f"{path}:{header_line}: " + "; ".join(what) +
                            "; allowed: exactly the columns " + ", ".join(COLUMNS))
    col = {c: header.index(c) for c in COLUMNS}
    for line, fields in rows[1:]:
        where = f"{path}:{line}"
        if len(fields) != len(header):
            errors.append(f"{where}: {len(fields)} fields; allowed: {len(header)}, one per column")
            continue
        get = {c: fields[i].strip() for c, i in col.items()}
        bad = []
        if get["quantity"] not in known_quantities:
            bad.append(f"unknown quantity \"{get['quantity']}\"; allowed: " +
                       ", ".join(sorted(known_quantities)))
        dates = {}
        for c in ("period_start", "period_end"):
            try:
                dates[c] = dt.date.fromisoformat(get[c])
            except ValueError:
                bad.append(f"{c} \"{get[c]}\" is not a date; allowed: YYYY-MM-DD")
        if len(dates) == 2 and dates["period_end"] < dates["period_start"]:
            bad.append("period_end lies before period_start")
        numbers = {}
        for c in ("value", "uncertainty"):
            try:
                numbers[c] = float(get[c])
            except ValueError:
                bad.append(f"{c} \"{get[c]}\" is not a number")
        if "uncertainty" in numbers and not numbers["uncertainty"] > 0:
            bad.append("uncertainty must be > 0 (a half-width in the row's unit)")
        if get["window"] not in WINDOWS:
            bad.append(f"window \"{get['window']}\" is unknown; allowed: " + ", ".join(WINDOWS))
        if not SOURCE_KEY.match(get["source"]):
            bad.append(f"source \"{get['source']}\" is not a key of docs/sources.md (S<n>)")
        if bad:
            errors.extend(f"{where}: {b}" for b in bad)
            continue
        targets.append(Target(path, line, get["quantity"], get["material"], get["scope"],
                              dates["period_start"], dates["period_end"], numbers["value"],
                              get["unit"], numbers["uncertainty"], get["window"], get["source"],
                              get["basis"]))
    if errors:
        raise ObservedError("\n".join(errors))
    return targets
