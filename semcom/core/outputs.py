"""Which files in a folder semcom wrote: the output marker, read before any write.

An output folder (a run's ``--out``) holds a marker, :data:`OUTPUT_MARKER`, listing the
files semcom wrote there (paths relative to the folder). :func:`~semcom.core.io.atomic_path`,
the one place results, figures and reports are written, asks :func:`check_write`
first: inside a marked folder it refuses, in one line, to replace a file the marker
does not list (a user's ``results.csv`` or ``report.html``), to write through a
symbolic link, or to write below a folder that is one; after the write it records the
file (:func:`record_written`). Outside marked folders (caches) nothing changes.

Claiming a folder (new, empty, or already semcom's) is the run's business:
:func:`semcom.simulator.results.folders.claim_output_dir`.

Example::

    from pathlib import Path
    from semcom.core.outputs import mark_output_dir, written_by_semcom
    folder = Path("/tmp/semcom-example-out"); folder.mkdir(exist_ok=True)
    mark_output_dir(folder, ["results.sqlite"])
    print(written_by_semcom(folder / "results.sqlite"), written_by_semcom(folder / "notes.txt"))  # True False
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import SemcomInputError

__all__ = [
    "OUTPUT_MARKER",
    "OutputOwnershipError",
    "output_root",
    "owned_files",
    "mark_output_dir",
    "record_written",
    "written_by_semcom",
    "check_write",
]

#: The marker file of a folder semcom writes into (JSON: the files it wrote).
OUTPUT_MARKER = ".semcom-output.json"
# Folders below an output folder's root that semcom writes into (plots/): how far up a marker is looked for
_LEVELS = 2


class OutputOwnershipError(SemcomInputError):
    """A write that would replace or reach a file semcom did not write."""


def output_root(path: str | os.PathLike) -> Path | None:
    """The marked output folder ``path`` lies in (its folder or the one above), else `None`."""
    parent = Path(path).absolute().parent
    for folder in [parent, *parent.parents][:_LEVELS]:
        marker = folder / OUTPUT_MARKER
        if marker.is_file() and not marker.is_symlink():
            return folder
    return None


def owned_files(root: Path) -> set[str]:
    """The files (relative POSIX paths) the marker of ``root`` lists; empty when unreadable."""
    try:
        data = json.loads((root / OUTPUT_MARKER).read_text())
        return {str(f) for f in data.get("files", [])} if isinstance(data, dict) else set()
    except (OSError, ValueError):
        return set()


def mark_output_dir(root: Path, files: Iterable[str] = ()) -> None:
    """Write ``root``'s marker listing ``files`` (plus those it lists already), atomically."""
    listed = sorted(owned_files(root) | {str(f) for f in files})
    fd, tmp = tempfile.mkstemp(dir=root, prefix=f"{OUTPUT_MARKER}.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump({"written_by": "semcom", "files": listed}, f, indent=0)
    os.replace(tmp, root / OUTPUT_MARKER)


def _relative(root: Path, path: str | os.PathLike) -> str:
    return Path(path).absolute().relative_to(root).as_posix()


def record_written(path: str | os.PathLike) -> None:
    """Record ``path`` as written by semcom, when it lies in a marked output folder."""
    root = output_root(path)
    if root is not None and _relative(root, path) not in owned_files(root):
        mark_output_dir(root, [_relative(root, path)])


def written_by_semcom(path: str | os.PathLike) -> bool:
    """Whether the marker of the output folder ``path`` lies in lists it."""
    root = output_root(path)
    return root is not None and _relative(root, path) in owned_files(root)


def check_write(path: str | os.PathLike) -> None:
    """Refuse (one line) a write to ``path`` inside a marked output folder that would
    replace a file semcom did not write, or go through a symbolic link."""
    root = output_root(path)
    if root is None:
        return
    target = Path(path).absolute()
    for folder in [target, *target.parents]:
        if folder == root:
            break
        if folder.is_symlink():
            raise OutputOwnershipError(
                f"'{folder}' is a symbolic link; semcom writes its outputs only into "
                "folders it made: remove the link or choose another --out"
            )
    if target.is_symlink():
        raise OutputOwnershipError(
            f"'{target}' is a symbolic link; semcom never writes through one: "
            "remove it or choose another --out"
        )
    if os.path.lexists(target) and _relative(root, target) not in owned_files(root):
        raise OutputOwnershipError(
            f"'{target}' was not written by semcom, which never replaces a file it "
            "did not write; move it away or choose another --out"
        )
