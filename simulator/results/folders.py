"""Output folders a run may write into: new, empty, or already semcom's.

:func:`claim_output_dir` is called before anything is written into a run's folder
(``--out``; the results store calls it too). It refuses, in one line naming the fix:

* an empty ``--out`` (it would be the working directory), a path that is a file, and a
  folder that is a symbolic link;
* a folder that holds files semcom did not write, unless ``force``: semcom then writes
  beside them, replaces only its own files and says so, and refuses (at once, or when
  it comes to it) to replace any of theirs.

A folder is semcom's when it holds the marker (:data:`~semcom.core.outputs.OUTPUT_MARKER`)
or, for folders written before the marker existed, a results store with semcom's own
schema (its files are then recorded as semcom's). :func:`require_output_dir` admits
only such folders (``semcom plot``, ``semcom report``, which write into them). Writes
inside a claimed folder go through :func:`semcom.core.io.atomic_path`, which never
replaces a file the marker does not list.

Example::

    from semcom.simulator.results.folders import claim_output_dir
    out = claim_output_dir("/tmp/semcom-example-run", force=False)   # made and marked
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import warnings
from contextlib import contextmanager
from pathlib import Path

from semcom.core.diskfull import DiskFullError, is_disk_full

from semcom.core.outputs import OUTPUT_MARKER, OutputOwnershipError, mark_output_dir, output_root, owned_files

from . import store_sql as sql

__all__ = [
    "claim_output_dir",
    "check_output_dir",
    "require_output_dir",
    "is_semcom_store",
    "open_lock",
    "lock_output_dir",
    "held_output_dir",
    "check_store_files",
    "study_outputs",
    "STORE_FILES",
    "OutputFolderWarning",
    "FolderInUseError",
]

DB_NAME = "results.sqlite"
#: The results store's own files (SQLite's log beside the database, the lock).
STORE_FILES = (".lock", DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal")
# Files semcom writes in every kind of run: with --force in a folder of others, any of
# theirs under one of these names is refused before the run starts
_EVERY_RUN = (*STORE_FILES, "scenario.yaml", "manifest.json", "report.html", "plots")


class OutputFolderWarning(UserWarning):
    """``--force``: what semcom replaces, or writes beside, in an output folder."""


class FolderInUseError(OutputOwnershipError):
    """Another semcom process holds the output folder's lock."""


def _refuse(directory, problem: str, fix: str) -> OutputOwnershipError:
    return OutputOwnershipError(f"--out '{directory}': {problem}; {fix}")


def is_semcom_store(path: Path) -> bool:
    """Whether ``path`` is a results store semcom wrote: a regular file whose database has
    semcom's tables (``meta``, ``units``, ``results``) and a study hash, and nothing else."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        db = sql.connect_read_only(path)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            hashed = (
                tables >= {"meta"}
                and db.execute("SELECT 1 FROM meta WHERE key = 'study_hash'").fetchone() is not None
            )
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False
    return hashed and tables <= {"meta", "units", "results", "rows"}


def _files(directory: Path) -> list[str]:
    """Every entry of ``directory`` and of its sub-folders one level down (relative POSIX paths)."""
    out = []
    for entry in sorted(directory.iterdir()):
        out.append(entry.name)
        if entry.is_dir() and not entry.is_symlink():
            out += [f"{entry.name}/{inner.name}" for inner in sorted(entry.iterdir())]
    return out


def _is_ours(path: Path) -> bool:
    """Whether the folder ``path`` holds semcom's marker or semcom's store."""
    return output_root(path / OUTPUT_MARKER) == path.absolute() or is_semcom_store(path / DB_NAME)


def _check_path(directory) -> Path:
    if not str(directory).strip():
        raise _refuse(
            directory,
            "is empty (the study would be written into the working directory)",
            "give a folder, e.g. --out runs/my_study",
        )
    path = Path(directory)
    if path.is_symlink():
        raise _refuse(directory, "is a symbolic link", "give the folder itself, not a link to it")
    if path.exists() and not path.is_dir():
        raise _refuse(directory, "is a file, not a folder", "choose another --out")
    return path


def require_output_dir(directory) -> Path:
    """``directory`` when it is semcom's output folder (marked, or holding semcom's store),
    recording it as such; a one-line refusal otherwise."""
    path = _check_path(directory)
    if output_root(path / OUTPUT_MARKER) == path.absolute():
        return path
    if is_semcom_store(path / DB_NAME):
        mark_output_dir(path, _files(path))  # a folder written before the marker existed
        return path
    raise _refuse(
        directory,
        f"is not a semcom output folder (no {DB_NAME} of semcom's)",
        "give the --out folder of a semcom run",
    )


def _foreign(path: Path, directory, force: bool, ignore: tuple[str, ...] = ()) -> list[str]:
    """The top-level files of an existing folder that is not semcom's (none when it is
    semcom's or empty), but ``ignore``; refused unless ``force``, and refused even then where
    one has a name every run writes."""
    if not path.is_dir() or _is_ours(path):
        return []
    others = [f for f in _files(path) if "/" not in f and f not in ignore]
    if others and not force:
        shown = ", ".join(others[:4]) + (" ..." if len(others) > 4 else "")
        raise _refuse(
            directory,
            f"holds {len(others)} file(s) semcom did not write ({shown})",
            "choose a new or empty folder, or --force to write beside them (semcom then replaces "
            "only its own files)",
        )
    clash = [f for f in others if f in _EVERY_RUN]
    if clash:
        raise _refuse(
            directory,
            f"--force replaces only semcom's own files, and '{clash[0]}' there is not one",
            "move it away or choose another --out",
        )
    return others


def check_output_dir(directory, force: bool = False) -> Path:
    """What :func:`claim_output_dir` would refuse, refused now, with nothing created or
    written (before a run checks and computes anything)."""
    path = _check_path(directory)
    try:
        _foreign(path, directory, force)
    except OSError as exc:
        raise _refuse(
            directory, f"cannot be used as an output folder ({exc.strerror or exc})", "choose another --out"
        ) from None
    return path


def claim_output_dir(directory, force: bool = False, locked: bool = False) -> Path:
    """Make or admit ``directory`` as a run's output folder and mark it (see the module docstring).
    ``locked``: the caller holds the folder's lock (:func:`lock_output_dir`), whose file is then
    semcom's."""
    path = _check_path(directory)
    try:
        others = _foreign(path, directory, force, ignore=(".lock",) if locked else ())
        path.mkdir(parents=True, exist_ok=True)
        if not others and any(p.name != ".lock" or not locked for p in path.iterdir()):  # semcom's already
            return require_output_dir(path)
        if others:
            warnings.warn(
                f"--force: writing into '{directory}' beside {len(others)} file(s) semcom did not "
                "write (they are left as they are)",
                OutputFolderWarning,
                stacklevel=2,
            )
        mark_output_dir(path, STORE_FILES)
    except OSError as exc:
        raise _refuse(
            directory, f"cannot be used as an output folder ({exc.strerror or exc})", "choose another --out"
        ) from None
    return path


def open_lock(directory: Path):
    """The run's ``.lock`` file, opened without following a symbolic link and without
    truncating it (a lock needs no content): a binary file object; one line otherwise."""
    try:
        fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        linked = (directory / ".lock").is_symlink()
        what = "is a symbolic link" if linked else f"cannot be opened ({exc.strerror})"
        raise _refuse(
            directory, f"its lock file '.lock' {what}", "remove it or choose another --out"
        ) from None
    return os.fdopen(fd, "r+b", buffering=0)


def lock_output_dir(directory):
    """Make ``directory`` (when new) and take its run lock: the open ``.lock`` file, locked
    until it is closed. Refused in one line when another semcom process holds it."""
    path = _check_path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(path.parent, 4096, "a folder") from None
        raise _refuse(
            directory, f"cannot be used as an output folder ({exc.strerror or exc})", "choose another --out"
        ) from None
    lock = open_lock(path)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise FolderInUseError(
            f"output directory '{directory}' is in use by another semcom run; "
            "wait for it to finish or choose another --out"
        ) from None
    return lock


# Folders this process holds through held_output_dir (a report redraws its figures inside)
_HELD: set[Path] = set()


@contextmanager
def held_output_dir(directory):
    """Hold the run lock of the output folder ``directory`` while writing into it (figures,
    a report): no run writes into it meanwhile. Re-entrant within a process. A full disk
    becomes one :class:`~semcom.core.diskfull.DiskFullError` line."""
    key = Path(directory).resolve()
    lock = None if key in _HELD else lock_output_dir(directory)
    _HELD.add(key)
    try:
        yield Path(directory)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        rewritten = sum(
            (key / f).stat().st_size
            for f in study_outputs(key)
            if f.startswith("plots/") or f == "report.html"
        )
        raise DiskFullError(directory, max(rewritten, 1 << 20), "to write its figures and report") from None
    finally:
        if lock is not None:
            _HELD.discard(key)
            lock.close()  # closing the file releases the lock


def study_outputs(directory: Path) -> list[str]:
    """The files semcom wrote in ``directory`` that are outputs of a study (results,
    figures, manifest: all but the store's own files and the marker) and still exist."""
    return sorted(
        f
        for f in owned_files(directory) - set(STORE_FILES)
        if f != OUTPUT_MARKER and (directory / f).exists()
    )


def check_store_files(directory: Path) -> None:
    """Refuse a results store (or its SQLite log) that is a symbolic link or that semcom
    did not write (another application's SQLite file); then record the store's files as
    semcom's."""
    owned = owned_files(directory)
    for name in STORE_FILES[1:]:
        path = directory / name
        if path.is_symlink():
            raise _refuse(directory, f"'{name}' is a symbolic link", "remove it or choose another --out")
        if path.exists() and name not in owned:
            raise _refuse(
                directory,
                f"'{name}' was not written by semcom (another application's database?)",
                "choose another --out; semcom never writes into a file it did not make",
            )
    mark_output_dir(directory, STORE_FILES)
