"""semcom: semantic communication between heterogeneous AI agents over wireless channels.

The repository's folders install below this one import name: ``semcom.channels``
(channel models on Sionna), ``semcom.transceivers`` (what an agent does),
``semcom.simulator`` (studies, store, plots, CLI) and ``semcom.scenarios`` (shipped
YAML studies); ``semcom.core`` holds what all of them share.

Example::

    import semcom
    result = semcom.run("scenarios/quickstart.yaml", **{"sweep.snr_db": [0, 10]})
    result.frame        # pandas DataFrame, a row per (unit, SNR, semantic equaliser)
"""

from .core.version import __version__

__all__ = ["__version__", "run", "load", "Result"]


def __getattr__(name: str):
    if name in ("run", "load", "Result"):
        from . import api  # lazy: `import semcom` stays light (no pydantic, torch, matplotlib) until the API is used
        return getattr(api, name)
    raise AttributeError(f"module 'semcom' has no attribute '{name}'")
