"""The Python API: run a study and get its results as a pandas DataFrame.

``semcom.run`` takes what ``semcom run`` takes (a scenario file or a shipped scenario's
name, its options as keywords) or a mapping or a parsed scenario, plus dotted overrides;
it runs (or resumes) the study into a results folder and returns a :class:`Result`.
``semcom.load`` opens the folder of an earlier run; ``semcom.schema`` is ``semcom schema``.
Arguments are typed as the CLI's options are (:mod:`semcom.arguments`), and a refusal
names the keyword to pass (``force=True``), not the CLI option.
Nothing here forces a matplotlib backend: in a notebook, figures show inline once
``%matplotlib inline`` has run (or pyplot was imported).

Example::

    import semcom
    result = semcom.run(semcom.scenario_path("quickstart"), quiet=True,
                        **{"sweep.snr_db": [0, 10], "sweep.num_anchors": [8]})
    result.frame.groupby("semantic_equalizer").accuracy.mean()
    fig = result.plot()                 # accuracy vs SNR, a panel per link
    again = semcom.load(result.out)     # the same rows, read from results.sqlite
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from semcom.arguments import (
    ArgumentError,
    check_flag,
    check_name,
    check_path,
    check_scheduler,
    check_workers,
    for_python,
    warnings_for_python,
)
from semcom.core.errors import SemcomInputError
from semcom.core.overrides import apply_overrides
from semcom.core.trust import allowing_code
from semcom.simulator.kinds import get_kind, kind_of, parse_study, scenario_kinds
from semcom.simulator.scenario.jsonschema import json_schema
from semcom.simulator.scenario.reading import read_scenario_yaml
from semcom.simulator.results.folders import check_output_dir
from semcom.simulator.results.store import read_rows, study_kind

__all__ = ["Result", "run", "load", "schema"]


class Result:
    """A run's results folder: ``out`` (the folder), ``kind`` (the study kind its store records:
    ``"link"``, ``"network"``, ``"system"``, ``"stitch"`` or one a user registered),
    ``frame`` (the rows of its results CSV as a DataFrame), ``replicates`` (every stored
    row), ``table()`` and ``plot()``."""

    def __init__(self, out: str | os.PathLike):
        self.out = Path(out)
        self._rows = read_rows(self.out)
        self.kind = study_kind(self.out)

    @property
    def columns(self) -> list[str]:
        """The stored columns of the study's kind, in order."""
        return get_kind(self.kind).columns()

    @property
    def frame(self):
        """``pandas.DataFrame``: the rows of the results CSV, in study order. For a link study a
        row per point (set-up, SNR, semantic equaliser), aggregated over its replicates: the mean
        accuracy, its 95% interval over replicates (``accuracy_low``/``accuracy_high``) and the
        Wilson interval of the pooled test decisions (``accuracy_wilson_low``/``_high``). For a
        system study the rows of ``system_results.csv``: each set-up over its drops."""
        kind = get_kind(self.kind)
        return _ordered(kind.result_rows(self._rows, self.out), kind.result_columns())

    @property
    def replicates(self):
        """``pandas.DataFrame``: every stored row (for a link study a row per replicate: one seed
        of a point, with the Wilson interval of its own test decisions; for a system study a row per
        drop, as ``system_drops.csv``), the stored columns in order."""
        return _ordered(get_kind(self.kind).replicate_rows(self._rows), self.columns)

    def table(
        self,
        snr: Any = "all",
        interval: bool = True,
        native: bool = False,
        fmt: str | None = None,
        where: dict[str, Any] | None = None,
    ):
        """A link study's results as a table: a line per set-up (every set-up column that varies
        is shown, so no cell averages points), its rate (``uses/sample``), a column per SNR point,
        each accuracy [%] with its 95% interval over replicates.

        :param snr: ``"all"`` (default), ``"ends"`` (the lowest and the highest) or SNR values [dB].
        :param interval: show the intervals. :param native: add the receiver's native accuracy.
        :param fmt: `None` (a ``pandas.DataFrame`` of strings), or ``"text"``, ``"markdown"``,
            ``"latex"`` (a string, the note on replicates under it).
        :param where: only the rows whose columns take these values, e.g. ``{"num_anchors": 64}``
            or ``{"semantic_equalizer": ["relative", "oracle"]}`` (a list keeps any of its values).
        """
        import pandas as pd

        from semcom.simulator.figures.curves import select_rows  # lazy: the API imports no figure code

        for flag, value in (("interval", interval), ("native", native)):
            check_flag(flag, value)
        check_name("fmt", fmt, optional=True)
        kind = get_kind(self.kind)
        rows = select_rows(self._rows, where, self.columns) if where else self._rows
        header, body = kind.point_table(rows, snr=snr, interval=interval, native=native)
        if fmt is not None:
            return kind.summary_table(rows, fmt=fmt, snr=snr, interval=interval, native=native)
        return pd.DataFrame(body, columns=header)

    def plot(
        self,
        x: str | None = None,
        y: str = "accuracy",
        by: str | None = "semantic_equalizer",
        where: dict[str, Any] | None = None,
    ):
        """A ``matplotlib.figure.Figure`` in the style of ``semcom plot``: ``y`` against ``x``
        (default: SNR for link studies, offered load for network studies) with its 95% band, a
        curve per value of ``by``, a panel per transmitter → receiver link; readable labels, the
        run's print width and chance line. It never averages silently: where a study axis it
        does not show (the number of anchors K under an SNR axis) varies, it raises one line
        naming that axis and its values, unless ``where`` picks one (``where={"num_anchors": 64}``;
        a list keeps several values: show them with ``by=``). Replicates of one point (seeds)
        are its mean with the 95% t-interval. No pyplot, no backend chosen: a notebook shows the
        figure inline after ``%matplotlib inline``, ``fig.savefig(path)`` writes it
        (:func:`semcom.simulator.figures.curves.plot_columns`)."""
        from semcom.simulator.figures.curves import plot_columns  # lazy: matplotlib only to draw
        from semcom.simulator.figures.style import FigureStyle  # lazy: as above
        from semcom.simulator.scenario.reading import stored_scenario  # lazy: as above

        for name, value in (("x", x), ("y", y), ("by", by)):
            check_name(name, value, optional=name != "y")
        kind = get_kind(self.kind)
        scenario = (
            stored_scenario(self.out / "scenario.yaml") if (self.out / "scenario.yaml").is_file() else {}
        )
        return plot_columns(
            kind.result_rows(self._rows, self.out),
            x or kind.default_x,
            y,
            by,
            where,
            panels=kind.plot_panels,
            axes=kind.point_axes(self._rows),
            style=FigureStyle.of(scenario),
        )

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Result(out='{self.out}', kind='{self.kind}', rows={len(self._rows)})"


def _ordered(rows: list[dict], columns: list[str]):
    """``rows`` as a DataFrame, ``columns`` first in their order (others after them)."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    extra = [c for c in frame.columns if c not in columns]
    return frame.reindex(columns=[c for c in columns if c in frame.columns or not rows] + extra)


def _raw_scenario(scenario: Any) -> tuple[Any, str]:
    """(mapping, source name) of a path, a mapping or a parsed scenario."""
    if isinstance(scenario, (str, os.PathLike)):
        return read_scenario_yaml(scenario), str(scenario)
    if isinstance(scenario, dict):
        return scenario, "scenario"
    if hasattr(scenario, "model_dump"):
        return scenario.model_dump(mode="json"), "scenario"
    raise ArgumentError(
        f"scenario: expected a YAML path, a shipped scenario's name, a mapping or a parsed "
        f"scenario (got {type(scenario).__name__}); pass e.g. 'quickstart' or 'my_study.yaml'"
    )


def _auto_out(name: Any) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name or "study"))
    return Path(tempfile.mkdtemp(prefix=f"semcom-{safe}-"))


def run(
    scenario: Any,
    out: str | os.PathLike | None = None,
    *,
    workers: int = 1,
    scheduler: Any = None,
    quiet: bool = False,
    force: bool = False,
    plots: bool = False,
    allow_large: bool = False,
    allow_code: bool = False,
    **overrides: Any,
) -> Result:
    """Run (or resume) a study and return its :class:`Result`: what ``semcom run`` does, in one call.

    :param scenario: a scenario YAML path, the name of a shipped scenario (``"quickstart"``;
        :func:`semcom.scenario_path`), a mapping (parsed YAML) or a parsed scenario.
    :param out: results folder (``--out``); ``None`` makes a new temporary folder (``Result.out``
        names it). Rerunning into the same folder resumes: finished units are not run again.
    :param workers: local worker processes (``--workers``; 1, the default, runs inline); a whole
        number >= 1. Results are byte-identical whatever the executor.
    :param scheduler: a Dask cluster (``--scheduler``): its address (``"tcp://host:8786"``) or a
        ``dask.distributed.Client`` you opened (left open); ``workers`` is then unused.
    :param quiet: no progress bar and no progress lines (``--quiet``).
    :param force: discard the results of a *different* study already in ``out`` instead of
        refusing (``--force``); the same study resumes without it. ``True`` or ``False`` only.
    :param plots: also write the run's paper figures to ``out/plots`` (PNG + PDF). Off by
        default, unlike the CLI (which draws unless ``--no-plots``): a script or a notebook
        draws what it needs with :meth:`Result.plot`, and a loop of runs does not pay for a
        set of figure files each time; ``semcom plot DIR`` draws them later.
    :param allow_large: run a study beyond the work budget (units, messages, slots, memory)
        instead of refusing it (``--allow-large``; :mod:`semcom.simulator.scenario.work`).
    :param allow_code: let the scenario import and run user code (``import:`` encoders,
        ``--allow-code``): such a scenario is a program (:mod:`semcom.core.trust`); refused otherwise.
    :param overrides: dotted scenario keys (``--set``), e.g. ``**{"sweep.snr_db": [0, 10], "seed": 3}``.
    :raises semcom.core.errors.SemcomInputError: one line naming the argument or the scenario
        field, the value and the fix (a wrong type is also a ``TypeError``:
        :class:`semcom.arguments.ArgumentError`).
    """
    started = time.perf_counter()  # the manifest's wall time is the call's, checks included
    for flag, value in (
        ("quiet", quiet),
        ("force", force),
        ("plots", plots),
        ("allow_large", allow_large),
        ("allow_code", allow_code),
    ):
        check_flag(flag, value)
    check_path("out", out, optional=True)
    workers = check_workers(workers)
    check_scheduler(scheduler)
    try:
        raw, source = _raw_scenario(scenario)
        raw = apply_overrides(raw, overrides)
        sc = parse_study(raw, source)  # the scenario of the kind it names (`kind:`, link by default)
        kind = kind_of(sc)
        kind.check_code(sc, allow_code=allow_code)
        kind.check_work(sc, allow_large=allow_large, workers=workers, check_data=True)
        out = check_output_dir(out, force=force) if out is not None else _auto_out(sc.name)
        with allowing_code(allow_code), warnings_for_python():
            kind.run(
                sc,
                out,
                workers=workers,
                scheduler=scheduler,
                quiet=quiet,
                force=force,
                plots=plots,
                started=started,
            )
    except SemcomInputError as exc:
        raise for_python(exc) from None
    return Result(out)


def load(out: str | os.PathLike) -> Result:
    """The :class:`Result` of an earlier run, read from ``out/results.sqlite`` (no lock needed).

    :param out: the run's results folder (what ``out=`` or ``--out`` named), a ``str`` or a path.
    :raises semcom.core.errors.SemcomInputError: when ``out`` is not a path or holds no results.
    """
    check_path("out", out)
    try:
        return Result(out)
    except SemcomInputError as exc:
        raise for_python(exc) from None


def schema() -> dict:
    """The JSON Schema of a scenario file, as ``semcom schema`` prints it (for editors and
    validators), built now: a name registered in this process before the call (a user's
    semantic equaliser, anchor strategy, encoder, channel model) is among its enums."""
    return json_schema(scenario_kinds())
