"""What a kind of study brings, and the registry the CLI, the API and the report dispatch through.

A :class:`StudyKind` answers, for its own studies: which scenario model a file of its
kind parses into, how it is checked, which units it expands to, its runner (the hooks of
the one run lifecycle, :class:`~semcom.simulator.run.lifecycle.StudyRunner`), which result
columns it stores, its summary table, its figures and what the report adds. The core
(scenario reading and error wording, the results store, the lifecycle and the executors,
the plot scaffolding) knows nothing of any kind; the front (CLI, API, report, ``semcom
plot``) asks the registry.

A scenario file names its kind with ``kind:`` (``link`` when absent) and is parsed
through one pydantic discriminated union over the registered scenario kinds
(:func:`parse_study`). A results folder records its kind in the store
(:func:`~semcom.simulator.results.store.study_kind`). A kind's hooks that run, check or draw
import their modules when called (each with its ``# lazy:`` reason), so the registry
itself loads neither torch nor matplotlib; the core never imports a kind: the runners
hand their unit runner to the executors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag, TypeAdapter, ValidationError

from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError
from semcom.core.limits import check_bounded
from semcom.core.registry import Registry, suggest
from ..scenario.errors import errors_from_pydantic
from ..scenario.reading import DEFAULT_KIND, raw_kind, read_scenario_yaml
from ..scenario.work import DEFAULT_BUDGET, UNLIMITED, WorkEstimate, check_work
from ..figures.style import FigureStyle
from ..results.summary import format_summary

__all__ = ["StudyKind", "STUDY_KINDS", "register_kind", "get_kind", "scenario_kinds", "kind_of", "parse_study",
           "load_study", "run_study"]

#: Every registered kind of study, by name.
STUDY_KINDS: Registry[StudyKind] = Registry("study kind")


class StudyKind:
    """One kind of study. Subclasses set the attributes and implement the hooks."""

    #: the kind's name: what the store records and what ``kind:`` says in a scenario file
    name: str = ""
    #: a few words for the JSON schema and messages ("a link-level study")
    describe: str = ""
    #: whether a scenario file can be of this kind (``kind: <name>``); a kind that runs
    #: on another kind's scenario (a stitching table runs on a link scenario) is not
    file_kind: bool = True
    #: sections a misplaced top-level key is also looked up in, for did-you-mean hints
    error_sections: tuple[str, ...] = ()
    #: the CSV a run writes next to its store
    results_csv: str = "results.csv"
    #: the x column of :meth:`semcom.api.Result.plot` by default
    default_x: str = "snr_db"
    #: what the report says under each figure, by the figure's name
    captions: dict[str, str] = {}
    #: the columns :meth:`semcom.api.Result.plot` draws a panel per value of (those that vary)
    plot_panels: tuple[str, ...] = ()
    #: study axes of its results (what tells one point from another; replicates such as
    #: ``seed`` are not axes): a figure averages over none of them (:meth:`point_axes`)
    axes: tuple[str, ...] = ()

    # -- scenario ------------------------------------------------------------------------
    def scenario_class(self) -> type:
        """The pydantic model of this kind's scenario."""
        raise NotImplementedError

    def parse(self, raw: Any, source: str = "scenario"):
        """A parsed scenario of this kind (one-line errors); a file of another kind is refused."""
        sc = parse_study(raw, source)
        if kind_of(sc) is not self:
            raise ScenarioError("kind", sc.kind, f"is not a {self.name} study", f"give a {self.name} scenario")
        return sc

    def check(self, sc, check_data: bool = True) -> None:
        """Semantic checks (registries and, with ``check_data``, the data); raises ScenarioError(s)."""
        raise NotImplementedError

    def expand(self, sc) -> list:
        """The work units of the study, in study order."""
        raise NotImplementedError

    def estimate_work(self, sc, check_data: bool = False) -> WorkEstimate | None:
        """The work the study asks for, from its scenario without expanding the sweep
        (``check_data``: sizes may come from loading the data); `None`: no estimate."""
        return None

    def data_work(self, sc):
        """What the study's data and agents cost (:func:`~semcom.simulator.run.data_work.data_work`),
        for :meth:`estimate_work` with ``check_data``."""
        from ..run.data_work import data_work  # lazy: loads the data and the zoo registry (torch)
        return data_work(sc)

    def check_code(self, sc, allow_code: bool = False) -> None:
        """Refuse a study whose agents import user code (``import:``) unless ``allow_code``;
        with it, check each callable without calling it (the latent source's ``check_code``)."""
        from semcom.transceivers import LATENT_SOURCES  # lazy: the latent sources load torch

        for name, spec in getattr(sc, "models", {}).items():
            gate = getattr(LATENT_SOURCES.get(spec.kind), "check_code", None) if spec.kind in LATENT_SOURCES else None
            if gate is not None:
                gate(name, spec.model_dump(exclude_none=True), allow_code)

    def check_work(self, sc, *, allow_large: bool = False, workers: int = 1,
                   check_data: bool = False) -> WorkEstimate | None:
        """:meth:`estimate_work`, refused beyond the default budget unless ``allow_large``
        (:func:`~semcom.simulator.scenario.work.check_work`: one line per quantity over it)."""
        estimate = self.estimate_work(sc, check_data=check_data)
        check_work(estimate, UNLIMITED if allow_large else DEFAULT_BUDGET, workers)
        return estimate

    # -- running -------------------------------------------------------------------------
    def runner(self):
        """The kind's :class:`~semcom.simulator.run.lifecycle.StudyRunner` (its hooks of the one
        run lifecycle); imported when called, so the registry stays torch-free."""
        raise NotImplementedError

    def run(self, sc, out_dir: str | Path, **options):
        """Run (or resume) the study into ``out_dir`` through the shared lifecycle; returns its
        :class:`~semcom.simulator.run.lifecycle.StudyResult`. ``options``: the executor
        (``workers``, ``scheduler``), ``quiet``, ``force``, ``plots`` and the kind's own. Warnings
        about the results (:mod:`~semcom.simulator.run.run_warnings`) go into the manifest too."""
        from ..run.run_warnings import recording  # lazy: keeps the kinds registry torch-free

        with recording():
            return self.runner().run(sc, out_dir, draw=self.draw, **options)

    # -- results -------------------------------------------------------------------------
    def columns(self) -> list[str]:
        """The result columns, in order."""
        raise NotImplementedError

    def summary_rows(self, rows: list[dict]) -> tuple[list[str], list[list[str]]]:
        """Header and body (strings) of the summary table."""
        raise NotImplementedError

    def summary_table(self, rows: list[dict], fmt: str = "text", **options) -> str:
        """The summary (``semcom results``) as aligned plain text, Markdown or LaTeX
        (``fmt``); ``options`` are the kind's own (a kind without any refuses them)."""
        if options:
            flags = ", ".join("--" + k.replace("_", "-") for k in options)
            raise SemcomInputError(f"semcom results {flags}: does not apply to a {self.name} study; "
                                   "use --format only")
        if not rows:
            return "no results yet"
        return format_summary(*self.summary_rows(rows), rows, fmt)

    def result_rows(self, rows: list[dict], out_dir: Path | None = None) -> list[dict]:
        """The rows its results CSV lists, from the stored rows (``out_dir``: the run's folder)."""
        return rows

    def point_table(self, rows: list[dict], **options) -> tuple[list[str], list[list[str]]]:
        """Header and body of the table of every SNR point with its interval
        (:meth:`semcom.api.Result.table`); a kind without SNR points has none."""
        raise SemcomInputError(f"table: a {self.name} study has no table of SNR points; use .frame")

    def replicate_rows(self, rows: list[dict]) -> list[dict]:
        """The stored rows :attr:`semcom.api.Result.replicates` lists (all of them, unless the
        kind stores rows of several levels and keeps the level its results aggregate)."""
        return rows

    def result_columns(self) -> list[str]:
        """The columns of its results CSV, in order (those of the stored rows unless it aggregates them)."""
        return self.columns()

    # -- figures and the report ------------------------------------------------------------
    def point_axes(self, rows: list[dict]) -> tuple[str, ...]:
        """:attr:`axes`, or for a kind that names none, every column of ``rows`` holding text
        (a name: a scheduler, a placement), which a figure then never averages over."""
        if self.axes:
            return self.axes
        return tuple(dict.fromkeys(k for r in rows for k, v in r.items()
                                   if isinstance(v, str) and k not in ("scenario", "unit")))

    def figures(self, rows: list[dict], plots_dir: Path, style, scenario: dict) -> list[Path]:
        """Draw the kind's figures into ``plots_dir`` at ``style``
        (:class:`~semcom.simulator.figures.plotting.FigureStyle`); ``scenario``: the run's
        scenario as a mapping. Returns the PNG paths. Callers go through :meth:`draw`."""
        raise NotImplementedError

    def draw(self, rows: list[dict], plots_dir: Path, scenario: dict) -> list[Path]:
        """The kind's figures at the style of the run's ``scenario`` (a mapping)."""
        return self.figures(rows, Path(plots_dir), FigureStyle.of(scenario), scenario) if rows else []

    def caption(self, stem: str) -> str:
        """What the report says under figure ``stem`` (a page ``name_p2`` as ``name``)."""
        base = stem.rsplit("_p", 1)[0] if stem.rsplit("_p", 1)[-1].isdigit() else stem
        return self.captions.get(base, stem.replace("_", " "))

    def report_tables(self, out_dir: Path) -> list[tuple[str, str, list[str], list[list[str]]]]:
        """Tables the report shows besides the summary: ``(section title, note, header, body)`` each."""
        return []

    # -- what the CLI prints -------------------------------------------------------------
    def validate_lines(self, sc, source: str, check_data: bool = True) -> list[str]:
        """``semcom validate``'s output for a checked scenario."""
        return [f"{source}: ok ({len(self.expand(sc))} units)"]

    def run_lines(self, sc, result) -> list[str]:
        """``semcom run``'s output for a finished run."""
        lines = [f"{sc.name}: {result.units_run} of {result.units_total} units run "
                 f"({result.units_total - result.units_run} already done) in {result.seconds:.1f} s",
                 f"results: {result.csv}"]
        return lines + [f"plot:    {p}" for p in result.plots]

    def __repr__(self) -> str:
        return f"<study kind '{self.name}'>"


_ADAPTER: dict[tuple, TypeAdapter] = {}


def register_kind(kind: StudyKind) -> StudyKind:
    """Register a kind of study (its scenario files then parse through :func:`parse_study`)."""
    STUDY_KINDS.register(kind.name)(kind)
    _ADAPTER.clear()
    return kind


def get_kind(name: str) -> StudyKind:
    """The registered kind ``name`` (UnknownNameError, with a suggestion, otherwise)."""
    return STUDY_KINDS.get(name)


def scenario_kinds() -> list[StudyKind]:
    """The kinds a scenario file can be, by name."""
    return [k for k in (STUDY_KINDS.get(n) for n in STUDY_KINDS.names()) if k.file_kind]


def kind_of(sc) -> StudyKind:
    """The kind of a parsed scenario (its ``kind`` field)."""
    return STUDY_KINDS.get(getattr(sc, "kind", DEFAULT_KIND))


def _tag(value: Any) -> str | None:
    kind = raw_kind(value) if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) else None


def _adapter() -> TypeAdapter:
    """A TypeAdapter of the discriminated union of every scenario kind's model."""
    kinds = scenario_kinds()
    key = tuple((k.name, k.scenario_class()) for k in kinds)
    if key not in _ADAPTER:
        members = tuple(Annotated[cls, Tag(name)] for name, cls in key)
        _ADAPTER.clear()
        _ADAPTER[key] = TypeAdapter(Annotated[Union[members], Discriminator(_tag)])
    return _ADAPTER[key]


def parse_study(raw: Any, source: str = "scenario"):
    """Validate a mapping (parsed YAML) into the scenario of the kind it names (``kind:``,
    ``link`` when absent); every structural problem as one line, named by its field."""
    if not isinstance(raw, dict):
        raise ScenarioError(source, type(raw).__name__, "must be a YAML mapping of keys to values",
                            "start from scenarios/quickstart.yaml")
    check_bounded(raw, source)     # a mapping from the Python API is bounded as a file is
    kinds = {k.name: k for k in scenario_kinds()}
    try:
        return _adapter().validate_python(raw)
    except ValidationError as exc:
        errors = exc.errors()
        tag = raw_kind(raw)
        if not isinstance(tag, str) or tag not in kinds or any(e["type"].startswith("union_tag_") for e in errors):
            raise ScenarioError("kind", tag, f"unknown study kind{suggest(str(tag), list(kinds))}",
                                f"choose one of: {', '.join(kinds)}") from None
        kind = kinds[tag]
        # the union puts the kind's tag first in every error location: drop it
        inner = [{**e, "loc": e["loc"][1:]} if e["loc"][:1] == (tag,) else e for e in errors]
        raise ScenarioErrors.of(errors_from_pydantic(inner, kind.scenario_class(), kind.error_sections)) from None


def load_study(path: str | Path):
    """Read (safe loader) and parse a scenario file of any kind."""
    return parse_study(read_scenario_yaml(path), str(path))


def run_study(sc, out_dir: str | Path, **options):
    """Run (or resume) a parsed scenario of any kind into ``out_dir`` (:meth:`StudyKind.run`)."""
    return kind_of(sc).run(sc, out_dir, **options)
