"""Task heads: the classifier each agent puts on top of a representation.

Heads see *directions* only (their input is L2-normalised): every analog message is
power-normalised per sample, so only the direction of a representation survives the
link unchanged, and a direction-only head decodes it without knowing the scale.
"""

from __future__ import annotations

import torch
from torch import nn

from .cache import config_hash, load_tensors, save_tensors

__all__ = ["TaskHead", "fit_head", "cached_head"]


class TaskHead(nn.Module):
    """Linear softmax classifier on L2-normalised features.

    :input features: [..., feature_dim], torch.float32.
    :output logits: [..., num_classes], torch.float32.
    """

    def __init__(self, feature_dim: int, num_classes: int):
        super().__init__()
        self.linear = nn.Linear(feature_dim, num_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(nn.functional.normalize(features, dim=-1, eps=1e-12))


def fit_head(features: torch.Tensor, labels: torch.Tensor, num_classes: int, seed: int,
             steps: int = 300, lr: float = 0.05, weight_decay: float = 1e-5) -> TaskHead:
    """Full-batch Adam on cross-entropy, deterministic from ``seed``.

    :input features: [num_train, feature_dim], torch.float32.
    :input labels: [num_train], torch.int64.
    """
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(seed)
        head = TaskHead(features.shape[1], num_classes)
        opt = torch.optim.Adam(head.parameters(), lr=lr, weight_decay=weight_decay)
        x = features.detach().float().cpu()
        y = labels.cpu()
        for _ in range(steps):
            loss = nn.functional.cross_entropy(head(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return head.eval().requires_grad_(False)


_MEMORY: dict[str, TaskHead] = {}


def cached_head(key_parts: tuple, features: torch.Tensor, labels: torch.Tensor,
                num_classes: int, seed: int) -> TaskHead:
    """:func:`fit_head`, memoised in memory and on disk under a hash of ``key_parts``."""
    key = config_hash("head", key_parts, seed, num_classes, features.shape[1])
    if key in _MEMORY:
        return _MEMORY[key]
    head = TaskHead(features.shape[1], num_classes)
    state = load_tensors("heads", key)
    if state is not None:
        head.load_state_dict(state)
        head = head.eval().requires_grad_(False)
    else:
        head = fit_head(features, labels, num_classes, seed)
        save_tensors("heads", key, head.state_dict())
    if len(_MEMORY) > 256:
        _MEMORY.clear()
    _MEMORY[key] = head
    return head
