"""The warnings a run gives about its own results (a scenario whose numbers may mislead): shown
as they come, as any warning is, and kept for the run's ``manifest.json``.

A kind's checks and exports warn with :class:`~semcom.simulator.scenario.checks.ScenarioWarning`;
:func:`recording` (around a run, :meth:`semcom.simulator.kinds.base.StudyKind.run`) keeps the text
of each, and :func:`recorded` hands them to the manifest, so a reader of the results folder sees
them without the terminal the run printed to. Every such warning is kept, however often the same
text recurs (Python shows a warning once per place by default: a second run in one process would
otherwise keep none).

Example::

    import warnings
    from semcom.simulator.run.run_warnings import recorded, recording
    from semcom.simulator.scenario.checks import ScenarioWarning
    with recording():
        warnings.warn("data: the test set holds one class", ScenarioWarning)
        print(recorded())          # ['data: the test set holds one class']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["recording", "recorded"]

_LOG: list[str] | None = None


@contextmanager
def recording() -> Iterator[list[str]]:
    """Keep the text of every :class:`ScenarioWarning` given inside the block (still shown as
    usual); yields the list they are kept in."""
    from ..scenario.checks import ScenarioWarning  # lazy: the checks load the registries (torch)

    global _LOG
    outer, _LOG = _LOG, []
    kept = _LOG
    with warnings.catch_warnings():  # restores the filters and showwarning afterwards
        warnings.simplefilter("always", ScenarioWarning)
        shown = warnings.showwarning

        def keep(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, ScenarioWarning):
                kept.append(" ".join(str(message).split()))
            shown(message, category, filename, lineno, file, line)

        warnings.showwarning = keep
        try:
            yield kept
        finally:
            _LOG = outer


def recorded() -> list[str]:
    """The warnings kept so far by the innermost :func:`recording` (none outside one), each once."""
    return list(dict.fromkeys(_LOG or []))
