"""The binding's Python face: argument checks, scenario inputs, progress and the result as an
xarray.Dataset read back from the file the engine's own writer produced (so it equals, value
for value, what `reerisk run -o` writes)."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
from typing import Mapping, Sequence

import xarray as xr

from .results import open_result

_PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


def _core():
    try:
        from . import _core as core
    except ImportError as e:  # the pure-Python part works without it
        raise ImportError("reerisk's compiled module (reerisk._core) is not built or not on the "
                          "path: run tools/build.sh, then use PYTHONPATH=build/python") from e
    return core


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem in a scenario: where it is and what is allowed."""
    file: str
    line: int | None
    column: int | None
    message: str


class ScenarioError(ValueError):
    """The scenario, an override or an option is invalid; nothing was simulated.

    problems: every problem found, each with file, line, column (None where the message names
    no position, e.g. a missing file) and message. scenario_text: the TOML the engine read
    (for a dict, the text it became, which the line numbers refer to)."""

    def __init__(self, message: str, scenario_text: str | None = None):
        super().__init__(message)
        self.scenario_text = scenario_text
        self.problems = []
        for line in message.splitlines():
            m = _PROBLEM.match(line.strip())
            if m:
                self.problems.append(Problem(m["file"], int(m["line"]), int(m["column"]),
                                             m["message"]))
            elif line.strip():
                self.problems.append(Problem("", None, None, line.strip()))


def version() -> str:
    """The engine's version line (as `reerisk --version` prints it)."""
    return _core().version()


def _scenario_source(scenario, what="scenario"):
    """(name, text): a path gives (path, ""), TOML text or a dict gives (label, text)."""
    if isinstance(scenario, os.PathLike):
        scenario = os.fspath(scenario)
    if isinstance(scenario, Mapping):
        return "<dict>", _core().dict_to_toml(dict(scenario))
    if isinstance(scenario, str):
        if "\n" in scenario or "=" in scenario:
            return "<text>", scenario
        if not os.path.isfile(scenario):
            raise ScenarioError(f"{scenario}: no such scenario file (give a path, TOML text or "
                                "a dict)")
        return scenario, ""
    raise TypeError(f"{what} must be a path, TOML text or a dict, not {type(scenario).__name__}")


def _overrides(values, what="set") -> list:
    """--set KEY=VALUE strings from a mapping {key: value} or a sequence of "KEY=VALUE"."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        out = []
        for key, v in values.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (int, float, str)):
                v = str(v)
            else:
                raise TypeError(f"{what}[{key!r}]: a value must be a str, int, float or bool, "
                                f"not {type(v).__name__} (write tables as TOML text: "
                                "'{ NdFeB = 90 }')")
            out.append(f"{key}={v}")
        return out
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"{what} must be a dict {{key: value}} or a list of 'KEY=VALUE' strings")
    for v in values:
        if not isinstance(v, str) or "=" not in v:
            raise TypeError(f"{what}: {v!r} is not a 'KEY=VALUE' string")
    return list(values)


def _count(name, value, minimum=1, allow_none=True):
    if value is None and allow_none:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise TypeError(f"{name} must be an int >= {minimum}, not {value!r}")
    return value


def _seed(seed):
    if seed is None:
        return -1
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, not {seed!r}")
    return seed


@contextlib.contextmanager
def _progress(enabled, desc):
    """A callback (done, total) that drives a tqdm bar (notebook or terminal), or None."""
    if not enabled:
        yield None
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield None
        return
    bar = tqdm(desc=desc, unit="path", unit_scale=True, leave=False)

    def update(done, total):
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


@contextlib.contextmanager
def _translated(text=None):
    core = _core()
    try:
        yield core
    except core.InputError as e:
        raise ScenarioError(str(e), text) from None


def _load(path, attrs=None) -> xr.Dataset:
    """The first group of a result file (or a compare/size file's root) in memory, with the
    file's root attributes."""
    import h5py
    with h5py.File(path, "r") as f:
        root = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        filetype = root.get("filetype", "")
    if filetype == "reerisk-result":
        res = open_result(path)
        with res.dataset() as ds:
            ds = ds.load()
        root["scenario_text"] = res.scenario_text
    else:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    ds.attrs.update({k: (v.item() if hasattr(v, "item") else v) for k, v in root.items()})
    ds.attrs.update(attrs or {})
    return ds


def _report(text, output):
    """The command's report, without the line naming a temporary file."""
    if output is not None:
        return text
    return "".join(line for line in text.splitlines(True) if not line.startswith("wrote "))


def _output(output):
    """A context giving the file to write: the user's, or one in a folder removed after."""
    if output is not None:
        return contextlib.nullcontext(os.fspath(output))
    tmp = tempfile.TemporaryDirectory(prefix="reerisk-")

    @contextlib.contextmanager
    def inside():
        with tmp as d:
            yield os.path.join(d, "result.h5")
    return inside()


def run(scenario, *, paths: int | None = None, seed: int | None = None, set=None,
        backend: str = "auto", threads: int | None = None, batch: int | None = None,
        keep_paths: int | None = None, output=None, force: bool = False,
        progress: bool = True) -> xr.Dataset:
    """Simulates a scenario in this process and returns its results as an xarray.Dataset.

    scenario: a path, TOML text, or a dict (as the TOML would be; `extends` is then relative
    to the current folder). set: overrides as {key: value} or ["KEY=VALUE", ...] (the CLI's
    --set). paths, seed: default the scenario's run.paths and run.seed. backend: "auto", "cpu"
    or "cuda". output: also keep the file (`force` to overwrite); otherwise it is written to a
    temporary folder, read into memory and removed. The Dataset's attrs hold the file's (seed,
    n_paths, backend, ...) and `report`, the summary table `reerisk run` prints.

    The GIL is released while the paths run; Ctrl-C stops the run (KeyboardInterrupt) and
    writes nothing. Raises ScenarioError for an invalid scenario or option."""
    name, text = _scenario_source(scenario)
    if backend not in ("auto", "cpu", "cuda"):
        raise ValueError(f"backend must be 'auto', 'cpu' or 'cuda', not {backend!r}")
    args = dict(paths=_count("paths", paths), seed=_seed(seed), overrides=_overrides(set),
                backend=backend, threads=_count("threads", threads), batch=_count("batch", batch),
                keep_paths=_count("keep_paths", keep_paths, minimum=0), force=bool(force))
    with _output(output) as out, _translated(text) as core, _progress(progress, "reerisk run") as cb:
        report = core.run(name, text, out, progress=cb, **args)
        return _load(out, {"report": _report(report, output)})


def validate(scenario, *, set=None) -> str:
    """Checks a scenario without simulating; returns the one-line description `reerisk
    validate` prints, or raises ScenarioError naming every problem (file, line, column)."""
    name, text = _scenario_source(scenario)
    with _translated(text) as core:
        return core.validate(name, text, _overrides(set)).strip()


def compare(base, alt=None, *, set=None, set_alt=None, paths: int | None = None,
            seed: int | None = None, threads: int | None = None, batch: int | None = None,
            output=None, force: bool = False, progress: bool = True) -> xr.Dataset:
    """Runs two scenarios on the same paths and returns the paired comparison (`reerisk
    compare`'s file: p_stockout_by_day_a/_b, delta_p_stockout_by_day with _lo/_hi, the joint
    counts). alt: a second scenario, or None for the base with set_alt applied."""
    base_name, base_text = _scenario_source(base, "base")
    alt_name, alt_text = ("", "") if alt is None else _scenario_source(alt, "alt")
    if alt is None and not set_alt:
        raise ValueError("compare: give an alternative scenario or set_alt overrides")
    args = dict(overrides=_overrides(set), alt_overrides=_overrides(set_alt, "set_alt"),
                paths=_count("paths", paths), seed=_seed(seed), threads=_count("threads", threads),
                batch=_count("batch", batch), force=bool(force))
    with _output(output) as out, _translated(base_text or alt_text) as core, \
            _progress(progress, "reerisk compare") as cb:
        report = core.compare(base_name, base_text, alt_name, alt_text, out, progress=cb, **args)
        return _load(out, {"report": _report(report, output)})


def size(scenario, *, risk: float, within: int | None = None, segments: Sequence[str] | None = None,
         set=None, paths: int | None = None, seed: int | None = None, threads: int | None = None,
         batch: int | None = None, output=None, force: bool = False) -> xr.Dataset:
    """The smallest stockpile per material meeting P(first stockout within `within` days) <=
    risk for every named segment (`reerisk size`'s file: stockpile_size_t and _days with _lo/_hi,
    the risk curve). attrs["reachable"] is False when some material's target is out of reach
    (the CLI's exit code 3); the report says why."""
    name, text = _scenario_source(scenario)
    if isinstance(risk, bool) or not isinstance(risk, (int, float)):
        raise TypeError(f"risk must be a float in (0, 1), not {risk!r}")
    if isinstance(segments, str):
        segments = [s for s in segments.split(",") if s]
    args = dict(risk=float(risk), within=_count("within", within), segments=list(segments or []),
                overrides=_overrides(set), paths=_count("paths", paths), seed=_seed(seed),
                threads=_count("threads", threads), batch=_count("batch", batch), force=bool(force))
    with _output(output) as out, _translated(text) as core:
        code, report = core.size(name, text, out, **args)
        return _load(out, {"report": _report(report, output), "reachable": int(code == 0)})
