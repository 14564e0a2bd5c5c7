"""A full disk, told as one line: the folder, the bytes free and the bytes needed.

SQLite reports a full disk as ``SQLITE_FULL`` (``database or disk is full``), and a file
write as ``OSError`` with ``ENOSPC`` (or ``EDQUOT``, a full quota). Either way a run's
finished units are safe in its store (a unit is committed whole or not at all), so the
advice is to make room and run the same command again, never ``--force``, which would
discard them.

Example::

    import errno
    from semcom.core.diskfull import DiskFullError, is_disk_full
    print(is_disk_full(OSError(errno.ENOSPC, "No space left on device")))    # True
    print(DiskFullError("/tmp", needed=2_000_000))     # the one line a user sees
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3

from .errors import SemcomInputError

__all__ = ["DiskFullError", "is_disk_full", "human_bytes"]

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_SQLITE_FULL = 13  # SQLite's primary result code for a full disk


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says that the disk (or the user's quota) is full."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL_ERRNOS
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return (code is not None and code & 0xFF == _SQLITE_FULL) or "disk is full" in str(exc)
    return False


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def _free(folder: os.PathLike | str) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


class DiskFullError(SemcomInputError):
    """The disk holding ``folder`` is full: one line with the bytes free and the bytes the
    rest of the run needs (an estimate), the store intact, and the advice to resume.

    :param folder: the folder being written; :param needed: bytes the rest of the work needs
        (about); :param what: what needs them (shown after the number).
    """

    def __init__(self, folder: os.PathLike | str, needed: int, what: str = ""):
        self.folder, self.needed, self.what = str(folder), int(needed), what
        free = _free(folder)
        has = f"has {human_bytes(free)} free and " if free is not None else ""
        super().__init__(
            f"disk full: '{self.folder}' {has}needs about {human_bytes(self.needed)} ({self.needed} bytes) more"
            f"{f' ({what})' if what else ''}; the finished units are safe in its results store: free some space "
            "(or move the folder to a larger disk) and run the same command again to resume; do not use --force, "
            "which would discard them"
        )

    def __reduce__(self):
        return type(self), (self.folder, self.needed, self.what)
