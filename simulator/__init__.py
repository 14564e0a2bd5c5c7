"""Orchestration: scenario schema, sweeps, link-level engine, executors, results store,
plots and the ``semcom`` CLI."""

from .schema import Scenario, load_scenario, parse_scenario, check_scenario
from .runner import run_study

__all__ = ["Scenario", "load_scenario", "parse_scenario", "check_scenario", "run_study"]
