"""semcom: semantic communication between heterogeneous AI agents over wireless channels.

The repository's folders install below this one import name: ``semcom.channels``
(channel models on Sionna), ``semcom.transceivers`` (what an agent does),
``semcom.simulator`` (studies, store, plots, CLI) and ``semcom.scenarios`` (shipped
YAML studies); ``semcom.core`` holds what all of them share.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("semcom")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
