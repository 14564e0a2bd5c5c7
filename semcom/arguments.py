"""The Python API's arguments: typed and bounded as the CLI's options are, and refusals
worded for a Python caller.

The CLI's parser types every option before a command runs; a Python caller gets the same
bounds here, one line each: a flag is a ``bool`` (``force="false"`` would otherwise count
as true and discard finished results), ``workers`` a whole number >= 1, ``out`` a path,
``scheduler`` an address or a ``dask.distributed.Client``. A wrong type raises
:class:`ArgumentError`, which is both a :class:`~semcom.core.errors.SemcomInputError` (a
``ValueError``, as every input error) and a ``TypeError``.

:func:`for_python` rewords a refusal that names a CLI option (``--force``, ``--out``) with
the keyword a Python caller passes (``force=True``, ``out=``); inside
:func:`warnings_for_python`, warnings are shown so worded too.

Example::

    from semcom.arguments import ArgumentError, check_flag
    check_flag("force", False)            # False
    try:
        check_flag("force", "false")      # a string is never a flag
    except ArgumentError as exc:
        print(exc)    # force: must be True or False (got 'false' of type str); pass force=True or force=False
"""

from __future__ import annotations

import numbers
import os
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError, short_repr

__all__ = [
    "ArgumentError",
    "check_flag",
    "check_path",
    "check_workers",
    "check_scheduler",
    "check_name",
    "for_python",
    "warnings_for_python",
]


class ArgumentError(SemcomInputError, TypeError):
    """An argument of the wrong type or out of its bounds (one line naming it and the fix)."""


def _got(value: Any) -> str:
    return f"got {short_repr(value)} of type {type(value).__name__}"


def check_flag(name: str, value: Any) -> bool:
    """``value`` when it is ``True`` or ``False``; refused otherwise (a string is never a flag)."""
    if not isinstance(value, bool):
        raise ArgumentError(
            f"{name}: must be True or False ({_got(value)}); pass {name}=True or {name}=False"
        )
    return value


def check_path(name: str, value: Any, optional: bool = False) -> Any:
    """``value`` when it is a path (``str`` or ``os.PathLike``; `None` too when ``optional``)."""
    if value is None and optional:
        return value
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        what = "a folder path (str or pathlib.Path)" + (", or None" if optional else "")
        raise ArgumentError(f"{name}: must be {what} ({_got(value)}); pass e.g. {name}='runs/my_study'")
    return value


def check_name(name: str, value: Any, optional: bool = False) -> Any:
    """``value`` when it is a ``str`` (a column, a format; `None` too when ``optional``)."""
    if not (isinstance(value, str) or (value is None and optional)):
        raise ArgumentError(
            f"{name}: must be a name (str){' or None' if optional else ''} ({_got(value)}); "
            f"pass e.g. {name}='snr_db'"
        )
    return value


def check_workers(value: Any) -> int:
    """``value`` when it is a whole number >= 1 (the CLI's ``--workers`` bound)."""
    if isinstance(value, bool) or not isinstance(
        value, numbers.Integral
    ):  # numpy's integers are whole numbers
        raise ArgumentError(f"workers: must be a whole number >= 1 ({_got(value)}); pass e.g. workers=2")
    if value < 1:
        raise ArgumentError(f"workers: must be >= 1 (got {value}); pass workers=1 to run inline")
    return int(value)


def check_scheduler(value: Any) -> Any:
    """``value`` when it is `None`, a Dask scheduler address or a ``dask.distributed.Client``."""
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    distributed = sys.modules.get("distributed")  # a Client exists only once distributed is imported
    if distributed is not None and isinstance(value, distributed.Client):
        return value
    raise ArgumentError(
        f"scheduler: must be a Dask scheduler address such as 'tcp://127.0.0.1:8786' or a "
        f"dask.distributed.Client ({_got(value)}); pass None to run without Dask"
    )


#: (CLI wording, Python wording), applied in order: a hint that already names the keyword
#: first, then the options one by one.
_WORDING = [
    (r"--[\w-]+ \(semcom\.run\(\.\.\., (\w+=\w+)\)\)", r"\1"),
    (r"--out '([^']*)'", r"out='\1'"),
    (r"(another|a new) --out\b", r"\1 out folder"),
    (r"the --out (directory|folder)", r"the out folder"),
    (r"--force\b", "force=True"),
    (r"--allow-large\b", "allow_large=True"),
    (r"--allow-code\b", "allow_code=True"),
    (r"--no-plots\b", "plots=False"),
    (r"--workers\b", "workers"),
    (r"--scheduler\b", "scheduler"),
    (r"--out\b", "out"),
]


def _reword(text: str) -> str:
    for pattern, replacement in _WORDING:
        text = re.sub(pattern, replacement, text)
    return text


def for_python(exc: SemcomInputError) -> SemcomInputError:
    """``exc`` with every CLI option it names worded as the keyword a Python caller passes
    (``--force`` as ``force=True``); the same class, so ``except`` clauses still match."""
    if isinstance(exc, ScenarioErrors):
        return ScenarioErrors([for_python(e) for e in exc.errors])
    text = str(exc)
    new = _reword(text)
    if new == text:
        return exc
    if isinstance(exc, ScenarioError):  # keep its parts (a worker pickles it from them)
        field, value, problem, fix = exc._parts
        return type(exc)(_reword(field), value, _reword(problem), _reword(fix))
    try:
        clone = type(exc)(new)
    except TypeError:  # a subclass with a constructor of its own: a plain input error then
        clone = SemcomInputError(new)
    return clone


@contextmanager
def warnings_for_python() -> Iterator[None]:
    """Inside, a warning that names a CLI option (``--force: discarding ...``) is shown with the
    keyword instead, as it comes, through whatever shows warnings (a notebook, pytest)."""
    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        text = str(message)
        if _reword(text) != text:
            try:
                message = category(_reword(text))
            except TypeError:  # a category with a constructor of its own: the text then
                message = _reword(text)
        shown(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield
