"""A head's L2 strength, chosen by the receiver on its own data.

k-fold cross-validation on the samples the head is fitted on (the receiver's pool, or its
pool messages after a simulated copy of the link for a noise-trained head), never on the
test set or the transmitter's data (:func:`select_weight_decay`). The candidate
strengths are :data:`WEIGHT_DECAY_GRID`; the rule is the strongest strength whose
held-out accuracy is within one standard error of the best (:func:`select_weight_decay`
says why). A fixed strength skips the selection (:class:`HeadRegularization`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold
from torch import nn

from semcom.core.threads import FITTING_THREADS, with_fixed_threads

__all__ = [
    "HeadRegularization",
    "select_weight_decay",
    "fold_assignment",
    "validation_scores",
    "one_standard_error_choice",
    "lbfgs",
    "WEIGHT_DECAY_GRID",
    "DEFAULT_FOLDS",
    "SELECTED",
]

#: Candidate L2 strengths of a head, in half-decade steps. The loss is the mean
#: cross-entropy plus ``weight_decay * ||W||²``, so scikit-learn's ``C = 1`` is
#: ``weight_decay = 1 / (2 n)``: 1e-3 on a pool of 500 samples. 0 (no penalty) is left
#: out: on separable pools it never stops growing the weights.
WEIGHT_DECAY_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
#: Folds of the cross-validation (stratified by class, drawn from the head's seed).
DEFAULT_FOLDS = 3
#: The ``weight_decay`` setting that asks for selection by cross-validation.
SELECTED = "cv"


@dataclass(frozen=True)
class HeadRegularization:
    """How a head's L2 strength is set: ``weight_decay`` fixed (a float >= 0), or
    ``None`` (the default): selected from ``grid`` by ``folds``-fold cross-validation
    on the head's own training data (:func:`select_weight_decay`)."""

    weight_decay: Optional[float] = None
    grid: tuple = WEIGHT_DECAY_GRID
    folds: int = DEFAULT_FOLDS

    def __post_init__(self):
        if self.weight_decay is not None and not (
            math.isfinite(self.weight_decay) and self.weight_decay >= 0
        ):
            raise ValueError(f"weight_decay must be a finite number >= 0 or None (got {self.weight_decay})")
        if self.weight_decay is None:
            if not self.grid or any(not (math.isfinite(g) and g >= 0) for g in self.grid):
                raise ValueError(f"grid must hold finite numbers >= 0 (got {self.grid})")
            if self.folds < 2:
                raise ValueError(f"folds must be >= 2 (got {self.folds})")
        object.__setattr__(self, "grid", tuple(float(g) for g in self.grid))

    def key(self) -> list:
        """What determines the choice, for cache keys."""
        if self.weight_decay is not None:
            return ["fixed", float(self.weight_decay)]
        return [SELECTED, "accuracy-1se-batched", list(self.grid), int(self.folds)]


def fold_assignment(
    labels: torch.Tensor, folds: int, seed: int, groups: Optional[np.ndarray] = None
) -> np.ndarray:
    """Fold of every training row: stratified by class, drawn from ``seed``.

    Rows with the same ``groups`` id (noisy copies of one pool sample) share a fold, so
    no sample is validated on a copy of itself.

    :input labels: [num_train], torch.int64.
    :input groups: [num_train] np.int64 or `None` (every row its own group).
    :output fold: [num_train] np.int64 in ``0 .. folds - 1``.
    """
    y = labels.cpu().numpy()
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    uniq, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
    group_labels = y[first]
    group_fold = np.zeros(len(uniq), dtype=np.int64)
    folds = max(2, min(folds, int(np.bincount(group_labels).max())))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=int(seed) % (2**32))
    with warnings.catch_warnings():  # a class with fewer samples than folds is fine here
        warnings.simplefilter("ignore", UserWarning)
        for f, (_, val) in enumerate(splitter.split(np.zeros(len(uniq)), group_labels)):
            group_fold[val] = f
    return group_fold[inverse.reshape(-1)]


def validation_scores(
    features: torch.Tensor,
    labels: torch.Tensor,
    num_classes: int,
    seed: int,
    grid: tuple = WEIGHT_DECAY_GRID,
    folds: int = DEFAULT_FOLDS,
    groups: Optional[np.ndarray] = None,
    max_iter_batched: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out accuracy of a head fitted with each L2 strength of ``grid``, and its standard error.

    Every row is validated once, by the head fitted on the other folds. The
    ``folds x len(grid)`` heads are fitted together, as one batched L-BFGS problem
    (:func:`_fit_batched`: independent problems, one optimiser, a fraction of the cost of
    fitting them one by one). The standard
    error is over pool samples (``groups``): noisy copies of one sample are not
    independent evidence.

    :input features: [num_train, feature_dim], torch.float32.
    :input labels: [num_train], torch.int64.
    :output accuracy: [len(grid)] np.float64.
    :output std_error: [len(grid)] np.float64.
    """
    fold = fold_assignment(labels, folds, seed, groups)
    labels = labels.cpu()
    fold_ids = np.unique(fold)
    train = torch.from_numpy(np.stack([fold != f for f in fold_ids])).repeat_interleave(len(grid), 0)
    strengths = torch.tensor(list(grid) * len(fold_ids), dtype=torch.float32)
    logits = _fit_batched(features, labels, train, strengths, num_classes, seed, max_iter_batched)
    right = (logits.argmax(-1) == labels).reshape(len(fold_ids), len(grid), -1).numpy()
    # every row is scored by the head of the fold that held it out
    correct = np.zeros((len(grid), len(labels)))
    for i, f in enumerate(fold_ids):
        correct[:, fold == f] = right[i][:, fold == f]
    groups = np.arange(len(labels)) if groups is None else np.asarray(groups)
    _, inverse = np.unique(groups, return_inverse=True)
    counts = np.bincount(inverse.reshape(-1))
    per_group = np.stack([np.bincount(inverse.reshape(-1), weights=c) / counts for c in correct])
    return per_group.mean(1), per_group.std(1, ddof=1) / np.sqrt(per_group.shape[1])


def lbfgs(params, max_iter: int) -> torch.optim.LBFGS:
    """The full-batch L-BFGS every head is fitted with (a convex problem: strong-Wolfe line
    search, tight tolerances, ``max_iter`` iterations in one ``step``)."""
    return torch.optim.LBFGS(
        params,
        lr=1.0,
        max_iter=max_iter,
        history_size=20,
        line_search_fn="strong_wolfe",
        tolerance_grad=1e-6,
        tolerance_change=1e-9,
    )


@with_fixed_threads(num_threads=FITTING_THREADS)
def _fit_batched(
    features: torch.Tensor,
    labels: torch.Tensor,
    train: torch.Tensor,
    weight_decay: torch.Tensor,
    num_classes: int,
    seed: int,
    max_iter: int,
) -> torch.Tensor:
    """Independent L2-penalised logistic regressions, one per row of ``train``, fitted
    jointly (the sum of their losses; its optimum is each one's optimum).

    :input features: [num_rows, feature_dim], torch.float32.
    :input labels: [num_rows], torch.int64.
    :input train: [num_problems, num_rows] torch.bool, the rows each problem is fitted on.
    :input weight_decay: [num_problems] torch.float32.
    :output logits: [num_problems, num_rows, num_classes] torch.float32, every problem's
        head on every row.
    """
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(seed)
        x = nn.functional.normalize(features.detach().float().cpu(), dim=-1, eps=1e-12)
        p, d = train.shape[0], x.shape[1]
        bound = 1.0 / math.sqrt(d)  # nn.Linear's initialisation
        weight = torch.empty(p, num_classes, d).uniform_(-bound, bound).requires_grad_(True)
        bias = torch.empty(p, num_classes).uniform_(-bound, bound).requires_grad_(True)
        y = labels.cpu().expand(p, -1)
        mask = train.float()
        counts = mask.sum(1)
        opt = lbfgs([weight, bias], max_iter)

        def closure():
            opt.zero_grad(set_to_none=True)
            logits = torch.einsum("nd,pcd->pnc", x, weight) + bias[:, None]
            nll = nn.functional.cross_entropy(logits.transpose(1, 2), y, reduction="none")  # [p, n]
            loss = ((nll * mask).sum(1) / counts + weight_decay * weight.pow(2).sum((1, 2))).sum()
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            return torch.einsum("nd,pcd->pnc", x, weight) + bias[:, None]


def one_standard_error_choice(grid: tuple, accuracy: np.ndarray, std_error: np.ndarray) -> float:
    """The strongest L2 strength whose held-out accuracy is within one standard error of
    the best (the one-standard-error rule, Hastie, Tibshirani & Friedman, ESL 7.10)."""
    best = int(np.argmax(accuracy))
    ok = [g for g in range(len(grid)) if accuracy[g] >= accuracy[best] - std_error[best]]
    return float(max(grid[g] for g in ok))


def select_weight_decay(
    features: torch.Tensor,
    labels: torch.Tensor,
    num_classes: int,
    seed: int,
    grid: tuple = WEIGHT_DECAY_GRID,
    **scoring,
) -> float:
    """The L2 strength a head gets, from its own training data only: k-fold held-out
    accuracy (:func:`validation_scores`; ``scoring``: its ``folds``, ``groups`` and
    ``max_iter_batched``), then the strongest strength within one standard error of the
    best (:func:`one_standard_error_choice`).

    Why not the best held-out score itself: the receiver's pool is clean and in its own
    space, and there the weakest penalty always looks best (measured on the quickstart:
    1e-5 for almost every head), while the head is used on messages it never saw (another
    agent's encoder, channel noise), where over-confident heads break (relative at K = 32,
    noise-free: 77.5% with 1e-5, 88.4% with 1e-3). Among heads the receiver cannot tell
    apart on its own data, it takes the simplest.

    .. code-block:: python

        import torch
        from semcom.transceivers.head_selection import select_weight_decay
        labels = torch.randint(3, (300,))
        features = torch.randn(3, 8)[labels] + 2.0 * torch.randn(300, 8)   # overlapping classes
        print(select_weight_decay(features, labels, 3, seed=0))            # one value of the grid
    """
    accuracy, std_error = validation_scores(features, labels, num_classes, seed, grid, **scoring)
    return one_standard_error_choice(tuple(grid), accuracy, std_error)
