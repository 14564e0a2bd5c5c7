"""Datasets: the embedded default (scikit-learn digits) and loaders for standard formats.

All loaders return a :class:`Dataset` whose ``inputs`` are float32 in [0, 1] with
shape ``[num_samples, channels, height, width]`` and ``labels`` int64 ``[num_samples]``.
Nothing is downloaded: digits ships inside scikit-learn, MNIST (IDX) and CIFAR-10
(binary batches) are read from paths the scenario gives.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from importlib import import_module
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from semcom.core.errors import SemcomInputError
from .array_files import read_at_most
from semcom.core.registry import Registry

__all__ = [
    "Dataset",
    "DATASETS",
    "load_dataset",
    "read_idx",
    "load_digits",
    "load_mnist",
    "load_cifar10",
    "split_indices",
    "split_three_way",
    "make_dataset",
    "fingerprint",
]

DATASETS: Registry = Registry(
    "dataset", load=lambda: [import_module(f"semcom.transceivers.{m}") for m in ("synthetic", "latent_files")]
)


@dataclass(frozen=True)
class Dataset:
    """Samples and labels in one fixed order shared by every agent.

    :ivar inputs: [num_samples, channels, height, width], float32 in [0, 1].
    :ivar labels: [num_samples], int64.
    """

    name: str
    inputs: np.ndarray
    labels: np.ndarray
    num_classes: int
    fingerprint: str = field(default="")
    #: False for datasets that carry labels only (latent files): agents must bring latents.
    has_inputs: ClassVar[bool] = True

    def __len__(self) -> int:
        return len(self.labels)


def fingerprint(*arrays: np.ndarray) -> str:
    """16 hex digits of the arrays' shapes and bytes: what keys a dataset in every cache."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def make_dataset(name: str, inputs: np.ndarray, labels: np.ndarray) -> Dataset:
    """A :class:`Dataset` of ``inputs`` [N, ...] and integer ``labels`` [N] (float32 and int64, contiguous)."""
    inputs = np.ascontiguousarray(inputs, dtype=np.float32)
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    return Dataset(name, inputs, labels, int(labels.max()) + 1, fingerprint(inputs, labels))


@DATASETS.register("digits")
def load_digits(path: str | None = None, limit: int | None = None) -> Dataset:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 samples, 10 classes)."""
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    images = bunch.images[:, None, :, :] / 16.0
    ds = make_dataset("digits", images, bunch.target)
    return _limit(ds, limit)


def _open_maybe_gz(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


_IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the MNIST format), plain or gzip-compressed.

    Raises :class:`SemcomInputError` naming the file for a missing, truncated or corrupt file.
    """
    path = Path(path)
    if not path.is_file():
        raise SemcomInputError(f"IDX file '{path}' does not exist; check the dataset path")
    try:
        with _open_maybe_gz(path) as f:
            raw = read_at_most(f, path)  # a gzip that expands without end is never read whole
    except (OSError, EOFError, zlib.error) as exc:
        raise SemcomInputError(f"IDX file '{path}' cannot be read ({exc}); re-download it") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise SemcomInputError(
            f"'{path}' is not an IDX file (bad magic number); give the MNIST *-idx?-ubyte[.gz] files"
        )
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise SemcomInputError(f"IDX file '{path}' is truncated inside its header; re-download it")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise SemcomInputError(
            f"IDX file '{path}' holds {len(raw) - header} data bytes but its "
            f"header announces shape {shape} ({expected} bytes); it is truncated "
            "or corrupt, re-download it"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def _find(directory: Path, stem: str) -> Path:
    for candidate in (directory / stem, directory / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    raise SemcomInputError(
        f"data.path '{directory}' has no '{stem}' or '{stem}.gz'; "
        "point data.path at the folder holding the MNIST IDX files"
    )


@DATASETS.register("mnist")
def load_mnist(path: str | None = None, limit: int | None = None, split: str = "t10k") -> Dataset:
    """MNIST from IDX files in folder ``path`` (``{split}-images-idx3-ubyte[.gz]`` and labels)."""
    if not path:
        raise SemcomInputError(
            "data.path is required for dataset 'mnist'; give the folder "
            "holding t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz"
        )
    directory = Path(path)
    if not directory.is_dir():
        raise SemcomInputError(f"data.path '{directory}' is not a folder; give the folder with the IDX files")
    images = read_idx(_find(directory, f"{split}-images-idx3-ubyte"))
    labels = read_idx(_find(directory, f"{split}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise SemcomInputError(
            f"MNIST files in '{directory}' disagree: images {images.shape}, "
            f"labels {labels.shape}; use matching images and labels files"
        )
    ds = make_dataset("mnist", images[:, None, :, :] / 255.0, labels)
    return _limit(ds, limit)


@DATASETS.register("cifar10")
def load_cifar10(path: str | None = None, limit: int | None = None, split: str = "test") -> Dataset:
    """CIFAR-10 from its *binary* batches (``test_batch.bin`` / ``data_batch_N.bin``) in ``path``.

    The binary format is read, never the Python-pickle one: no code from data files runs.
    """
    if not path:
        raise SemcomInputError(
            "data.path is required for dataset 'cifar10'; give the folder holding test_batch.bin"
        )
    directory = Path(path)
    names = ["test_batch.bin"] if split == "test" else [f"data_batch_{i}.bin" for i in range(1, 6)]
    chunks = []
    record = 1 + 3 * 32 * 32
    for name in names:
        file = directory / name
        if not file.is_file():
            raise SemcomInputError(
                f"CIFAR-10 file '{file}' does not exist; point data.path at the "
                "folder of the binary version (cifar-10-batches-bin)"
            )
        raw = np.fromfile(file, dtype=np.uint8)
        if raw.size == 0 or raw.size % record:
            raise SemcomInputError(
                f"CIFAR-10 file '{file}' has {raw.size} bytes, not a multiple of "
                f"{record}; it is truncated or corrupt"
            )
        chunks.append(raw.reshape(-1, record))
    data = np.concatenate(chunks)
    labels = data[:, 0]
    if labels.max() > 9:
        raise SemcomInputError(f"CIFAR-10 files in '{directory}' hold label {labels.max()} > 9; corrupt file")
    ds = make_dataset("cifar10", data[:, 1:].reshape(-1, 3, 32, 32) / 255.0, labels)
    return _limit(ds, limit)


def _limit(ds: Dataset, limit: int | None) -> Dataset:
    if limit is None or limit >= len(ds):
        return ds
    return make_dataset(ds.name, ds.inputs[:limit], ds.labels[:limit])


@lru_cache(maxsize=8)
def load_dataset(name: str, path: str | None = None, limit: int | None = None) -> Dataset:
    """Load a registered dataset by name (cached per process)."""
    return DATASETS.get(name)(path=path, limit=limit)


def split_indices(num_samples: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic split into (pool, test) sample indices, both sorted.

    The pool trains encoders and heads and supplies anchors; the test samples are
    only ever transmitted, so anchors are always disjoint from them.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EC0]))
    perm = rng.permutation(num_samples)
    num_test = int(round(test_fraction * num_samples))
    return np.sort(perm[num_test:]), np.sort(perm[:num_test])


def split_three_way(
    num_samples: int, train_fraction: float, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic, disjoint split into (train, pool, test) sample indices, each sorted.

    As in the papers: zoo encoders train on *train*; anchors and the receivers' heads
    come from the *pool*; accuracy is measured on *test*, which nothing ever trains on.
    The test set is the one :func:`split_indices` gives for the same seed, so adding a
    train split moves samples only out of the pool. ``train_fraction = 0`` trains the
    encoders on the pool (shared train/pool, the simulator's former behaviour).

    >>> train, pool, test = split_three_way(1797, 0.4, 0.3, seed=0)
    >>> len(train), len(pool), len(test)
    (719, 539, 539)
    """
    if not (0 <= train_fraction < 1 and 0 < test_fraction < 1 and train_fraction + test_fraction < 1):
        raise SemcomInputError(
            f"data.train_fraction {train_fraction} + data.test_fraction {test_fraction} "
            "leave no pool for anchors and heads; make them sum below 1"
        )
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EC0]))
    perm = rng.permutation(num_samples)
    num_test = int(round(test_fraction * num_samples))
    num_train = int(round(train_fraction * num_samples))
    test, train, pool = perm[:num_test], perm[num_test : num_test + num_train], perm[num_test + num_train :]
    if train_fraction == 0:
        train = pool
    return np.sort(train), np.sort(pool), np.sort(test)
