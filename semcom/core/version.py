"""The installed version of semcom (what manifests and table files record), without importing the
top-level package (whose API reaches every kind of study)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("semcom")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
