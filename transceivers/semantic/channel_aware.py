"""Receivers that know their channel: LMMSE denoising and heads trained on channel-noisy messages.

A receiver knows the statistics of its own link (channel model, scheme, SNR) and its
own relative space, so it can (a) denoise the received message with its own space as
a prior (:mod:`.denoise`) and (b) train its head on its own pool messages after they
crossed a simulated copy of the link, so the head has seen the noise it will meet.

Options of the equalisers on relative messages (``relative``, ``inverse``, ``oracle``),
given per equaliser in the scenario, e.g.
``semantic_equalizers: {relative_lmmse: {equalizer: relative, denoise: lmmse}}``:

* ``denoise``: ``none`` (default) or ``lmmse``;
* ``head``: ``clean`` (default: fitted on clean messages), ``matched`` (one head per SNR
  point, fitted on messages that crossed the link at that SNR) or a list of SNRs in dB
  (one head for every SNR point, fitted on messages that crossed the link at each of them);
* ``head_draws``: noise draws per pool message for a noise-trained head (default 4: with one draw the head
  overfits that draw, measured on Rayleigh at −10 dB).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, Optional

import numpy as np
import sionna.phy
import torch

from semcom.core.errors import ScenarioError, SemcomInputError
from ..heads import TaskHead, cached_head
from .base import SemanticEqualizer
from .denoise import LMMSEDenoiser

__all__ = ["ChannelAccess", "ChannelAwareEqualizer", "DENOISERS", "refuse_link_simulation"]

DENOISERS = ("none", "lmmse")


class ChannelAccess:
    """A receiver's simulated copy of its link: the unit's transmissions and SNR points.

    :param transmissions: the unit's
        :class:`~semcom.transceivers.transmission.MessageTransmission` per message kind
        (``"relative"``, ``"absolute"``): the one chain the link itself uses (scheme,
        channel, top-k of relative messages when the unit's data are sparsified).
    :param snr_db: the unit's SNR points [dB], in the order of the data's leading axis.
    :param snr_to_no: SNR [dB] tensor → noise power (the one SNR convention).
    :param seed_for: purpose → integer seed (from the one owner of randomness).
    :param key: JSON-serialisable description of channel and scheme (keys head caches).
    :param device: device of the physical layer.
    """

    def __init__(
        self,
        transmissions: dict,
        snr_db: Sequence[float],
        snr_to_no: Callable,
        seed_for: Callable,
        key: Any,
        device: str = "cpu",
    ):
        self.transmissions = transmissions
        self.snr_db = [float(s) for s in snr_db]
        self.snr_to_no, self.seed_for, self.key = snr_to_no, seed_for, key
        self.device = torch.device(device)

    @torch.no_grad()
    def send(
        self,
        messages: torch.Tensor,
        purpose: Any,
        snr_db: Optional[Sequence[float]] = None,
        relative: bool = False,
    ) -> tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Messages through the unit's transmission at every SNR point, with fresh noise;
        relative messages (``relative=True``) are top-k sparsified first when the unit's data are.

        :input messages: [num_messages, message_dim], torch.float32.
        :output received: [num_snr, num_messages, message_dim], torch.float32 (CPU).
        :output noise: [num_snr, num_messages, message_dim], torch.float32, per-entry
            noise variance (see :meth:`Scheme.message_noise`), or `None`.
        """
        snr_db = self.snr_db if snr_db is None else [float(s) for s in snr_db]
        # the draw depends on the purpose only, never on what ran before
        sionna.phy.config.seed = self.seed_for("receiver-side simulation", purpose, snr_db)
        no = self.snr_to_no(torch.tensor(snr_db, dtype=torch.float64)).to(self.device)
        received = self.transmissions["relative" if relative else "absolute"](messages.to(self.device), no)
        noise = received.noise
        return received.message.float().cpu(), None if noise is None else noise.float().cpu()


def refuse_link_simulation(prefix: str, settings: dict) -> None:
    """One-line error for receiver options that need a per-link simulation (network-level studies)."""
    needs = {
        "head": ("clean", "trains the head on messages sent over a simulated copy of the link"),
        "message_anchors": (None, "sends a relative message over fewer anchors than the link's"),
        "pilots": ("clean", "sends the pilots over a simulated copy of the link"),
        "denoise": ("none", "needs the per-entry noise variance of each received message"),
    }
    for option, (default, what) in needs.items():
        value = settings.get(option, default)
        if value != default:
            raise ScenarioError(
                f"{prefix}.{option}",
                value,
                f"{what}, which network-level studies do not provide",
                f"use {option}: {default} here, or study it in a link-level scenario",
            )


def _head_option(prefix: str, head: Any) -> Any:
    if head in ("clean", "matched"):
        return head
    if (
        isinstance(head, (list, tuple))
        and head
        and all(isinstance(s, (int, float)) and not isinstance(s, bool) and math.isfinite(s) for s in head)
    ):
        return [float(s) for s in head]
    raise ScenarioError(
        f"{prefix}.head",
        head,
        "unknown head option",
        "use clean, matched, or a list of SNRs in dB such as [0, 10, 20]",
    )


class ChannelAwareEqualizer(SemanticEqualizer):
    """Base of equalisers on relative messages with ``denoise`` and ``head`` options.

    Subclasses call :meth:`setup_receiver` from their :meth:`fit` and implement
    :meth:`features` (received message → head input); the call denoises, maps and
    decodes, one head per SNR row when the heads are ``matched``.

    :param denoise: ``none`` or ``lmmse``.
    :param head: ``clean``, ``matched`` or a list of SNRs [dB].
    :param head_draws: noise draws per pool message for a noise-trained head.
    :param message_anchors: send the relative message over only the first ``m`` of the
        unit's K anchors (``min(m, K)``), e.g. to match another receiver's channel uses
        per sample while the pilot budget K grows (prefix-consistent anchor designs make
        them the budget-m anchors); default `None`: all K.

    :input message: [num_snr, batch_size, num_anchors], torch.float32.
    :input noise: [num_snr, batch_size, num_anchors], torch.float32, or `None`.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    @classmethod
    def check_options(cls, prefix: str, settings: dict) -> None:
        denoise = settings["denoise"]
        if denoise not in DENOISERS:
            raise ScenarioError(
                f"{prefix}.denoise", denoise, "unknown denoiser", f"use one of {', '.join(DENOISERS)}"
            )
        _head_option(prefix, settings["head"])
        draws = settings["head_draws"]
        if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
            raise ScenarioError(
                f"{prefix}.head_draws",
                draws,
                "must be a whole number >= 1",
                "use e.g. 4 (noise draws per pool message for a noise-trained head)",
            )
        m = settings["message_anchors"]
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m < 1):
            raise ScenarioError(
                f"{prefix}.message_anchors",
                m,
                "must be a whole number >= 1",
                "use e.g. 16 (anchors of the relative message), or leave it out for all of them",
            )

    def __init__(
        self,
        denoise: str = "none",
        head: Any = "clean",
        head_draws: int = 4,
        precision: Optional[str] = None,
        device: Optional[str] = "cpu",
        message_anchors: Optional[int] = None,
        **settings,
    ):
        super().__init__(precision=precision, device=device, **settings)
        # the scenario validator names the receiver; here (direct use) the class stands in for it
        self.check_settings(
            type(self).__name__,
            {"denoise": denoise, "head": head, "head_draws": head_draws, "message_anchors": message_anchors},
        )
        self.denoise_option, self.head_option, self.head_draws = (
            denoise,
            _head_option("head", head),
            head_draws,
        )
        self.message_anchors = message_anchors
        self.denoiser, self.head, self.heads = None, None, None

    def message_link(self, link):
        """``link`` itself, or (with ``message_anchors``) the link over its first ``m`` anchors."""
        if self.message_anchors is None or self.message_anchors >= link.num_anchors:
            return link
        return dataclasses.replace(link, anchor_idx=link.anchor_idx[: self.message_anchors])

    @property
    def message_key(self):
        if self.message_anchors is None:
            return self.message
        return (self.message, "first", self.message_anchors)

    def setup_receiver(self, own_messages: torch.Tensor, clean_head: TaskHead, key: tuple) -> None:
        """Prior and heads from the receiver's own pool messages [pool_size, num_anchors];
        a noise-trained head sees each pool message ``head_draws`` times, each with its own noise."""
        denoise, head, head_draws = self.denoise_option, self.head_option, self.head_draws
        self.denoiser = LMMSEDenoiser.from_samples(own_messages) if denoise == "lmmse" else None
        self.head, self.heads = clean_head, None
        if head == "clean":
            return
        access: Optional[ChannelAccess] = self.access
        if access is None:
            raise SemcomInputError(
                f"head: {head!r} trains the head on messages sent over the unit's channel, "
                "which this kind of study does not simulate per link (network-level and "
                "stitching runs); use head: clean there"
            )
        snrs = access.snr_db if head == "matched" else head
        purpose = ("noise-trained head", key, snrs) + ((head_draws,) if head_draws > 1 else ())
        received, noise = access.send(own_messages.repeat(head_draws, 1), purpose, snrs, relative=True)
        if self.denoiser is not None:
            received = self.denoiser(received, noise)
        feats = self.features(received)
        labels = self.link.labels[self.link.pool_idx].repeat(head_draws)
        cache_key = (
            *key,
            "noise-trained",
            access.key,
            denoise,
            snrs,
            access.seed_for("receiver-side simulation", purpose, snrs),
        )
        # the L2 strength is validated on noisy messages too; every noisy copy of a pool
        # message falls in that message's fold
        reg, pool_size = self.link.head_regularization, own_messages.shape[0]
        if head == "matched":
            groups = np.arange(len(labels)) % pool_size
            self.heads = [
                cached_head(
                    (*cache_key, s), feats[s], labels, self.link.num_classes, self.link.seed, reg, groups
                )
                for s in range(len(snrs))
            ]
        else:
            groups = np.arange(len(labels) * len(snrs)) % pool_size
            self.head = cached_head(
                cache_key,
                feats.reshape(-1, feats.shape[-1]),
                labels.repeat(len(snrs)),
                self.link.num_classes,
                self.link.seed,
                reg,
                groups,
            )

    def features(self, message: torch.Tensor) -> torch.Tensor:
        """[..., num_anchors] received message → [..., feature_dim] head input."""
        return message

    def retrieval_query(self, message: torch.Tensor, noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The head's input (after denoising): [num_snr, batch_size, feature_dim]."""
        if self.denoiser is not None:
            message = self.denoiser(message, noise)
        return self.features(message)

    def call(self, message: torch.Tensor, noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        if self.denoiser is not None:
            message = self.denoiser(message, noise)
        feats = self.features(message)
        if self.heads is None:
            return self.head(feats)
        if len(self.heads) != feats.shape[0]:
            raise ValueError(f"{len(self.heads)} matched heads for {feats.shape[0]} SNR rows")
        return torch.stack([h(f) for h, f in zip(self.heads, feats)])
