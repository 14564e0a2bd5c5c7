"""Orchestration, laid out by the data flow of a study (scenario → units → run → results → figures).

Where things go:

* **A scenario's shape** (parsing and typing only, no torch): the pieces every kind
  shares in :mod:`~.scenario` (reader, specs, one-line errors, shared checks, JSON
  schema); a kind's own model next to its code (:mod:`~.schema` for link studies,
  ``network/schema.py``, ``system/schema.py``, ``abstraction/spec.py``). Its semantic
  checks (names that must be registered, the data) in a ``checks`` module beside it
  (:mod:`~.link_checks`, ``network/checks.py``, ``system/checks.py``, ``abstraction/checks.py``).
* **A new kind of study**: a :class:`~.kinds.base.StudyKind` in :mod:`~.kinds` that
  registers itself (identity, units, columns, summary, figures; heavy hooks imported when
  called), its engine and runner in its own sub-package (as :mod:`~.network`,
  :mod:`~.system`). The core never imports a kind.
* **Units and one unit's run**: link studies in :mod:`~.sweep` (units), :mod:`~.engine`
  (a unit: every SNR point and equaliser in one batched pass), :mod:`~.jscc_engine`;
  other kinds in their sub-package (``units.py``, ``engine.py``).
* **Running**: :mod:`~.executors` (inline, processes, Dask; they receive the kind's unit
  runner), :mod:`~.pool`, :mod:`~.lifecycle` (store cycle, manifest: every runner),
  :mod:`~.runner` (link studies), :mod:`~.randomness` (the one owner of seeds).
* **Results**: :mod:`~.store` (SQLite, resumable; :mod:`~.store_sql`), :mod:`~.metrics`
  (a new metric of a link goes here and into the engine's row), :mod:`~.summary`,
  :mod:`~.report`.
* **Figures**: :mod:`~.plotting` (scaffolding), :mod:`~.plot_rows` (what figures read
  from rows), :mod:`~.link_plots`, :mod:`~.compare_plots`, :mod:`~.stitch_plots`, a
  kind's ``plots.py``; :mod:`~.plots` draws any run's figures through the kinds.
* **The semantic PHY abstraction** for system studies: :mod:`~.abstraction`.
* The ``semcom`` command: :mod:`~.cli`.

A new channel, scheme or semantic equaliser is not here: see :mod:`semcom.channels`,
:mod:`semcom.transceivers.schemes`, :mod:`semcom.transceivers.semantic`. Names below are
imported on first use (PEP 562), so ``semcom --help`` and ``semcom validate`` of a
malformed file never pay for torch and Sionna.
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
