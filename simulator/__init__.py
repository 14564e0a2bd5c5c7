"""Orchestration, laid out by the data flow of a study (scenario → units → run → results → figures).

Sub-packages: :mod:`~.scenario` (a scenario's shape, no torch), :mod:`~.kinds` (the
registry of kinds of study, and the dispatch of figures and reports through it), one
sub-package per kind (:mod:`~.link`, :mod:`~.network`, :mod:`~.system`, :mod:`~.stitch`),
:mod:`~.abstraction` (the system level's semantic PHY tables), and the kind-agnostic core:
:mod:`~.run` (the one run lifecycle, executors, seeds), :mod:`~.results` (store, intervals,
summary layout), :mod:`~.figures` (scaffolding, style); the ``semcom`` command is
:mod:`~.cli`. Where a new piece goes: the map in ``docs/design.md``.

Names below are imported on first use (PEP 562), so ``semcom --help`` and ``semcom
validate`` of a malformed file never pay for torch and Sionna.
"""

from semcom.core.lazy import lazy_exports

_WHERE = {
    "Scenario": ".link.schema",
    "load_scenario": ".link.schema",
    "parse_scenario": ".link.schema",
    "check_scenario": ".link.checks",
    "run_study": ".kinds",
    "load_study": ".kinds",
    "parse_study": ".kinds",
}

__all__ = list(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
