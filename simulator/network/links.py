"""The links of a network: average SNR, per-slot fading, and batched decoding with the
link-level blocks (scheme, channel, semantic equaliser).

**Average SNR** of the link tx → rx (path loss with log-normal shadowing, drawn once
per link from the scenario seed)::

    snr_db = reference_snr_db - 10·exponent·log10(d / reference_distance_m) + X,   X ~ N(0, shadowing_db²)

**Fading.** With a fading channel (``rayleigh``, ``mimo``) every link draws a new
``[num_rx_ant, num_tx_ant]`` coefficient matrix, entries ``CN(0, 1)``, each slot
(block fading per slot; every message lies in one slot, see
:mod:`semcom.simulator.network.medium`). ``awgn`` links keep ``h = 1``. The average SNR is
the channel's power gain: the noise power is fixed at ``no = snr_db_to_no(0) = 1``
(:mod:`semcom.channels.snr`) and the coefficients are scaled by ``sqrt(10^(snr_db/10))``, so
the receiver's pilots, CSI error and ZF/LMMSE equaliser of the channel block see the
true received SNR of every message.

**Decoding** (:meth:`NetworkLinks.decode_slot`): every message delivered in a slot
goes through the transmitter's half of the one transmission block
(:class:`~semcom.transceivers.transmission.MessageTransmission`: the scheme's encoder),
the channel block in one call for the whole slot (every message format in it), and the
receiver's half (the scheme's decoder), batched per message format, then through its
link's semantic equaliser, one call per (transmitter model, receiver model) pair
present in the slot. Never per symbol.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np
import torch

from semcom.channels import snr_db_to_no
from semcom.channels.path_loss import log_distance_snr_db
from semcom.channels.slot_fading import build_link_channel
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.schemes import message_scheme
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS
from semcom.transceivers.transmission import MessageTransmission

from ..run.context import latent_space, select_anchors, study_data
from ..run.randomness import derive_rng, derive_seed

if TYPE_CHECKING:  # annotations only: the network schema's checks call back into this module
    from .schema import NetworkScenario

__all__ = [
    "Agent",
    "network_agents",
    "link_snr_db",
    "NetworkLinks",
    "message_channel_uses",
    "network_anchors",
    "pair_link",
]


@dataclass(frozen=True)
class Agent:
    """One transmitter or receiver of the network."""

    name: str
    model: str
    group: str
    distance_m: float = 0.0
    traffic: str = "poisson"
    rate_scale: float = 1.0
    offset_s: Optional[float] = None
    destinations: tuple[int, ...] = ()


def network_agents(sc: NetworkScenario, seed: int) -> tuple[list[Agent], list[Agent]]:
    """Transmitters (groups expanded, distances drawn) and receivers, in scenario order."""
    receivers = [Agent(name, spec.model, name) for name, spec in sc.network.receivers.items()]
    rx_index = {a.name: i for i, a in enumerate(receivers)}
    transmitters = []
    for group, spec in sc.network.transmitters.items():
        dests = tuple(rx_index[r] for r in spec.destinations(list(rx_index)))
        for i in range(spec.count):
            name = group if spec.count == 1 else f"{group}_{i}"
            d = spec.distance_m
            if not isinstance(d, (int, float)):  # a DistanceRange: drawn per transmitter
                d = float(derive_rng(seed, "distance", name).uniform(d.min, d.max))
            transmitters.append(
                Agent(name, spec.model, group, float(d), spec.traffic, spec.rate_scale, spec.offset_s, dests)
            )
    return transmitters, receivers


def link_snr_db(sc: NetworkScenario, seed: int, tx: Agent, rx: Agent) -> float:
    """Average Es/N0 [dB] of the link ``tx → rx`` (path loss + shadowing drawn for this link)."""
    pl = sc.network.path_loss
    snr = log_distance_snr_db(pl, tx.distance_m)
    if pl.shadowing_db > 0:
        snr += pl.shadowing_db * float(derive_rng(seed, "shadowing", tx.name, rx.name).standard_normal())
    return snr


def network_anchors(
    sc: NetworkScenario, seed: int, strategy: str, num_anchors: int, hub_model: str
) -> np.ndarray:
    """The anchors every link of a network unit shares, chosen on the latents of
    ``network.anchor_agent`` (default ``hub_model``, the first receiver's model)."""
    anchor_model = sc.network.anchor_agent or hub_model
    return select_anchors(
        study_data(sc), latent_space(sc, anchor_model), strategy, num_anchors, seed, anchor_model
    )


def pair_link(
    sc: NetworkScenario, seed: int, anchor_idx: np.ndarray, tx_model: str, rx_model: str
) -> LinkSetup:
    """What a transmitter of model ``tx_model`` and a receiver of model ``rx_model`` share in a
    network unit: their latent spaces, the unit's anchors, the heads' seed and regularisation."""
    data = study_data(sc)
    return LinkSetup(
        tx=latent_space(sc, tx_model),
        rx=latent_space(sc, rx_model),
        labels=data.labels,
        num_classes=data.dataset.num_classes,
        pool_idx=data.pool_idx,
        anchor_idx=anchor_idx,
        center=sc.center,
        seed=derive_seed(seed, "heads"),
        head_regularization=sc.heads.regularization(),
    )


def message_channel_uses(scheme, channel, message_dim: int) -> int:
    """Whole complex channel uses of one message (pilots included)."""
    return int(math.ceil(scheme.channel_uses(channel, message_dim) - 1e-9))


class NetworkLinks:
    """Everything the links of one network unit share: anchors, equalisers, messages, blocks.

    :param sc: the scenario.
    :param seed, num_anchors, anchor_selection, semantic_equalizer, channel, bits: the unit's axes.
    :param transmitters, receivers: from :func:`network_agents`.
    """

    def __init__(
        self,
        sc: NetworkScenario,
        seed: int,
        num_anchors: int,
        anchor_selection: str,
        semantic_equalizer: str,
        channel: str,
        bits: Optional[int],
        transmitters: list[Agent],
        receivers: list[Agent],
    ):
        self.sc = sc
        data = study_data(sc)
        self.data = data
        self.device = torch.device(sc.device)
        self.transmitters, self.receivers = transmitters, receivers
        self.anchor_idx = network_anchors(sc, seed, anchor_selection, num_anchors, receivers[0].model)
        self.eq_name = semantic_equalizer
        eq_cls = SEMANTIC_EQUALIZERS.get(semantic_equalizer)
        eq_settings = sc.semantic_equalizers.get(semantic_equalizer, {}) or {}
        pairs = sorted({(t.model, receivers[r].model) for t in transmitters for r in t.destinations})
        self.links: dict[tuple[str, str], LinkSetup] = {}
        self.equalizers = {}
        for tx_model, rx_model in pairs:
            link = pair_link(sc, seed, self.anchor_idx, tx_model, rx_model)
            self.links[(tx_model, rx_model)] = link
            self.equalizers[(tx_model, rx_model)] = eq_cls(**eq_settings).fit(link)
        self.message_kind = eq_cls.message
        # what each transmitter model sends, for every sample of the dataset it may send
        self.payload: dict[str, torch.Tensor] = {}
        for tx_model in sorted({t.model for t in transmitters}):
            link = next(pair for (t, _), pair in self.links.items() if t == tx_model)
            z = link.tx.latents
            msg = link.projection(z, link.anchors(link.tx)) if self.message_kind == "relative" else z
            self.payload[tx_model] = msg.to(self.device)
        ch_spec = sc.channels[channel]
        settings = ch_spec.model_dump(exclude={"model"})
        self.channel, self.fading = build_link_channel(ch_spec.model, settings, sc.precision, sc.device)
        self.num_rx_ant, self.num_tx_ant = self.channel.num_rx_ant, self.channel.num_tx_ant
        self.bits = bits
        self._transmissions: dict[int, MessageTransmission] = {}
        self.gain_db = np.array([[link_snr_db(sc, seed, t, r) for r in receivers] for t in transmitters])
        self.no = torch.ones(1, dtype=torch.float32, device=self.device) * float(snr_db_to_no(0.0))

    # -- formats and sizes ------------------------------------------------------------
    def message_dim(self, tx: int) -> int:
        return int(self.payload[self.transmitters[tx].model].shape[-1])

    def transmission(self, message_dim: int) -> MessageTransmission:
        """The transmission of messages of ``message_dim`` values (the scheme sized to one message,
        :func:`~semcom.transceivers.schemes.base.message_scheme`, the links' channel block;
        cached). The semantic equaliser reads no noise estimate."""
        if message_dim not in self._transmissions:
            self._transmissions[message_dim] = MessageTransmission(
                scheme=message_scheme(
                    self.sc.scheme,
                    self.message_kind,
                    message_dim,
                    self.bits,
                    self.sc.precision,
                    self.sc.device,
                ),
                channel=self.channel,
                estimate_noise=False,
                precision=self.sc.precision,
                device=self.sc.device,
            )
        return self._transmissions[message_dim]

    def scheme(self, message_dim: int):
        """The scheme of messages of ``message_dim`` values (cached with its transmission)."""
        return self.transmission(message_dim).scheme

    def channel_uses(self, tx: int) -> int:
        """Complex channel uses one message of transmitter ``tx`` needs (pilots included)."""
        m = self.message_dim(tx)
        return message_channel_uses(self.scheme(m), self.channel, m)

    # -- per slot ---------------------------------------------------------------------
    def slot_snr(self, slot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """This slot's small-scale fading of every link and its instantaneous linear SNR.

        :output h: [N, M, num_rx_ant, num_tx_ant], np.complex128, entries CN(0, 1) (ones for awgn).
        :output snr: [N, M], np.float64, ``10^(snr_db/10) · ||h||_F² / num_tx_ant``.
        """
        n, m = self.gain_db.shape
        shape = (n, m, self.num_rx_ant, self.num_tx_ant)
        if self.fading:
            rng = derive_rng(seed, "fading", slot)
            h = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2.0)
        else:
            h = np.ones(shape, dtype=np.complex128)
        gain = 10.0 ** (self.gain_db / 10.0)
        return h, gain * (np.abs(h) ** 2).sum((-1, -2)) / self.num_tx_ant

    @torch.no_grad()
    def decode_slot(self, messages: list, h: np.ndarray) -> np.ndarray:
        """Send the slot's messages through scheme, channel and semantic equaliser, batched.

        :input messages: the slot's :class:`~semcom.simulator.network.medium.Message` s (all reach
            the receiver).
        :input h: [N, M, num_rx_ant, num_tx_ant], np.complex128, this slot's fading (:meth:`slot_snr`).
        :output correct: [len(messages)], np.bool_, the receiver's decision equals the label.
        """
        if not messages:
            return np.zeros(0, dtype=bool)
        groups: dict[int, list[int]] = {}
        for j, msg in enumerate(messages):
            groups.setdefault(self.message_dim(msg.tx), []).append(j)
        xs, hs, parts = [], [], []
        gain = np.sqrt(10.0 ** (self.gain_db / 10.0))
        for dim, members in groups.items():
            transmission = self.transmission(dim)
            payload = torch.stack(
                [self.payload[self.transmitters[messages[j].tx].model][messages[j].sample] for j in members]
            )
            sent = transmission.send(payload)
            x = sent.x  # [rows, n_sym], rows = c·len(members)
            rows_per_msg = x.shape[0] // len(members)
            link_h = np.stack(
                [gain[messages[j].tx, messages[j].rx] * h[messages[j].tx, messages[j].rx] for j in members]
            )  # [members, nr, nt]
            hs.append(np.repeat(link_h, rows_per_msg, axis=0))
            parts.append((transmission, members, sent, x.shape[0], x.shape[1]))
            xs.append(x)
        width = max(x.shape[1] for x in xs)
        x_all = torch.cat([torch.nn.functional.pad(x, (0, width - x.shape[1])) for x in xs])[None]
        self.channel.set_coefficients(torch.from_numpy(np.concatenate(hs)).to(self.device))
        x_hat, no_eff = self.channel(x_all, self.no)  # one call for the whole slot
        correct = np.zeros(len(messages), dtype=bool)
        row = 0
        for transmission, members, sent, rows, n_sym in parts:
            received = transmission.receive(
                x_hat[:, row : row + rows, :n_sym], no_eff[:, row : row + rows, :n_sym], sent
            ).message  # [1, len(members), dim]
            row += rows
            by_pair: dict[tuple[str, str], list[int]] = {}
            for pos, j in enumerate(members):
                msg = messages[j]
                by_pair.setdefault(
                    (self.transmitters[msg.tx].model, self.receivers[msg.rx].model), []
                ).append(pos)
            for pair, positions in by_pair.items():
                sel = torch.tensor(positions, device=received.device)
                logits = self.equalizers[pair](received[:, sel])
                labels = self.data.labels[[messages[members[p]].sample for p in positions]].to(logits.device)
                correct[[members[p] for p in positions]] = (logits.argmax(-1)[0] == labels).cpu().numpy()
        return correct
