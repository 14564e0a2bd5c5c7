"""Orchestration: scenario schema, sweeps, link-level engine, executors, results store,
plots and the ``semcom`` CLI.

Names are imported on first use (PEP 562), so ``semcom --help`` and ``semcom validate``
of a malformed file never pay for torch and Sionna.
"""

from importlib import import_module

__all__ = ["Scenario", "load_scenario", "parse_scenario", "check_scenario", "run_study"]

_WHERE = {"Scenario": ".schema", "load_scenario": ".schema", "parse_scenario": ".schema",
          "check_scenario": ".schema", "run_study": ".runner"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
