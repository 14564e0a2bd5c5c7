"""Semantic equaliser contract and registry.

A semantic equaliser is the receiver's way of understanding a transmitter whose
model differs from its own. It declares which message the transmitter sends
(``"relative"``: the K similarities to the anchors; ``"absolute"``: the latent
itself) and turns the received message into class logits.

Like Sionna's blocks: settings at construction, fitting on what the link shares in
an explicit :meth:`SemanticEqualizer.fit`, tensors through the call.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch
from sionna.phy import Block

from semcom.core.errors import ScenarioError
from semcom.core.registry import Registry, constructor_defaults, constructor_settings, suggest
from ..link import LinkSetup

__all__ = [
    "SEMANTIC_EQUALIZERS",
    "SemanticEqualizer",
    "resolve_equalizer",
    "build_equalizer",
    "check_choices",
]

SEMANTIC_EQUALIZERS: Registry[type[SemanticEqualizer]] = Registry("semantic equalizer")


class SemanticEqualizer(Block):
    """Receiver-side semantic processing (a Sionna :class:`~sionna.phy.Block`).

    Settings (the subclass's options, explicit keyword arguments) are checked at
    construction, and an unknown one is refused there with one line naming it
    (:meth:`reject_unknown`, as :class:`~semcom.channels.ChannelModel` does); :meth:`fit` fits the
    receiver on what the link shares (anchors, pool, semantic pilots) and must be called
    before the first call. Semantics run where the latents and heads live: ``device``
    defaults to ``"cpu"`` whatever the physical layer's device.

    :input message: [num_snr, batch_size, message_dim], torch.float32. The received message.
    :input noise: [num_snr, batch_size, message_dim], torch.float32, or `None`: per-entry
        noise variance of the message (analog scheme), used by channel-aware receivers.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.

    .. code-block:: python

        import numpy as np, torch
        from semcom.transceivers.agents import LatentSpace
        from semcom.transceivers.link import LinkSetup
        from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS
        labels = torch.randint(3, (300,))
        z_rx = 3 * torch.randn(3, 16)[labels] + torch.randn(300, 16)
        z_tx = z_rx @ torch.linalg.qr(torch.randn(16, 16))[0]             # a rotated copy
        link = LinkSetup(LatentSpace("tx", z_tx), LatentSpace("rx", z_rx), labels, 3,
                         pool_idx=np.arange(200), anchor_idx=np.arange(12), seed=0)
        eq = SEMANTIC_EQUALIZERS.get("relative")(denoise="lmmse")          # settings
        eq.fit(link)                                                        # anchors, pool, heads
        received = link.relative(link.tx, np.arange(200, 300))[None]        # [1, 100, 12]
        print(eq(received, torch.full_like(received, 1e-3)).shape)         # [1, 100, 3]
    """

    #: ``"relative"`` or ``"absolute"``: what the transmitter sends.
    message: str = "relative"

    def __init__(self, precision: Optional[str] = None, device: Optional[str] = "cpu", **unknown):
        self.reject_unknown(unknown)
        super().__init__(precision=precision, device=device)
        self.link: Optional[LinkSetup] = None
        self.access = None

    @classmethod
    def settings(cls) -> list[str]:
        """Names of the settings a scenario may give this receiver (its constructor keywords)."""
        return constructor_settings(cls, stop=Block)

    @classmethod
    def reject_unknown(cls, unknown: dict) -> None:
        """One line naming the first setting in ``unknown`` (the keywords no parameter took),
        with a did-you-mean and the settings there are; nothing when it is empty."""
        if not unknown:
            return
        key = sorted(unknown)[0]
        name = next(
            (n for n in SEMANTIC_EQUALIZERS.names() if SEMANTIC_EQUALIZERS.get(n) is cls), cls.__name__
        )
        known = cls.settings()
        raise ScenarioError(
            f"semantic_equalizers.{name}.{key}",
            unknown[key],
            "unknown setting" + suggest(key, known),
            f"remove it or use one of: {', '.join(known)}",
        )

    def fit(self, link: LinkSetup, access=None) -> SemanticEqualizer:
        """Fit on what ``link`` shares; returns ``self``.

        :param link: the :class:`~semcom.transceivers.link.LinkSetup` of the pair.
        :param access: a :class:`~.channel_aware.ChannelAccess` (the unit's channel, scheme and
            SNR points) for receivers that simulate their link, or `None` where none is given.
        """
        self.link, self.access = link, access
        return self

    def build(self, *shapes, **kw_shapes) -> None:
        if self.link is None:
            raise RuntimeError(f"{type(self).__name__}: call fit(link) before decoding")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every setting's default, as its constructor declares it (the one place it is declared)."""
        return constructor_defaults(cls, stop=Block)

    @classmethod
    def check_settings(cls, prefix: str, settings: dict) -> None:
        """A setting whose default is a number takes a finite number (``ridge: lots`` fails here,
        not inside the unit that fits the receiver), then :meth:`check_options` on ``settings``
        (a scenario's, perhaps partial) over the defaults."""
        defaults = cls.defaults()
        for key, value in settings.items():
            default = defaults.get(key)
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                if not ok or (isinstance(default, int) and not float(value).is_integer()):
                    what = "a whole number" if isinstance(default, int) else "a finite number"
                    raise ScenarioError(
                        f"{prefix}.{key}", value, f"must be {what}", f"use e.g. {key}: {default}"
                    )
        cls.check_options(prefix, {**defaults, **settings})

    @classmethod
    def check_options(cls, prefix: str, settings: dict) -> None:
        """Raise a :class:`ScenarioError` naming ``prefix.<option>`` for a bad option value;
        ``settings`` holds every setting (:meth:`check_settings` fills in the defaults)."""

    @property
    def message_key(self):
        """What the transmitter sends for this receiver: receivers with the same key share one
        transmission. The kind (``"relative"``/``"absolute"``) unless a receiver sends its own
        variant (e.g. ``message_anchors``: a relative message over fewer anchors)."""
        return self.message

    def encode(self, z_tx: torch.Tensor) -> torch.Tensor:
        """The transmitter's message for this (fitted) receiver.

        :input z_tx: [batch_size, d_tx], torch.float32. :output: [batch_size, message_dim], torch.float32.
        """
        if self.message == "relative":
            return self.link.projection(z_tx, self.link.anchors(self.link.tx))
        return z_tx

    def message_dim(self) -> int:
        """Values per message of a fitted receiver: K (relative) or the transmitter's latent size."""
        return self.link.num_anchors if self.message == "relative" else self.link.tx.latent_dim

    def setup_symbols(self, link: LinkSetup) -> int:
        """Data symbols spent once per link before any message (semantic pilots). They depend
        on the settings and the link's sizes only, so no :meth:`fit` is needed to count them."""
        return 0

    def call(self, message: torch.Tensor, noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        raise NotImplementedError

    # -- retrieval (mean reciprocal rank): the equalised message against the receiver's own keys --

    def retrieval_keys(self, idx) -> Optional[torch.Tensor]:
        """The receiver's own representations of samples ``idx`` in the space where this
        receiver delivers its equalised message, or `None` (no retrieval metric).

        :output keys: [len(idx), key_dim], torch.float32.
        """
        return None

    def retrieval_query(
        self, message: torch.Tensor, noise: Optional[torch.Tensor] = None
    ) -> Optional[torch.Tensor]:
        """The equalised message in the space of :meth:`retrieval_keys`.

        :input message: [num_snr, batch_size, message_dim], torch.float32.
        :output query: [num_snr, batch_size, key_dim], torch.float32.
        """
        return None


def check_choices(prefix: str, settings: dict, choices: dict[str, tuple]) -> None:
    """One line naming ``prefix.<option>`` for the first setting of ``choices`` (option → the
    values it takes) whose value in ``settings`` is not one of them."""
    for option, allowed in choices.items():
        if settings[option] not in allowed:
            raise ScenarioError(
                f"{prefix}.{option}",
                settings[option],
                f"unknown {option} option",
                f"use one of {', '.join(allowed)}",
            )


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
        raise ScenarioError(
            f"semantic_equalizers.{name}.equalizer",
            base,
            f"'{name}' is a built-in equaliser and cannot be redefined",
            f"give the variant another name, e.g. {name}_variant",
        )
    return SEMANTIC_EQUALIZERS.get(base), settings


def build_equalizer(name: str, settings: Optional[dict], link: LinkSetup, access=None) -> SemanticEqualizer:
    """The receiver ``name`` (see :func:`resolve_equalizer`), fitted on ``link``."""
    cls, options = resolve_equalizer(name, settings)
    return cls(**options).fit(link, access)
