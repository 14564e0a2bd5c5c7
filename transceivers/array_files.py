"""Arrays read from data files within a memory budget, checked before anything is allocated.

A data file says how large its arrays are before it holds them: a ``.npy`` member of a
``.npz`` file has a header with its shape and dtype, an IDX file a header with its
dimensions. numpy allocates what a header claims and only then finds the data missing,
so a 500-byte file claiming 2·10⁹ values costs gigabytes. Here the header is read first
and refused, in one line naming the file and the member, when it disagrees with the
bytes the file holds, asks for Python objects (pickle), or exceeds
:data:`MAX_ARRAY_BYTES`; a member that is not a ``.npy`` array at all (a zipped pickle)
is refused too. Only then is the array read.

Example::

    import numpy as np
    from semcom.transceivers.array_files import read_npz_arrays
    np.savez("/tmp/a.npz", latents=np.zeros((4, 2)), labels=np.arange(4))
    arrays = read_npz_arrays("/tmp/a.npz", ["latents", "labels"], ["split"])
    print(arrays["latents"].shape, "split" in arrays)      # (4, 2) False
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy

from semcom.core.errors import SemcomInputError

__all__ = ["MAX_ARRAY_BYTES", "read_npz_arrays", "read_at_most"]

#: Largest array a data file may hold (a float32 latent array of 500,000 samples x 1,000
#: dimensions); a study of more belongs on a machine set up for it, in files split by agent.
MAX_ARRAY_BYTES = 2 * 2**30
# .npy headers are a few hundred bytes; numpy's own guard is 10,000
_MAX_HEADER = 10_000
_PLAIN = "save plain numeric arrays with numpy.savez(path, latents=..., labels=...)"


def _bad(path: Path, problem: str, fix: str) -> SemcomInputError:
    return SemcomInputError(f"file '{path}': {problem}; {fix}")


def _header(path: Path, name: str, fp: BinaryIO, member_size: int) -> None:
    """Check one ``.npy`` member's header against its size and the budget (reads the header only)."""
    try:
        version = npy.read_magic(fp)
        reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _, dtype = reader(fp, max_header_size=_MAX_HEADER)
    except ValueError:
        raise _bad(
            path,
            f"'{name}' is not a numpy array (no valid .npy header: a pickle or other data, never loaded)",
            _PLAIN,
        ) from None
    if dtype.hasobject:
        raise _bad(path, f"'{name}' holds Python objects (pickled arrays), which are never loaded", _PLAIN)
    claimed = math.prod(shape) * dtype.itemsize
    held = member_size - fp.tell()
    if claimed != held:
        raise _bad(
            path,
            f"'{name}' claims shape {shape} of {dtype} ({claimed:,} bytes) but holds {held:,} bytes",
            "the file is truncated or corrupt: write it again with numpy.savez",
        )
    if claimed > MAX_ARRAY_BYTES:
        raise _bad(
            path,
            f"'{name}' holds {claimed / 2**30:.1f} GiB (shape {shape}, {dtype}), more than "
            f"the {MAX_ARRAY_BYTES / 2**30:.0f} GiB an array may take",
            "use fewer samples or dimensions",
        )


def read_npz_arrays(
    path: str | Path, required: Iterable[str], optional: Iterable[str] = ()
) -> dict[str, np.ndarray]:
    """The arrays ``required`` (and those of ``optional`` the file has) of the ``.npz`` file
    ``path``, each header checked before its array is read (see the module docstring).

    Raises :class:`SemcomInputError` naming the file for a file that is not a zip, a
    missing member, a member that is not a numeric ``.npy`` array, a header that
    disagrees with the member's size or exceeds :data:`MAX_ARRAY_BYTES`, or a member
    that cannot be read back (truncated, failed checksum).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            # numpy.savez names a member `<key>.npy`; numpy.load also finds one named `<key>`
            members = {
                name.removesuffix(".npy"): zf.getinfo(name)
                for name in sorted(zf.namelist(), key=lambda n: n.endswith(".npy"))
            }
            missing = [name for name in required if name not in members]
            if missing:
                held = ", ".join(sorted(members)) or "nothing"
                raise _bad(
                    path,
                    f"has no '{missing[0]}' array (it holds: {held})",
                    "save it with numpy.savez(path, latents=[N, d] array, labels=[N] array)",
                )
            wanted = [*required, *(name for name in optional if name in members)]
            for name in wanted:
                with zf.open(members[name]) as fp:
                    _header(path, name, fp, members[name].file_size)
            out = {}
            for name in wanted:
                with zf.open(members[name]) as fp:
                    out[name] = npy.read_array(fp, allow_pickle=False, max_header_size=_MAX_HEADER)
            return out
    except SemcomInputError:
        raise
    except (
        OSError,
        EOFError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise _bad(path, f"is truncated or corrupt ({exc})", "write it again with numpy.savez") from None


def read_at_most(f: BinaryIO, path: Path, limit: int = MAX_ARRAY_BYTES) -> bytes:
    """Everything ``f`` holds, refused in one line naming ``path`` when that is more than
    ``limit`` bytes (a compressed file that expands without end is never read whole)."""
    data = f.read(limit + 1)
    if len(data) > limit:
        raise SemcomInputError(
            f"data file '{path}' holds more than {limit / 2**30:.3g} GiB (after "
            "decompression); use a smaller file"
        )
    return data
