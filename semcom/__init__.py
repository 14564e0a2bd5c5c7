"""semcom: semantic communication between heterogeneous AI agents over wireless channels.

The public API (``dir(semcom)`` lists it): :func:`run` (``semcom run``), :func:`load`
(an earlier run's folder), :class:`Result` (its rows, ``table()``, ``plot()``),
:func:`scenario_path` and :func:`scenario_names` (the shipped scenarios) and
:func:`schema` (``semcom schema``). The repository's folders install below this import
name: ``semcom.channels`` (channel models on Sionna), ``semcom.transceivers`` (what an
agent does), ``semcom.simulator`` (studies, store, plots, CLI) and ``semcom.scenarios``
(shipped YAML studies); ``semcom.core`` holds what all of them share.

Example (runs from any folder: the scenario ships with the package)::

    import semcom
    result = semcom.run(semcom.scenario_path("quickstart"), quiet=True, **{"sweep.snr_db": [0, 10]})
    result.frame        # pandas DataFrame, a row per (unit, SNR, semantic equaliser)
"""

from .core.version import __version__

__all__ = ["__version__", "run", "load", "Result", "scenario_path", "scenario_names", "schema"]

_API = ("run", "load", "Result", "schema")
_SCENARIOS = ("scenario_path", "scenario_names")


def __getattr__(name: str):
    if name in _API:
        # lazy: `import semcom` stays light (no pydantic, torch, matplotlib) until the API is used
        from . import api

        return getattr(api, name)
    if name in _SCENARIOS:
        from . import scenarios  # lazy: as the API, loaded when first asked for

        return getattr(scenarios, name)
    raise AttributeError(f"module 'semcom' has no attribute '{name}'")


def __dir__() -> list[str]:
    """The public API (what ``from semcom import *`` gives), not the sub-packages."""
    return sorted(__all__)
