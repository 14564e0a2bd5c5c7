"""Atomic file writes: the one place that writes a file through a temporary and a rename.

A killed run never leaves a half-written results file, figure or cache entry: the
content goes to a temporary file in the same folder, which is then renamed over the
target (``os.replace`` is atomic on POSIX within one file system). Inside a run's output
folder a file semcom did not write is never replaced, and no symbolic link is followed
(:mod:`semcom.core.outputs`).

Example::

    from pathlib import Path
    from semcom.core.io import atomic_path, write_text_atomic
    Path("out").mkdir(exist_ok=True)
    write_text_atomic("out/manifest.json", "{}")
    with atomic_path("out/table.csv") as tmp:       # for writers that take a path (fig.savefig, np.save)
        Path(tmp).write_text("a,b")
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from collections.abc import Iterator

from .outputs import check_write, record_written

__all__ = ["atomic_path", "write_text_atomic"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path next to ``path``; on a clean exit rename it onto ``path``.

    On an error the temporary file is removed and ``path`` is left as it was. Inside a
    marked output folder, :func:`~semcom.core.outputs.check_write` may refuse the write
    (a user's file, a symbolic link) before anything is written.
    """
    path = Path(path)
    check_write(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
        record_written(path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(path: str | os.PathLike, text: str, newline: str | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    with atomic_path(path) as tmp, open(tmp, "w", newline=newline) as f:
        f.write(text)
