"""Semantic equaliser contract and registry.

A semantic equaliser is the receiver's way of understanding a transmitter whose
model differs from its own. It declares which message the transmitter sends
(``"relative"``: the K similarities to the anchors; ``"absolute"``: the latent
itself) and turns the received message into class logits.
"""

from __future__ import annotations

import torch

from typing import Any, Optional

from semcom.core.errors import ScenarioError
from semcom.core.registry import Registry
from ..link import LinkSetup

__all__ = ["SEMANTIC_EQUALIZERS", "SemanticEqualizer", "resolve_equalizer", "build_equalizer"]

SEMANTIC_EQUALIZERS: Registry[type["SemanticEqualizer"]] = Registry("semantic equalizer")


class SemanticEqualizer:
    """Receiver-side semantic processing, fitted at construction on what the link shares.

    :param link: the :class:`~semcom.transceivers.link.LinkSetup` of the pair.
    :param access: a :class:`~.channel_aware.ChannelAccess` (the unit's channel, scheme and
        SNR points) for receivers that simulate their link, or `None` where none is given.

    :input message: [num_snr, batch_size, message_dim], torch.float32. The received message.
    :input noise: [num_snr, batch_size, message_dim], torch.float32, or `None`: per-entry
        noise variance of the message (analog scheme), used by channel-aware receivers.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    #: ``"relative"`` or ``"absolute"``: what the transmitter sends.
    message: str = "relative"

    def __init__(self, link: LinkSetup, access=None, **settings):
        self.link = link
        self.access = access

    @classmethod
    def check_options(cls, prefix: str, settings: dict) -> None:
        """Raise a :class:`ScenarioError` naming ``prefix.<option>`` for a bad option value."""

    def message_dim(self) -> int:
        return self.link.num_anchors if self.message == "relative" else self.link.tx.latent_dim

    def setup_symbols(self) -> int:
        """Data symbols spent once per study before any message (semantic pilots)."""
        return 0

    def __call__(self, message: torch.Tensor, noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        raise NotImplementedError


def resolve_equalizer(name: str, settings: Optional[dict]) -> tuple[type[SemanticEqualizer], dict[str, Any]]:
    """The class and settings of the receiver ``name``.

    ``name`` is a registered equaliser, or a named receiver defined in the scenario by
    ``semantic_equalizers: {name: {equalizer: <registered>, ...options}}`` (so one study
    compares e.g. ``relative`` with ``relative_lmmse`` as two curves).
    """
    settings = dict(settings or {})
    base = settings.pop("equalizer", None)
    if base is None:
        return SEMANTIC_EQUALIZERS.get(name), settings
    if name in SEMANTIC_EQUALIZERS and base != name:
        raise ScenarioError(f"semantic_equalizers.{name}.equalizer", base,
                            f"'{name}' is a built-in equaliser and cannot be redefined",
                            f"give the variant another name, e.g. {name}_variant")
    return SEMANTIC_EQUALIZERS.get(base), settings


def build_equalizer(name: str, settings: Optional[dict], link: LinkSetup, access=None) -> SemanticEqualizer:
    """Instantiate the receiver ``name`` (see :func:`resolve_equalizer`) for ``link``."""
    cls, options = resolve_equalizer(name, settings)
    return cls(link, access=access, **options)
