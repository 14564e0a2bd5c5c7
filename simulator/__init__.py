"""Orchestration: study kinds, scenario schemas, sweeps, the link-level engine, the
network-level engine, executors, results store, plots, report and the ``semcom`` CLI.

The kinds of study (``link``, ``network``, ``stitch``: :mod:`~.kinds`) are peers over a
kind-agnostic core: scenario reading and checks (:mod:`~.scenario`), the results store
(:mod:`~.store`), the executors (:mod:`~.executors`) and the figure scaffolding
(:mod:`~.plotting`). Names are imported on first use (PEP 562), so ``semcom --help`` and
``semcom validate`` of a malformed file never pay for torch and Sionna.
"""

from importlib import import_module

__all__ = ["Scenario", "load_scenario", "parse_scenario", "check_scenario", "run_study", "load_study",
           "parse_study"]

_WHERE = {"Scenario": ".schema", "load_scenario": ".schema", "parse_scenario": ".schema",
          "check_scenario": ".link_checks", "run_study": ".runner", "load_study": ".kinds", "parse_study": ".kinds"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
