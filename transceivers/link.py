"""What the two ends of one link share and know: latent spaces, anchors, heads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch

from .agents import LatentSpace
from .head_selection import HeadRegularization
from .heads import TaskHead, cached_head
from .relative import RelativeProjection

__all__ = ["LinkSetup"]


@dataclass
class LinkSetup:
    """One transmitter → receiver pair with its shared anchor samples.

    :ivar tx, rx: the two agents' latent spaces over the shared dataset.
    :ivar labels: [num_samples], torch.int64.
    :ivar pool_idx: [pool_size] np.int64, samples usable for training heads and anchors.
    :ivar anchor_idx: [num_anchors] np.int64, dataset indices of the anchors.
    :ivar center: centre relative projections on each agent's anchor mean.
    :ivar seed: seeds head training (and the folds that select its L2 strength).
    :ivar head_regularization: every head's L2 strength: fixed, or selected by
        cross-validation on the receiver's own pool (the default).
    """

    tx: LatentSpace
    rx: LatentSpace
    labels: torch.Tensor
    num_classes: int
    pool_idx: np.ndarray
    anchor_idx: np.ndarray
    center: bool = False
    seed: int = 0
    head_regularization: HeadRegularization = HeadRegularization()
    projection: RelativeProjection = field(init=False)

    def __post_init__(self):
        # latents and heads live on the CPU; pin the block there whatever Sionna's default device
        self.projection = RelativeProjection(center=self.center, device="cpu")

    @property
    def num_anchors(self) -> int:
        return len(self.anchor_idx)

    def anchors(self, space: LatentSpace) -> torch.Tensor:
        """[num_anchors, latent_dim] anchor latents in ``space``."""
        return space.latents[self.anchor_idx]

    def relative(self, space: LatentSpace, idx) -> torch.Tensor:
        """[len(idx), num_anchors] relative representation of samples ``idx`` in ``space``."""
        return self.projection(space.latents[idx], self.anchors(space))

    @cached_property
    def _pool_labels(self) -> torch.Tensor:
        return self.labels[self.pool_idx]

    def absolute_head(self, space: LatentSpace) -> TaskHead:
        """Head trained on ``space``'s own absolute latents of the pool."""
        return cached_head(
            ("absolute", space.name, space.fingerprint, self.pool_idx),
            space.latents[self.pool_idx],
            self._pool_labels,
            self.num_classes,
            self.seed,
            self.head_regularization,
        )

    def relative_head(self, space: LatentSpace) -> TaskHead:
        """Head trained on ``space``'s own relative representations of the pool."""
        return cached_head(
            ("relative", space.name, space.fingerprint, self.pool_idx, self.anchor_idx, self.center),
            self.relative(space, self.pool_idx),
            self._pool_labels,
            self.num_classes,
            self.seed,
            self.head_regularization,
        )
