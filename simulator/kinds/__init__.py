"""Kinds of study, peers over a kind-agnostic core: ``link``, ``network``, ``system`` and ``stitch``.

Each kind (:class:`StudyKind`) brings how to parse and check its scenario, expand it
into units, its runner (the hooks of the one run lifecycle), its result columns, its
summary table, its figures and what the report adds; the CLI, :mod:`semcom.api`, the
report (:mod:`~.report`) and :func:`~.plots.plot_run` ask the registry instead of branching
on a kind. A kind module imports its light parts (scenario model, units, summary) at
the top and its heavy hooks (checks, engine, runner, figures) when they are called, so
the registry loads neither torch nor matplotlib. A scenario file names its kind with
``kind:`` (``link`` when absent) and parses through one discriminated union
(:func:`parse_study`); a results folder records its kind in its store.

Example::

    from semcom.simulator.kinds import get_kind, load_study, kind_of
    sc = load_study("scenarios/network_edge.yaml")
    kind = kind_of(sc)                      # <study kind 'network'>
    kind.check(sc, check_data=False)
    print(len(kind.expand(sc)), kind.columns()[:4])

A new kind subclasses :class:`StudyKind` and calls :func:`register_kind` in a module here;
its run is a :class:`~semcom.simulator.run.lifecycle.StudyRunner` of hooks in a sub-package of
its own (the map of the layout: ``docs/design.md``). :mod:`~.plots` and :mod:`~.report` draw any
run's figures and write its report through its kind.
"""

from .base import *  # noqa: F403 - the package exports the registry module's names, its __all__
from .base import __all__  # noqa: F401
from . import link, network, stitch, system  # noqa: E402,F401 - the built-in kinds register themselves
