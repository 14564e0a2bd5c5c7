"""Orchestration, laid out by the data flow of a study (scenario → units → run → results → figures).

Where things go (each folder's ``__init__`` says more):

* :mod:`~.scenario`: **a scenario's shape**, the pieces every kind shares (reader, specs,
  one-line errors, shared checks, JSON schema); parsing and typing only, no torch.
* :mod:`~.kinds`: the registry of kinds of study. **A new kind of study** is a
  :class:`~.kinds.base.StudyKind` there that registers itself (identity, units, columns,
  summary, figures; heavy hooks imported when called), with its own sub-package beside
  the others for its schema, checks, units, engine, runner and plots. The core never
  imports a kind.
* The kinds' own sub-packages, each with the same shape (``schema``, ``checks``,
  ``units``, ``engine``, ``runner``, ``plots``): :mod:`~.link` (a sweep of point-to-point
  links; one unit is every SNR point and equaliser in one batched pass), :mod:`~.network`
  (many agents on one medium), :mod:`~.system` (multicell, on the semantic PHY
  abstraction of :mod:`~.abstraction`), :mod:`~.stitch` (the transmitter × receiver table).
* :mod:`~.run`: **running**, kind-agnostic: the lifecycle (store cycle, manifest), the
  executors (inline, processes, Dask; they receive the kind's unit runner), the process
  pool, :mod:`~.run.context` (the study's data and agents every kind shares) and
  :mod:`~.run.randomness`, the one owner of seeds.
* :mod:`~.results`: the resumable store, the intervals and the summary layout every kind
  shares; **a new metric of a link** goes into :mod:`~.link.metrics` and its row.
* :mod:`~.figures`: the figure scaffolding; :func:`~.kinds.plots.plot_all` draws any run's
  figures through its kind, :mod:`~.kinds.report` writes its report; a kind's own
  figures are its ``plots`` module.
* The ``semcom`` command: :mod:`~.cli`.

A new channel, scheme or semantic equaliser is not here: see :mod:`semcom.channels`,
:mod:`semcom.transceivers.schemes`, :mod:`semcom.transceivers.semantic`. Names below are
imported on first use (PEP 562), so ``semcom --help`` and ``semcom validate`` of a
malformed file never pay for torch and Sionna.
"""

from importlib import import_module

__all__ = ["Scenario", "load_scenario", "parse_scenario", "check_scenario", "run_study", "load_study",
           "parse_study"]

_WHERE = {"Scenario": ".link.schema", "load_scenario": ".link.schema", "parse_scenario": ".link.schema",
          "check_scenario": ".link.checks", "run_study": ".kinds", "load_study": ".kinds", "parse_study": ".kinds"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
