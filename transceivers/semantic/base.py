"""Semantic equaliser contract and registry.

A semantic equaliser is the receiver's way of understanding a transmitter whose
model differs from its own. It declares which message the transmitter sends
(``"relative"``: the K similarities to the anchors; ``"absolute"``: the latent
itself) and turns the received message into class logits.
"""

from __future__ import annotations

import torch

from semcom.core.registry import Registry
from ..link import LinkSetup

__all__ = ["SEMANTIC_EQUALIZERS", "SemanticEqualizer"]

SEMANTIC_EQUALIZERS: Registry[type["SemanticEqualizer"]] = Registry("semantic equalizer")


class SemanticEqualizer:
    """Receiver-side semantic processing, fitted at construction on what the link shares.

    :param link: the :class:`~semcom.transceivers.link.LinkSetup` of the pair.

    :input message: [num_snr, batch_size, message_dim], torch.float32. The received message.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    #: ``"relative"`` or ``"absolute"``: what the transmitter sends.
    message: str = "relative"

    def __init__(self, link: LinkSetup, **settings):
        self.link = link

    def message_dim(self) -> int:
        return self.link.num_anchors if self.message == "relative" else self.link.tx.latent_dim

    def setup_symbols(self) -> int:
        """Data symbols spent once per study before any message (semantic pilots)."""
        return 0

    def __call__(self, message: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
