"""Name → class registries, so a scenario file can select any block by name.

Every pluggable concept (channel model, anchor strategy, semantic equaliser,
encoder architecture, ...) owns one :class:`Registry`. Looking up a wrong name
raises a :class:`UnknownNameError` that lists the known names and suggests the
closest one, which the scenario validator turns into a one-line user error.
"""

from __future__ import annotations

import difflib
import inspect
import sys
from typing import Any, Generic, TypeVar
from collections.abc import Callable, Iterator

T = TypeVar("T")

__all__ = [
    "Registry",
    "UnknownNameError",
    "suggest",
    "constructor_settings",
    "constructor_defaults",
    "names_registered_so_far",
]


def constructor_settings(factory: Any, stop: type) -> list[str]:
    """The keyword settings a registered block class takes: the named parameters of every
    ``__init__`` in its MRO below ``stop`` (e.g. Sionna's ``Block``), without ``precision``
    and ``device``, sorted; for a factory function (a zoo encoder), its own parameters.
    The one place a constructor's signature is read: for did-you-mean messages of blocks
    whose settings have no typed spec (semantic equalisers, encoders)."""
    inits = (
        [
            klass.__dict__["__init__"]
            for klass in factory.__mro__[: factory.__mro__.index(stop)]
            if "__init__" in klass.__dict__
        ]
        if isinstance(factory, type)
        else [factory]
    )
    names: set[str] = set()
    for init in inits:
        names |= {
            p.name
            for p in inspect.signature(init).parameters.values()
            if p.kind is p.KEYWORD_ONLY or p.kind is p.POSITIONAL_OR_KEYWORD
        }
    return sorted(names - {"self", "precision", "device"})


def constructor_defaults(factory: type, stop: type) -> dict[str, Any]:
    """The default of every keyword setting of a block class, read from the ``__init__`` methods
    of its MRO below ``stop`` (a subclass's default first), without ``precision`` and ``device``:
    the constructor is where a setting without a typed spec declares its default, once."""
    out: dict[str, Any] = {}
    for klass in factory.__mro__[: factory.__mro__.index(stop)]:
        if "__init__" in klass.__dict__:
            for p in inspect.signature(klass.__dict__["__init__"]).parameters.values():
                if p.default is not p.empty and p.name not in ("precision", "device"):
                    out.setdefault(p.name, p.default)
    return out


def suggest(name: str, known: list[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


class UnknownNameError(KeyError):
    """A name that is not registered; the message names the choices."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name, self.known = kind, name, known
        msg = f"unknown {kind} '{name}'{suggest(name, known)}; choose one of: {', '.join(sorted(known))}"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class Registry(Generic[T]):
    """A named collection of classes (or factories) of one kind.

    >>> channels = Registry("channel model")
    >>> @channels.register("awgn")
    ... class MyAWGN: ...
    >>> channels.get("awgn") is MyAWGN
    True
    """

    def __init__(self, kind: str, load: Callable[[], Any] | None = None):
        """:param load: imports the modules that register the built-in entries; called once,
        when the registry is first read (so a package can import its modules lazily)."""
        self.kind = kind
        self._items: dict[str, T] = {}
        self._load = load

    def _loaded(self) -> dict[str, T]:
        if self._load is not None:
            load, self._load = self._load, None
            load()
        return self._items

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(obj: T) -> T:
            if name in self._items and self._items[name] is not obj:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._items[name] = obj
            return obj

        return decorator

    def unregister(self, name: str) -> None:
        """Remove ``name`` (a test's or a session's own entry)."""
        self._loaded().pop(name, None)

    def get(self, name: str) -> T:
        try:
            return self._loaded()[name]
        except KeyError:
            raise UnknownNameError(self.kind, name, list(self._items)) from None

    def names(self) -> list[str]:
        return sorted(self._loaded())

    def registered(self) -> list[str]:
        """The names registered so far, without importing the modules of the built-in entries."""
        return sorted(self._items)

    def values(self) -> list[T]:
        """The registered entries, in registration order."""
        return list(self._loaded().values())

    def __contains__(self, name: object) -> bool:
        return name in self._loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


def names_registered_so_far(module: str, attribute: str) -> list[str]:
    """The names registered so far in the registry ``attribute`` of ``module`` when that module
    is imported (a user who registers a name has imported it), else none: nothing is imported
    here, so a caller that must stay light (``semcom schema``: no torch) can ask."""
    registry = getattr(sys.modules.get(module), attribute, None)
    return registry.registered() if isinstance(registry, Registry) else []
