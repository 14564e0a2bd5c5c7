"""Encoder architectures of the model zoo, registered by name.

Each builder takes the input shape ``(channels, height, width)``, a ``latent_dim`` and
its own settings, and returns a :class:`torch.nn.Module` mapping
``[batch_size, channels, height, width], torch.float32`` to
``[batch_size, latent_dim], torch.float32``.
"""

from __future__ import annotations

import torch
from torch import nn

from semcom.core.registry import Registry

__all__ = ["ENCODERS", "TRAINING_HEADS", "mlp_encoder", "cnn_encoder", "CosineClassifier"]

ENCODERS: Registry = Registry("encoder architecture")

#: Heads a zoo encoder may be trained through (``head:`` of a zoo model); discarded after
#: training, since every receiver fits its own head on the representation it decodes.
TRAINING_HEADS: Registry = Registry("training head")
TRAINING_HEADS.register("linear")(nn.Linear)


#: Most hidden layers a zoo MLP takes (each is a module: a million would exhaust memory
#: before a single weight is allocated).
MAX_LAYERS = 100


@ENCODERS.register("mlp")
def mlp_encoder(input_shape: tuple[int, ...], latent_dim: int, width: int = 128, depth: int = 2) -> nn.Module:
    """Multilayer perceptron: ``depth`` hidden ReLU layers of ``width`` units."""
    layers: list[nn.Module] = [nn.Flatten()]
    size = 1
    for s in input_shape:
        size *= s
    for _ in range(depth):
        layers += [nn.Linear(size, width), nn.ReLU()]
        size = width
    layers.append(nn.Linear(size, latent_dim))
    return nn.Sequential(*layers)


@ENCODERS.register("cnn")
def cnn_encoder(input_shape: tuple[int, ...], latent_dim: int, channels: int = 16) -> nn.Module:
    """Two 3x3 convolutions, a 2x2 max-pool and a linear projection."""
    c, h, w = input_shape
    return nn.Sequential(
        nn.Conv2d(c, channels, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(channels, 2 * channels, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * channels * (h // 2) * (w // 2), latent_dim),
    )


@TRAINING_HEADS.register("cosine")
class CosineClassifier(nn.Module):
    """Logits ``scale * cos(z, w_c)``: trains encoders whose class information lives in angles.

    An option, not the default: it collapses every latent space onto the same class
    simplex (class means at cosine ~ -1/(C-1)), which makes relative messages an almost
    universal class code and inflates stitching accuracy and noise robustness.

    :input z: [batch_size, latent_dim], torch.float32.
    :output logits: [batch_size, num_classes], torch.float32.
    """

    def __init__(self, latent_dim: int, num_classes: int, scale: float = 10.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(num_classes, latent_dim) * 0.1)
        self.scale = scale

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (
            self.scale * nn.functional.normalize(z, dim=-1) @ nn.functional.normalize(self.weight, dim=-1).T
        )
