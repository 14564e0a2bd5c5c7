"""Link-level engine: one work unit → result rows, every SNR point in one batched pass.

:func:`run_unit` is the entry of every link-level unit: it resolves the unit's set-up
once (:func:`~semcom.simulator.link.resolved.resolve_unit`) and runs it here (anchor-based
units) or in :mod:`semcom.simulator.link.jscc_engine` (end-to-end units). Every message
crosses the link through the one transmission block
(:class:`~semcom.transceivers.transmission.MessageTransmission`); rows are
:class:`~semcom.simulator.link.rows.ResultRow` s.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import sionna.phy

from semcom.channels import build_channel, snr_db_to_no
from semcom.transceivers.compression import index_bits
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.schemes import build_scheme
from semcom.transceivers.semantic import build_equalizer
from semcom.transceivers.semantic.channel_aware import ChannelAccess
from semcom.transceivers.side_information import REFERENCE_SIDE_LINK
from semcom.transceivers.transmission import MessageTransmission, Received
from .jscc_engine import run_jscc_unit
from ..results.metrics import mean_interval, wilson_interval
from .metrics import accuracy_counts, reciprocal_ranks, top_k_counts
from ..run.context import select_anchors
from ..run.randomness import derive_seed
from .rows import ResultRow
from .resolved import ResolvedUnit, resolve_unit
from .units import Unit

if TYPE_CHECKING:   # annotations only: the schema's checks call back into the simulator
    from .schema import Scenario

__all__ = ["run_unit", "run_resolved", "unit_anchors", "build_link", "head_weight_decay", "PASS_ELEMENTS"]

#: Elements of one [num_snr, chunk, message_dim] tensor of a batched pass (16 MB of
#: float32): larger passes leave the cache and page in fresh memory for every
#: temporary, and cost grows faster than the work (measured: benchmarks/bench_growth.py).
PASS_ELEMENTS = 1 << 22


def head_weight_decay(eq, snr_index: int):
    """L2 strength of the head that decodes ``eq``'s row at SNR point ``snr_index`` (one
    head per SNR point for matched noise-trained heads), `None` if it has no head."""
    heads = getattr(eq, "heads", None)
    head = heads[snr_index] if heads else getattr(eq, "head", None)
    return getattr(head, "weight_decay", None)


def unit_anchors(ru: ResolvedUnit) -> np.ndarray:
    """Dataset indices of the unit's anchors, chosen on the transmitter's pool latents
    (:func:`~semcom.simulator.run.context.select_anchors`)."""
    unit = ru.unit
    return select_anchors(ru.data, ru.tx, unit.anchor_selection, unit.num_anchors, unit.seed, unit.transmitter)


def build_link(ru: ResolvedUnit) -> LinkSetup:
    """What the unit's transmitter and receiver share: latent spaces, anchors, heads."""
    data = ru.data
    return LinkSetup(
        tx=ru.tx, rx=ru.rx, labels=data.labels, num_classes=data.dataset.num_classes, pool_idx=data.pool_idx,
        anchor_idx=unit_anchors(ru), center=ru.center, seed=derive_seed(ru.unit.seed, "heads"),
        head_regularization=ru.head_regularization)


class _Accumulator:
    """Sums over chunks of test samples, per SNR point: correct decisions, NMSE, BER, BLER."""

    def __init__(self, num_snr: int):
        self.num_snr = num_snr
        self.correct: dict[str, np.ndarray] = {}
        self.top_k: dict[str, np.ndarray] = {}
        self.rr: dict[str, np.ndarray] = {}      # sums of reciprocal ranks
        self.rr_sq: dict[str, np.ndarray] = {}   # sums of their squares
        self.err = np.zeros(num_snr)
        self.energy = 0.0
        self.ber = np.zeros(num_snr)
        self.bler = np.zeros(num_snr)
        self.weight = 0
        self.has_ber = False

    def add_transmission(self, received: Received, message: torch.Tensor) -> None:
        """Errors of one chunk: NMSE from the message, BER/BLER from the bits the transmitter kept."""
        n = message.shape[0]
        # float32 differences, float64 sums: exact enough, no float64 copies of big tensors
        self.err += (received.message - message).square().sum((-1, -2), dtype=torch.float64).cpu().numpy()
        self.energy += float(message.square().sum(dtype=torch.float64))
        rates = received.error_rates()
        if rates is not None:
            self.has_ber = True
            self.ber += n * rates[0].double().cpu().numpy()
            self.bler += n * rates[1].double().cpu().numpy()
        self.weight += n

    def add_decisions(self, name: str, correct: np.ndarray, top_k: np.ndarray) -> None:
        self.correct[name] = self.correct.get(name, 0) + correct
        self.top_k[name] = self.top_k.get(name, 0) + top_k

    def add_ranks(self, name: str, rr: torch.Tensor) -> None:
        """Reciprocal ranks [num_snr, batch_size] of one chunk."""
        self.rr[name] = self.rr.get(name, 0) + rr.sum(-1).numpy()
        self.rr_sq[name] = self.rr_sq.get(name, 0) + rr.square().sum(-1).numpy()

    def nmse(self) -> np.ndarray:
        return self.err / max(self.energy, 1e-30)


def run_unit(sc: Scenario, unit: Unit, *, observe=None, channel_seed: int | None = None) -> list[dict[str, Any]]:
    """Simulate every SNR point and semantic equaliser of ``unit`` of link study ``sc``.

    Resolves the unit's set-up once, then runs it: :func:`run_resolved` (anchor-based
    units) or :func:`~semcom.simulator.link.jscc_engine.run_jscc_unit` (an end-to-end ``jscc``
    unit, which has its own engine; ``observe`` and ``channel_seed`` apply to the former).
    Returns one row per (snr_db, semantic_equalizer) with the :data:`~semcom.simulator.link.rows.COLUMNS`.
    """
    ru = resolve_unit(sc, unit)
    if unit.channel_uses is not None:
        return run_jscc_unit(ru)
    return run_resolved(ru, observe=observe, channel_seed=channel_seed)


def _scheme(ru: ResolvedUnit, message_kind: str):
    """The unit's scheme for messages of ``message_kind``: a quantiser knows the range of
    relative messages, not of absolute latents."""
    return build_scheme(ru.scheme.kind, ru.scheme_settings(), message_kind, precision=ru.precision, device=ru.device)


def _transmissions(ru: ResolvedUnit, channel) -> dict[str, MessageTransmission]:
    """The unit's transmission per message kind; top-k applies to relative messages
    (absolute ones, for `none`/`aligned`, go whole)."""
    return {kind: MessageTransmission(scheme=_scheme(ru, kind), channel=channel,
                                      top_k=ru.top_k if kind == "relative" else None,
                                      precision=ru.precision, device=ru.device)
            for kind in ("relative", "absolute")}


@torch.no_grad()
def run_resolved(ru: ResolvedUnit, *, observe=None, channel_seed: int | None = None) -> list[dict[str, Any]]:
    """Simulate every SNR point and semantic equaliser of an anchor-based unit.

    Test samples stream through in chunks of at most ``chunk_size`` samples and at
    most :data:`PASS_ELEMENTS` per ``[num_snr, chunk, message_dim]`` tensor (memory
    and cache use stay bounded for any dataset size, K and SNR grid); within a chunk
    every SNR point runs in one batched call.
    Returns one row per (snr_db, semantic_equalizer) with the :data:`~semcom.simulator.link.rows.COLUMNS`.

    :param observe: optional callable, called once per chunk and message kind with keywords
        ``scheme`` (the scheme object), ``message_dim`` (int), ``batch_size`` (samples in the chunk),
        ``no_eff`` ([num_snr, rows, symbols_per_row], torch.float32: post-equalisation noise variance
        of every transmitted symbol, rows as the scheme lays them out: one per sample, or per
        codeword of the digital scheme) and ``correct`` ({semantic_equalizer: [num_snr, batch_size],
        ``np.bool_``}). The semantic PHY abstraction reads per-sample SINRs and decisions from it; it
        changes nothing in the rows.
    :param channel_seed: seed of Sionna's generator for this unit's channel draws; `None` (the
        default) derives it from the unit (``derive_seed(seed, "channel", unit.key)``). Held-out
        channel realisations of the same unit use another seed.
    """
    unit, data = ru.unit, ru.data
    link = build_link(ru)
    device = torch.device(ru.device)
    channel = build_channel(ru.channel.model, precision=ru.precision, device=ru.device, **ru.channel_settings())
    transmissions = _transmissions(ru, channel)
    snr_db = ru.snr_db
    # channel-aware receivers simulate their own link (noise-trained heads, pilots over the channel)
    access = ChannelAccess(transmissions, snr_db, snr_db_to_no, functools.partial(derive_seed, unit.seed, unit.key),
                           key=(ru.channel.model_dump(), ru.scheme.model_dump(), unit.bits, ru.precision, ru.top_k),
                           device=ru.device)
    equalizers = {name: build_equalizer(name, settings, link, access) for name, settings in ru.equalizers.items()}
    # what is sent: one transmission per message key (the kind, or a receiver's own variant of it)
    senders = {}
    for eq in equalizers.values():
        senders.setdefault(eq.message_key, eq)
    messages = list(senders)
    no = snr_db_to_no(torch.tensor(snr_db, dtype=torch.float64)).to(device)
    test_idx = data.test_idx
    n = len(test_idx)
    native_head = link.absolute_head(link.rx)
    tx_anchors = link.anchors(link.tx)
    # retrieval (MRR): each equaliser's keys are the receiver's own representations of the test set
    keys = {name: eq.retrieval_keys(test_idx) for name, eq in equalizers.items()} if ru.retrieval else {}

    # One owner of channel randomness per unit: Sionna's blocks draw from its config RNG.
    sionna.phy.config.seed = derive_seed(unit.seed, "channel", unit.key) if channel_seed is None else int(channel_seed)

    acc = {key: _Accumulator(len(snr_db)) for key in messages}
    native_correct = 0
    message_dim = {}
    widest = max(link.tx.latents.shape[1] if set(messages) - {"relative"} else 0,
                 unit.num_anchors if "relative" in messages else 0, 1)
    chunk = max(1, min(ru.chunk_size, PASS_ELEMENTS // (len(snr_db) * widest)))
    for start in range(0, n, chunk):
        idx = test_idx[start:start + chunk]
        # Semantics (projection, equalisers, heads) run on the CPU, where the latents and
        # heads live and the tensors are small; the physical layer (scheme and channel,
        # where LDPC decoding costs) runs on the scenario's device.
        labels = data.labels[idx]
        native_correct += int(accuracy_counts(native_head(link.rx.latents[idx])[None], labels)[0])
        for key in messages:
            kind = senders[key].message
            z_tx = link.tx.latents[idx]
            if key != kind:   # a receiver's own variant of the message
                message = senders[key].encode(z_tx).to(device)
            else:
                message = (link.projection(z_tx, tx_anchors) if kind == "relative" else z_tx).to(device)
            message_dim[key] = message.shape[-1]
            received = transmissions[kind](message, no)
            noise = None if received.noise is None else received.noise.cpu()
            acc[key].add_transmission(received, message)
            decisions = {}
            for name, eq in equalizers.items():
                if eq.message_key == key:
                    logits = eq(received.message.cpu(), noise)
                    acc[key].add_decisions(name, accuracy_counts(logits, labels), top_k_counts(logits, labels))
                    if keys.get(name) is not None:
                        query = eq.retrieval_query(received.message.cpu(), noise)
                        own = torch.arange(start, start + len(idx))
                        acc[key].add_ranks(name, reciprocal_ranks(query, keys[name], own, PASS_ELEMENTS))
                    if observe is not None:
                        decisions[name] = (logits.argmax(-1) == labels).cpu().numpy()
            if observe is not None:
                observe(scheme=transmissions[kind].scheme, message_dim=received.values_dim, batch_size=len(idx),
                        no_eff=received.no_eff, correct=decisions)

    rows = []
    for name, eq in equalizers.items():
        a = acc[eq.message_key]
        transmission = transmissions[eq.message]
        scheme = transmission.scheme
        m = message_dim[eq.message_key]
        sent = transmission.kept(m)
        # side information (the kept positions) is paid for on the air by every scheme,
        # analog too, at the reference link's rate (transceivers.side_information)
        side_bits = index_bits(m, sent) if sent < m else 0
        side_uses = REFERENCE_SIDE_LINK.channel_uses(channel, side_bits)
        uses = scheme.channel_uses(channel, sent) + side_uses
        bits = scheme.bits_per_sample(sent)
        if side_bits:
            bits = (bits or 0) + side_bits
        setup = eq.setup_symbols(link)
        correct, top_k = a.correct[name], a.top_k[name]
        ranked = name in a.rr
        for s, snr in enumerate(snr_db):
            lo, hi = wilson_interval(int(correct[s]), n)
            top_lo, top_hi = wilson_interval(int(top_k[s]), n)
            mrr_lo, mrr_hi = mean_interval(float(a.rr[name][s]), float(a.rr_sq[name][s]), n) if ranked else (None, None)
            rows.append(ResultRow(
                scenario=ru.scenario, tx_model=unit.transmitter, rx_model=unit.receiver, channel=unit.channel,
                snr_db=float(snr), num_anchors=unit.num_anchors, anchor_selection=unit.anchor_selection,
                scheme=unit.scheme, bits=getattr(scheme, "bits", unit.bits),   # the default too, when unset
                semantic_equalizer=name,
                channel_equalizer=ru.channel.equalizer if channel.has_fading else None,
                csi=ru.channel.csi if channel.has_fading else None, seed=unit.seed,
                channel_uses=float(uses), bits_per_sample=bits,
                n_samples=n, accuracy=correct[s] / n, accuracy_low=lo, accuracy_high=hi,
                nmse=a.nmse()[s],
                ber=a.ber[s] / a.weight if a.has_ber else None,
                bler=a.bler[s] / a.weight if a.has_ber else None,
                native_accuracy=native_correct / n,
                setup_channel_uses=channel.channel_uses(setup) if setup else None,
                side_channel_uses=float(side_uses),
                unit=unit.key, head_weight_decay=head_weight_decay(eq, s),
                top5_accuracy=top_k[s] / n, top5_accuracy_low=top_lo, top5_accuracy_high=top_hi,
                mrr=a.rr[name][s] / n if ranked else None, mrr_low=mrr_lo, mrr_high=mrr_hi).as_dict())
    return rows
