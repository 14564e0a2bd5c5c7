"""Names a package exports but imports on first use (PEP 562), so importing the package stays light."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``name`` is imported from the module
    ``where[name]`` (relative to ``package``, or absolute) when it is first read.

    >>> getattr_ = lazy_exports("semcom.core", {"Registry": ".registry"})
    >>> getattr_("Registry").__name__
    'Registry'
    """

    def __getattr__(name: str) -> Any:
        if name in where:
            return getattr(import_module(where[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
