"""Precomputed latent files: latent spaces computed elsewhere, one ``.npz`` file per agent.

File format (``numpy.savez``/``savez_compressed``; read with ``allow_pickle=False``, so
no code in a data file ever runs):

* ``latents`` ``[N, d]``, real numbers, all finite: the agent's latent of each sample;
* ``labels`` ``[N]``, whole numbers >= 0: the task label of each sample;
* ``split`` ``[N]`` (optional): which samples form the pool (encoders' heads, anchors)
  and which are transmitted: ``0`` = pool, ``1`` = test (booleans: ``True`` = test), or
  the strings ``"pool"`` (or ``"train"``) and ``"test"``.

Every agent's file must list the *same samples in the same order*: the labels (and the
split, where given) of all files must agree. Two ways to use them:

* ``models: {a: {kind: npz, path: a.npz}}`` on any dataset: the file's labels
  must equal the dataset's, sample by sample;
* a study made only of files: ``data: {dataset: latents, path: FILE_OR_FOLDER}``. The
  dataset's labels (and split, if the files carry one; otherwise ``test_fraction``)
  come from the file, or from every ``*.npz`` in the folder, which must all agree.
  Its inputs are a dummy ``[N, 1, 1, 1]`` array of zeros (there are no images), so
  input-based agents (``mlp``, ``cnn``, ``pca``, ``torch``) are refused on it.

Nothing is cached: the files already are latents.

.. code-block:: python

    import numpy as np
    np.savez("tx.npz", latents=np.random.randn(500, 16), labels=np.arange(500) % 10)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Optional

import numpy as np
import torch

from .agents import LATENT_SOURCES, LatentSpace
from .array_files import read_npz_arrays
from .datasets import DATASETS, Dataset, fingerprint
from semcom.core.errors import SemcomInputError


__all__ = ["LatentFile", "read_latent_file", "LatentFileDataset", "load_latent_dataset", "latent_file_source",
           "check_data"]

_TEST_WORDS = {"test"}
_POOL_WORDS = {"pool", "train"}


@dataclass(frozen=True)
class LatentFile:
    """The checked content of one latent file.

    :ivar latents: [num_samples, latent_dim], float32, finite.
    :ivar labels: [num_samples], int64, >= 0.
    :ivar test_mask: [num_samples] bool (True = test sample) or `None` (no split in the file).
    """

    path: Path
    latents: np.ndarray
    labels: np.ndarray
    test_mask: Optional[np.ndarray]


def _bad(path: Path, problem: str, fix: str) -> SemcomInputError:
    return SemcomInputError(f"latent file '{path}': {problem}; {fix}")


def read_latent_file(path: str | Path) -> LatentFile:
    """Read and check one ``.npz`` latent file (see the module docstring for the format).

    Raises :class:`SemcomInputError` naming the file, the problem and the fix for a
    missing, corrupt or pickled file, a missing key, an array header that disagrees with
    the file or exceeds the memory budget (checked before anything is allocated:
    :func:`~semcom.transceivers.array_files.read_npz_arrays`), wrong shapes or dtypes,
    lengths that disagree, NaN/inf latents, negative labels or more classes than samples.
    """
    path = Path(path)
    if not path.is_file():
        raise _bad(path, "does not exist",
                   "check the path (a relative path in a scenario file starts from the file's folder)")
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:4] != b"PK\x03\x04" and magic != b"\x93NUMPY":   # neither a zip (.npz) nor a .npy
        raise _bad(path, "is not a .npz file (no zip signature at its start)",
                   "write it with numpy.savez(path, latents=..., labels=...)")
    if magic[:4] != b"PK\x03\x04":
        raise _bad(path, "holds a single array (.npy), not named arrays",
                   "save it with numpy.savez(path, latents=..., labels=...)")
    arrays = read_npz_arrays(path, ["latents", "labels"], ["split"])   # headers checked before reading
    latents, labels, split = arrays["latents"], arrays["labels"], arrays.get("split")
    return LatentFile(path, _check_latents(path, latents), _check_labels(path, labels, len(latents)),
                      None if split is None else _check_split(path, split, len(latents)))


def _check_latents(path: Path, latents: np.ndarray) -> np.ndarray:
    if latents.ndim != 2 or latents.shape[0] == 0 or latents.shape[1] == 0:
        raise _bad(path, f"'latents' has shape {latents.shape}", "give a non-empty [num_samples, latent_dim] array")
    if not (np.issubdtype(latents.dtype, np.floating) or np.issubdtype(latents.dtype, np.integer)):
        raise _bad(path, f"'latents' has dtype {latents.dtype}", "store real numbers (float32 or float64)")
    latents = latents.astype(np.float32)
    bad = ~np.isfinite(latents)
    if bad.any():
        rows = np.flatnonzero(bad.any(1))
        raise _bad(path, f"'latents' holds {int(bad.sum())} NaN/inf values (first in sample {int(rows[0])}, "
                   f"{len(rows)} samples affected)", "remove or recompute those samples in every file")
    return np.ascontiguousarray(latents)


def _check_labels(path: Path, labels: np.ndarray, num_samples: int) -> np.ndarray:
    if labels.ndim != 1:
        raise _bad(path, f"'labels' has shape {labels.shape}", "give a [num_samples] array of class indices")
    if len(labels) != num_samples:
        raise _bad(path, f"has {num_samples} latents but {len(labels)} labels",
                   "give one label per latent, in the same order")
    if np.issubdtype(labels.dtype, np.floating):
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise _bad(path, "'labels' holds values that are not whole numbers", "store class indices 0..C-1")
    elif not np.issubdtype(labels.dtype, np.integer):
        raise _bad(path, f"'labels' has dtype {labels.dtype}", "store class indices 0..C-1 as integers")
    if labels.min() < 0:
        raise _bad(path, f"'labels' holds {labels.min()} < 0", "store class indices 0..C-1")
    if labels.max() >= num_samples:   # a class index sizes every head: one per sample is already too many
        raise _bad(path, f"'labels' holds {labels.max()}, more classes than the file's {num_samples} samples",
                   "store class indices 0..C-1, numbered without gaps")
    return labels.astype(np.int64)


def _check_split(path: Path, split: np.ndarray, num_samples: int) -> np.ndarray:
    if split.ndim != 1 or len(split) != num_samples:
        raise _bad(path, f"'split' has shape {split.shape}, not [{num_samples}]", "give one entry per sample")
    if split.dtype.kind in "US":
        words = np.char.lower(split.astype(str))
        unknown = sorted(set(words.tolist()) - _TEST_WORDS - _POOL_WORDS)
        if unknown:
            raise _bad(path, f"'split' holds {unknown[0]!r}", "use 'test' and 'pool' (or 'train')")
        mask = np.isin(words, list(_TEST_WORDS))
    elif split.dtype == bool or np.issubdtype(split.dtype, np.integer):
        if not np.isin(split, [0, 1]).all():
            raise _bad(path, "'split' holds values other than 0/1", "use 1 (or True) for test, 0 for pool samples")
        mask = split.astype(bool)
    else:
        raise _bad(path, f"'split' has dtype {split.dtype}", "use booleans, 0/1 or the strings 'test'/'pool'")
    if mask.all() or not mask.any():
        raise _bad(path, "'split' puts every sample on one side", "mark some samples test and some pool")
    return mask


def _read_for(field: str, path: str | Path) -> LatentFile:
    """:func:`read_latent_file`, its errors prefixed by the scenario field that named the file."""
    try:
        return read_latent_file(path)
    except SemcomInputError as exc:
        raise SemcomInputError(f"{field}: {exc}") from None


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.npz"))
        if not files:
            raise SemcomInputError(f"data.path '{path}' holds no .npz latent files; put the agents' "
                                   "latent files there or point data.path at one of them")
        return files
    if not path.is_file():
        raise SemcomInputError(f"data.path '{path}' does not exist; give a .npz latent file or a folder of them")
    return [path]


def _agree(reference: LatentFile, other: LatentFile, what: str) -> None:
    """Every file must describe the same samples in the same order."""
    if len(other.labels) != len(reference.labels):
        raise SemcomInputError(f"latent file '{other.path}' has {len(other.labels)} samples but "
                               f"{what} '{reference.path}' has {len(reference.labels)}; every agent's file "
                               "must hold the same samples in the same order")
    if not np.array_equal(other.labels, reference.labels):
        first = int(np.flatnonzero(other.labels != reference.labels)[0])
        raise SemcomInputError(f"latent file '{other.path}' disagrees with {what} '{reference.path}' on the "
                               f"label of sample {first} ({other.labels[first]} vs {reference.labels[first]}); "
                               "every agent's file must list the same samples in the same order")
    if other.test_mask is not None and reference.test_mask is not None and \
            not np.array_equal(other.test_mask, reference.test_mask):
        raise SemcomInputError(f"latent file '{other.path}' has another 'split' than {what} "
                               f"'{reference.path}'; give the same split in every file, or none")


@dataclass(frozen=True)
class LatentFileDataset(Dataset):
    """The dataset of a study made of latent files: labels (and split) only, no inputs.

    :ivar inputs: [num_samples, 1, 1, 1], float32, all zero: a placeholder, there are no
        inputs (agents bring their latents; ``has_inputs`` is False).
    :ivar test_mask: [num_samples] bool or `None`: the files' split, used instead of
        ``data.test_fraction`` when given.
    """

    test_mask: Optional[np.ndarray] = None
    has_inputs: ClassVar[bool] = False


@DATASETS.register("latents")
def load_latent_dataset(path: str | None = None, limit: int | None = None) -> LatentFileDataset:
    """Labels (and split) of the latent file ``path``, or of every ``*.npz`` in folder ``path``."""
    if not path:
        raise SemcomInputError("data.path is required for dataset 'latents'; give a .npz latent file or the "
                               "folder holding the agents' latent files")
    files = [_read_for("data.path", f) for f in _files_in(Path(path))]
    reference = files[0]
    for other in files[1:]:
        _agree(reference, other, "latent file")
    mask = next((f.test_mask for f in files if f.test_mask is not None), None)
    labels = reference.labels
    if limit is not None and limit < len(labels):
        labels = labels[:limit]
        mask = None if mask is None else mask[:limit]
    inputs = np.zeros((len(labels), 1, 1, 1), dtype=np.float32)
    parts = [labels] + ([mask.astype(np.uint8)] if mask is not None else [])
    return LatentFileDataset("latents", inputs, labels, int(labels.max()) + 1, fingerprint(*parts), mask)


def check_spec(name: str, spec: dict[str, Any]) -> None:
    """Scenario-time check of an ``npz`` agent: ``path`` given and a file."""
    path = spec.get("path")
    if not isinstance(path, str) or not path:
        raise SemcomInputError(f"models.{name}.path: is required for kind 'npz' (got {path!r}); "
                               "give the agent's .npz file, e.g. path: latents/tx.npz")
    if not Path(path).is_file():
        raise SemcomInputError(f"models.{name}.path: latent file '{path}' does not exist; check the path "
                               "(a relative path in a scenario file starts from the file's folder)")
    unknown = sorted(set(spec) - {"kind", "path", "seed", "latent_dim"})
    if unknown:
        raise SemcomInputError(f"models.{name}.{unknown[0]}: unknown setting for kind 'npz'; "
                               "use only path (and latent_dim to check the file's width)")


def check_data(name: str, spec: dict[str, Any], dataset: Dataset) -> np.ndarray:
    """Agent ``name``'s latents from ``spec['path']``, checked against ``dataset``.

    Run by ``semcom validate`` (so a bad file is reported before anything runs) and by
    the source itself. Every file must hold the dataset's samples in its order: same
    count, same labels (and the same split, where both give one).

    :output latents: [num_samples, latent_dim], float32.
    """
    check_spec(name, spec)
    file = _read_for(f"models.{name}.path", spec["path"])
    num = len(dataset)
    if len(file.labels) < num or (len(file.labels) > num and not isinstance(dataset, LatentFileDataset)):
        raise SemcomInputError(f"models.{name}.path: latent file '{file.path}' has {len(file.labels)} samples "
                               f"but dataset '{dataset.name}' has {num}; give one latent per dataset sample, "
                               "in the dataset's order")
    labels = file.labels[:num]     # a `latents` dataset may be cut short by data.limit
    if not np.array_equal(labels, dataset.labels):
        first = int(np.flatnonzero(labels != dataset.labels)[0])
        raise SemcomInputError(f"models.{name}.path: latent file '{file.path}' gives sample {first} label "
                               f"{labels[first]} but dataset '{dataset.name}' says {dataset.labels[first]}; "
                               "the file's samples must be the dataset's, in the same order")
    mask = getattr(dataset, "test_mask", None)
    if file.test_mask is not None and mask is not None and not np.array_equal(file.test_mask[:num], mask):
        raise SemcomInputError(f"models.{name}.path: latent file '{file.path}' has another 'split' than the "
                               "dataset's files; give the same split in every file, or none")
    d = spec.get("latent_dim")
    if d is not None and int(d) != file.latents.shape[1]:
        raise SemcomInputError(f"models.{name}.latent_dim: is {d} but latent file '{file.path}' holds "
                               f"{file.latents.shape[1]}-dimensional latents; remove latent_dim or fix it")
    return file.latents[:num]


@LATENT_SOURCES.register("npz")
def latent_file_source(name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> LatentSpace:
    """Agent ``name`` whose latents are read from ``spec['path']`` (one row per dataset sample)."""
    return LatentSpace(name, torch.from_numpy(check_data(name, spec, dataset).copy()))


latent_file_source.check_spec = check_spec
latent_file_source.check_data = check_data
