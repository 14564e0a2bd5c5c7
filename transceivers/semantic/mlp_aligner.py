"""`mlp_aligner`: a small MLP tx → rx trained on the pilots, early-stopped on held-out pilots."""

from __future__ import annotations

import math

import numpy as np
import torch

from semcom.core.errors import ScenarioError
from semcom.core.threads import FITTING_THREADS, with_fixed_threads
from .aligned import ridge_map
from .base import SEMANTIC_EQUALIZERS
from .pilot_aligner import PilotAligner, check_number

__all__ = ["MLPAlignerEqualizer", "fit_mlp_aligner", "held_out_count"]


def held_out_count(num_pilots: int, holdout: float) -> int:
    """Pilots held out for early stopping: ``ceil(holdout · K)`` (0 when ``holdout`` is 0)."""
    return int(math.ceil(holdout * num_pilots - 1e-9))


def _fewest_pilots(holdout: float) -> int:
    """The smallest budget that leaves 2 training pilots besides the held-out ones."""
    k = 2
    while k - held_out_count(k, holdout) < 2:
        k += 1
    return k


@with_fixed_threads(num_threads=FITTING_THREADS)
def fit_mlp_aligner(
    x: torch.Tensor,
    y: torch.Tensor,
    held_out: int,
    seed: int,
    hidden: int = 64,
    max_epochs: int = 300,
    patience: int = 30,
    lr: float = 1e-2,
    ridge: float = 1e-2,
):
    r"""``f(x) = [x, 1] W + MLP(x)``, trained on the pairs but ``held_out`` of them.

    ``W`` is the ridge least-squares map (:func:`~.aligned.ridge_map`) on the training
    pairs; the MLP (``d_x → hidden → d_y``, tanh, output layer initialised at zero, so
    training starts from the linear map) is fitted by full-batch Adam on the residuals
    of the training pairs; after every epoch the held-out pairs' MSE is measured and the
    weights with the lowest one are kept; training stops after ``patience`` epochs
    without improvement (or ``max_epochs``). The held-out pairs are drawn from ``seed``.

    :input x: [n, d_x], torch.float64. :input y: [n, d_y], torch.float64.
    :output: a function [..., d_x] → [..., d_y] (torch.float64).
    """
    n = len(x)
    rng = np.random.default_rng(seed)
    order = torch.from_numpy(rng.permutation(n))
    val, train = order[:held_out], order[held_out:]
    w = ridge_map(x[train], y[train], ridge)

    def linear(m):
        return m @ w[:-1] + w[-1]

    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(int(rng.integers(2**31 - 1)))
        net = torch.nn.Sequential(
            torch.nn.Linear(x.shape[1], hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, y.shape[1])
        ).double()
        torch.nn.init.zeros_(net[2].weight)
        torch.nn.init.zeros_(net[2].bias)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        xt, rt = x[train], y[train] - linear(x[train])
        xv, rv = x[val], y[val] - linear(x[val])
        best_state = {k: v.clone() for k, v in net.state_dict().items()}
        with torch.no_grad():
            best = float((net(xv) - rv).square().mean())
        since = 0
        for _ in range(max_epochs):
            opt.zero_grad(set_to_none=True)
            (net(xt) - rt).square().mean().backward()
            opt.step()
            with torch.no_grad():
                val_loss = float((net(xv) - rv).square().mean())
            if val_loss < best - 1e-12:
                best, since = val_loss, 0
                best_state = {k: v.clone() for k, v in net.state_dict().items()}
            else:
                since += 1
                if since >= patience:
                    break
    net.load_state_dict(best_state)
    net = net.eval().requires_grad_(False)
    return lambda m: linear(m) + net(m.reshape(-1, m.shape[-1])).reshape(*m.shape[:-1], -1)


@SEMANTIC_EQUALIZERS.register("mlp_aligner")
class MLPAlignerEqualizer(PilotAligner):
    r"""A small MLP on top of a linear map, trained on the pilots (:func:`fit_mlp_aligner`).

    :param hidden: hidden units (default 64).
    :param holdout: share of the pilots held out for early stopping (default 0.2;
        ``ceil(holdout · K)`` pilots, at least one; the map is trained on the others).
    :param max_epochs: full-batch Adam epochs at most (default 300).
    :param patience: epochs without a better held-out error before stopping (default 30).
    :param lr: Adam's learning rate (default 1e-2).
    :param ridge: relative ridge of the linear part (default 1e-2).
    :param options: ``pilots``, ``preprocess``, ``eig_floor`` (see :class:`~.pilot_aligner.PilotAligner`).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "mlp_aligner"

    def __init__(
        self,
        hidden: int = 64,
        holdout: float = 0.2,
        max_epochs: int = 300,
        patience: int = 30,
        lr: float = 1e-2,
        ridge: float = 1e-2,
        **options,
    ):
        super().__init__(**options)
        self._own_options(
            hidden=hidden, holdout=holdout, max_epochs=max_epochs, patience=patience, lr=lr, ridge=ridge
        )

    @classmethod
    def check_options(cls, prefix, settings):
        super().check_options(prefix, settings)
        holdout = settings["holdout"]
        if isinstance(holdout, bool) or not isinstance(holdout, (int, float)) or not 0 < holdout < 1:
            raise ScenarioError(
                f"{prefix}.holdout",
                holdout,
                "must be a share in (0, 1): early stopping needs held-out pilots",
                "use e.g. holdout: 0.2",
            )
        for field, example in (("hidden", 64), ("max_epochs", 300), ("patience", 30)):
            check_number(prefix, field, settings[field], 1, inclusive=True, whole=True, example=str(example))
        check_number(prefix, "lr", settings["lr"], 0.0, example="0.01")
        check_number(prefix, "ridge", settings["ridge"], 0.0, inclusive=True, example="0.01")

    def settings_for_budget(self):
        return {"holdout": self.holdout}

    @classmethod
    def check_budget(cls, prefix, settings, num_pilots, where="sweep.num_anchors"):
        holdout = {**cls.defaults(), **settings}["holdout"]
        held = held_out_count(num_pilots, holdout)
        if num_pilots - held < 2:
            raise ScenarioError(
                where,
                num_pilots,
                f"{cls.name} holds out {held} of {num_pilots} pilots for early "
                "stopping (holdout) and needs at least 2 more to train on",
                f"use num_anchors >= {_fewest_pilots(holdout)} or a smaller {prefix}.holdout",
            )

    def fit(self, link, access=None):
        self._seed = int(
            np.random.default_rng([int(link.seed), link.num_anchors, 0x4D4C50]).integers(2**31 - 1)
        )
        return super().fit(link, access)

    def fit_map(self, x, y):
        return fit_mlp_aligner(
            x,
            y,
            held_out_count(len(x), self.holdout),
            self._seed,
            self.hidden,
            self.max_epochs,
            self.patience,
            self.lr,
            self.ridge,
        )
