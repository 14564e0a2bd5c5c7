"""Latent sources: every agent's latent space over one shared, ordered set of samples.

An agent is known by name and a spec (from the scenario's ``models`` section). Its
``kind`` selects the source:

* a zoo architecture (``mlp``, ``cnn``; see :mod:`semcom.transceivers.encoders`) trained
  deterministically on the train split (disjoint from the anchor/head pool) with plain
  cross-entropy through a training head
  (``head: linear`` by default, as the papers train; ``head: cosine`` with ``head_scale``
  is an option that collapses latent spaces onto a class simplex), or ``pca`` (non-neural);
* others registered in :data:`LATENT_SOURCES`: ``npz`` latent files
  (:mod:`semcom.transceivers.latent_files`), ``torch`` user encoders by import path
  (:mod:`semcom.transceivers.user_encoder`), ``rotation`` (:mod:`semcom.transceivers.synthetic`).

Latents of all samples are computed once per agent and cached on disk by a hash of the
spec, the data and the split, so a second run trains and encodes nothing.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import Any

import numpy as np
import torch

from semcom.core.errors import SemcomInputError
from semcom.core.registry import Registry
from semcom.core.threads import TRAINING_THREADS, fixed_threads, with_fixed_threads

from .cache import config_hash, load_tensors, save_tensors
from .datasets import Dataset
from .encoders import ENCODERS, TRAINING_HEADS

__all__ = [
    "LatentSpace",
    "LATENT_SOURCES",
    "build_latent_space",
    "train_encoder",
    "training_cost",
    "require_inputs",
    "needs_inputs",
    "TRAINING_DEFAULTS",
    "HEAD_DEFAULTS",
]


@dataclass(frozen=True)
class LatentSpace:
    """One agent's latents for every sample of the shared dataset.

    :ivar latents: [num_samples, latent_dim], torch.float32.
    """

    name: str
    latents: torch.Tensor
    native_accuracy: float | None = None

    @property
    def latent_dim(self) -> int:
        return int(self.latents.shape[1])

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the latents: keys caches of anything trained on them."""
        return hashlib.sha256(self.latents.detach().cpu().numpy().tobytes()).hexdigest()[:16]


#: ``kind`` → ``fn(name, spec, dataset, pool_idx) -> LatentSpace``.
#: Sources of latent spaces by ``kind``; the modules that register the built-in ones beside the
#: zoo's (``pca`` and the encoders, here) are imported when the registry is first read.
LATENT_SOURCES: Registry[Callable[..., LatentSpace]] = Registry(
    "model kind",
    load=lambda: [
        import_module(f"semcom.transceivers.{m}")
        for m in ("synthetic", "latent_files", "user_encoder", "pretrained")
    ],
)

#: Training settings a zoo agent may give; ``epochs`` is the cap of the default below.
TRAINING_DEFAULTS = dict(epochs=40, batch_size=64, lr=1e-3, weight_decay=1e-4)

#: The training head (discarded after training) and its setting; ``linear`` is plain
#: cross-entropy through ``nn.Linear`` (Moschella et al. 2022 and the papers after it).
HEAD_DEFAULTS = dict(head="linear", head_scale=10.0)

#: Sample passes the default number of epochs aims at: 40 epochs on the digits pool
#: (1,258 samples), 8 on a 7,000-sample MNIST pool (a CNN trains in about 15 s on one core).
_DEFAULT_SAMPLE_PASSES = 50_000


#: Zoo kinds trained and run on one thread: dense layers give the same bits on one thread as
#: on :data:`~semcom.core.threads.TRAINING_THREADS` (checked on the quickstart's two MLPs:
#: weights and latents equal), and on two threads each of their small operations waits at an
#: OpenMP barrier (100x slower with other processes on the cores). Convolutions' sums differ
#: by thread count, so the CNN keeps two. The thread count is part of the cache key.
ONE_THREAD_KINDS = frozenset({"mlp"})


def training_threads(kind: str) -> int:
    """Threads a zoo encoder of ``kind`` is trained and run on.

    >>> training_threads("mlp"), training_threads("cnn")
    (1, 2)
    """
    return 1 if kind in ONE_THREAD_KINDS else TRAINING_THREADS


def default_epochs(pool_size: int) -> int:
    """Epochs when a zoo agent gives none: ``ceil(50,000 / pool_size)`` clipped to 3..40.

    >>> default_epochs(1258), default_epochs(7000), default_epochs(60_000)
    (40, 8, 3)
    """
    return int(min(TRAINING_DEFAULTS["epochs"], max(3, -(-_DEFAULT_SAMPLE_PASSES // max(1, pool_size)))))


def require_inputs(name: str, kind: str, dataset: Dataset) -> None:
    """Refuse, in one line, an agent of ``kind`` that encodes inputs on a dataset without any."""
    if not dataset.has_inputs:
        raise SemcomInputError(
            f"models.{name}.kind: '{kind}' computes latents from the dataset's inputs, but "
            f"dataset '{dataset.name}' has none (it only carries labels); use kind: "
            "npz for agents of a latent-file study"
        )


def needs_inputs(kind: str) -> bool:
    """Whether the latent source ``kind`` encodes the dataset's inputs (its function says so
    with ``needs_inputs = True``), so a dataset of latents only cannot feed it."""
    return kind in LATENT_SOURCES and bool(getattr(LATENT_SOURCES.get(kind), "needs_inputs", False))


def _architecture(spec: dict[str, Any]) -> dict[str, Any]:
    """The settings of a zoo agent its encoder's constructor takes (not training's or the head's)."""
    left_out = ("kind", "seed", "latent_dim", *TRAINING_DEFAULTS, *HEAD_DEFAULTS)
    return {k: v for k, v in spec.items() if k not in left_out}


def train_encoder(spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> torch.nn.Module:
    """Train a zoo encoder on the samples ``pool_idx`` (the study's train split), deterministically
    (on a fixed number of threads, :func:`training_threads`, :mod:`semcom.core.threads`)."""
    with fixed_threads(training_threads(spec["kind"])):
        return _train(spec, dataset, pool_idx)


def _train(spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> torch.nn.Module:
    settings = _architecture(spec)
    hyper = {k: spec.get(k, v) for k, v in TRAINING_DEFAULTS.items()}
    hyper["epochs"] = spec.get("epochs", default_epochs(len(pool_idx)))
    seed = int(spec.get("seed", 0))
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(seed)
        encoder = ENCODERS.get(spec["kind"])(
            tuple(dataset.inputs.shape[1:]), int(spec["latent_dim"]), **settings
        )
        head = build_training_head(spec, int(spec["latent_dim"]), dataset.num_classes)
        params = list(encoder.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=hyper["lr"], weight_decay=hyper["weight_decay"])
        x = torch.from_numpy(dataset.inputs[pool_idx])
        y = torch.from_numpy(dataset.labels[pool_idx])
        order = torch.Generator().manual_seed(seed)
        encoder.train()
        for _ in range(int(hyper["epochs"])):
            perm = torch.randperm(len(y), generator=order)
            for start in range(0, len(y), int(hyper["batch_size"])):
                idx = perm[start : start + int(hyper["batch_size"])]
                loss = torch.nn.functional.cross_entropy(head(encoder(x[idx])), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
    return encoder.eval()


def training_cost(spec: dict[str, Any], input_shape: tuple[int, ...], pool_size: int) -> tuple[int, float]:
    """(parameters, floating-point operations of training) of the zoo agent ``spec``
    trained on ``pool_size`` samples of ``input_shape``: built and run once on torch's
    ``meta`` device, so nothing is allocated however large its settings (training
    costs about three forward passes per sample and epoch)."""
    from torch.utils.flop_counter import FlopCounterMode  # lazy: only work estimates count

    settings = _architecture(spec)
    epochs = int(spec.get("epochs", default_epochs(pool_size)))
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a zero-sized layer: the checks refuse it
        encoder = ENCODERS.get(spec["kind"])(tuple(input_shape), int(spec["latent_dim"]), **settings)
        with FlopCounterMode(display=False) as count:
            encoder(torch.zeros(1, *input_shape))
    return sum(p.numel() for p in encoder.parameters()), 3.0 * count.get_total_flops() * pool_size * epochs


def build_training_head(spec: dict[str, Any], latent_dim: int, num_classes: int) -> torch.nn.Module:
    """The head a zoo encoder is trained through: ``spec['head']`` (default ``linear``)."""
    kind = spec.get("head", HEAD_DEFAULTS["head"])
    if kind == "cosine":
        return TRAINING_HEADS.get(kind)(latent_dim, num_classes, scale=float(spec.get("head_scale", 10.0)))
    return TRAINING_HEADS.get(kind)(latent_dim, num_classes)


def zoo_cache_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with its head written out, so the cache key names the head either way."""
    full = {**HEAD_DEFAULTS, **spec}
    if full["head"] != "cosine":
        full.pop("head_scale")
    return full


@torch.no_grad()
def _encode_all(
    encoder: torch.nn.Module, inputs: np.ndarray, num_threads: int, batch_size: int = 2048
) -> torch.Tensor:
    x = torch.from_numpy(inputs)
    with fixed_threads(num_threads):
        return torch.cat([encoder(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])


def _zoo_source(name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> LatentSpace:
    require_inputs(name, spec["kind"], dataset)
    # the resolved epoch count is part of the key: the default depends on the pool size
    threads = training_threads(spec["kind"])
    key = config_hash(
        "zoo",
        zoo_cache_spec(spec),
        dataset.fingerprint,
        pool_idx,
        spec.get("epochs", default_epochs(len(pool_idx))),
        *([] if threads == TRAINING_THREADS else [("threads", threads)]),
    )
    cached = load_tensors("latents", key)
    if cached is None:
        encoder = train_encoder(spec, dataset, pool_idx)
        latents = _encode_all(encoder, dataset.inputs, threads)
        save_tensors("models", key, encoder.state_dict())
        save_tensors("latents", key, {"latents": latents})
    else:
        latents = cached["latents"]
    return LatentSpace(name, latents.float())


_zoo_source.needs_inputs = True
for _arch in ENCODERS.names():
    LATENT_SOURCES.register(_arch)(_zoo_source)


@LATENT_SOURCES.register("pca")
@with_fixed_threads
def _pca_source(name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> LatentSpace:
    """Non-neural agent: principal components of the (centred) pool inputs."""
    require_inputs(name, "pca", dataset)
    key = config_hash("pca", spec, dataset.fingerprint, pool_idx)
    cached = load_tensors("latents", key)
    if cached is None:
        x = torch.from_numpy(dataset.inputs.reshape(len(dataset), -1)).double()
        mean = x[pool_idx].mean(0)
        # SVD of the pool: deterministic up to sign, fixed by making each component's
        # largest-magnitude loading positive
        _, _, vh = torch.linalg.svd(x[pool_idx] - mean, full_matrices=False)
        comps = vh[: int(spec["latent_dim"])]
        signs = torch.sign(comps.gather(1, comps.abs().argmax(1, keepdim=True)))
        comps = comps * signs
        latents = ((x - mean) @ comps.T).float()
        save_tensors("latents", key, {"latents": latents})
    else:
        latents = cached["latents"]
    return LatentSpace(name, latents.float())


_pca_source.needs_inputs = True


def build_latent_space(
    name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray
) -> LatentSpace:
    """Latent space of agent ``name`` described by ``spec`` (its ``kind`` picks the source)."""
    return LATENT_SOURCES.get(spec["kind"])(name, dict(spec), dataset, pool_idx)
