"""Task heads: the classifier each agent puts on top of a representation.

Heads see *directions* only (their input is L2-normalised): every analog message is
power-normalised per sample, so only the direction of a representation survives the
link unchanged, and a direction-only head decodes it without knowing the scale.

Every head's L2 strength is chosen by the receiver, on its own data, by cross-validation
(:mod:`semcom.transceivers.head_selection`), or fixed (:class:`HeadRegularization`);
:func:`cached_head` fits and memoises a head either way.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import torch
from torch import nn

from semcom.core.threads import FITTING_THREADS, with_fixed_threads
from .cache import config_hash, load_tensors, save_tensors
from .head_selection import HeadRegularization, lbfgs, select_weight_decay

__all__ = ["TaskHead", "fit_head", "cached_head"]


class TaskHead(nn.Module):
    """Linear softmax classifier on L2-normalised features.

    :ivar weight_decay: the L2 strength it was fitted with (`None` if unknown).

    :input features: [..., feature_dim], torch.float32.
    :output logits: [..., num_classes], torch.float32.
    """

    def __init__(self, feature_dim: int, num_classes: int):
        super().__init__()
        self.linear = nn.Linear(feature_dim, num_classes)
        self.weight_decay: Optional[float] = None

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(nn.functional.normalize(features, dim=-1, eps=1e-12))


@with_fixed_threads(num_threads=FITTING_THREADS)
def fit_head(
    features: torch.Tensor,
    labels: torch.Tensor,
    num_classes: int,
    seed: int,
    max_iter: int = 50,
    weight_decay: float = 1e-4,
) -> TaskHead:
    """Multinomial logistic regression with an L2 penalty, fitted by full-batch L-BFGS.

    The problem is convex, so L-BFGS converges in tens of iterations (about 10x faster
    than Adam here) to the same optimum whatever the start; the start is still seeded.
    ``weight_decay`` is fixed here; :func:`cached_head` selects it by cross-validation.

    :input features: [num_train, feature_dim], torch.float32.
    :input labels: [num_train], torch.int64.
    """
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(seed)
        head = TaskHead(features.shape[1], num_classes)
        # normalise once here rather than in every iteration's forward pass
        x = nn.functional.normalize(features.detach().float().cpu(), dim=-1, eps=1e-12)
        y = labels.cpu()
        linear = head.linear
        opt = lbfgs(linear.parameters(), max_iter)

        def closure():
            opt.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(linear(x), y) + weight_decay * linear.weight.pow(2).sum()
            loss.backward()
            return loss

        opt.step(closure)
    head.weight_decay = float(weight_decay)
    return head.eval().requires_grad_(False)


_MEMORY: dict[str, TaskHead] = {}


def _digest(t: torch.Tensor) -> np.ndarray:
    """The tensor's bytes as an array (hashed by :func:`config_hash`)."""
    return np.ascontiguousarray(t.detach().cpu().numpy())


def cached_head(
    key_parts: tuple,
    features: torch.Tensor,
    labels: torch.Tensor,
    num_classes: int,
    seed: int,
    regularization: HeadRegularization = HeadRegularization(),
    groups: Optional[np.ndarray] = None,
) -> TaskHead:
    """A head fitted on ``features`` with its L2 strength fixed or selected
    (``regularization``), memoised in memory and on disk.

    The key holds ``key_parts``, the features' and labels' bytes, the seed (which draws
    the folds), the grid and the folds: everything that determines the head.
    The head's ``weight_decay`` is the strength it was fitted with.

    :input features: [num_train, feature_dim], torch.float32.
    :input labels: [num_train], torch.int64.
    :input groups: [num_train] np.int64 or `None`: rows with one id share a fold
        (noisy copies of one pool sample).
    """
    key = config_hash(
        "head",
        key_parts,
        seed,
        num_classes,
        features.shape[1],
        regularization.key(),
        _digest(features),
        _digest(labels),
        None if groups is None else np.asarray(groups),
    )
    if key in _MEMORY:
        return _MEMORY[key]
    head = TaskHead(features.shape[1], num_classes)
    state = load_tensors("heads", key)
    if state is not None and "weight_decay" in state:
        weight_decay = float(state.pop("weight_decay"))
        head.load_state_dict(state)
        head.weight_decay = weight_decay
        head = head.eval().requires_grad_(False)
    else:
        weight_decay = regularization.weight_decay
        if weight_decay is None:
            weight_decay = select_weight_decay(
                features,
                labels,
                num_classes,
                seed,
                regularization.grid,
                folds=regularization.folds,
                groups=groups,
            )
        head = fit_head(features, labels, num_classes, seed, weight_decay=weight_decay)
        save_tensors(
            "heads",
            key,
            {**head.state_dict(), "weight_decay": torch.tensor(weight_decay, dtype=torch.float64)},
        )
    if len(_MEMORY) > 256:
        _MEMORY.clear()
    _MEMORY[key] = head
    return head
