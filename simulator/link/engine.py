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
from dataclasses import dataclass, field
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
from semcom.transceivers.transmission import MessageTransmission
from .accumulator import Accumulator
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


@dataclass
class _UnitRun:
    """What every chunk and pass of an anchor-based unit shares."""

    ru: ResolvedUnit
    link: LinkSetup
    channel: Any
    transmissions: dict[str, MessageTransmission]
    equalizers: dict[str, Any]
    senders: dict[str, Any]        # message key -> the equaliser whose message is sent for it
    no: torch.Tensor               # [num_snr] noise power per complex symbol
    keys: dict[str, Any]           # retrieval keys per equaliser
    acc: dict[str, Accumulator] = field(default_factory=dict)
    message_dim: dict[str, int] = field(default_factory=dict)


def _prepare(ru: ResolvedUnit) -> _UnitRun:
    """The unit's link, channel, transmissions and equalisers (fitted), once for every pass."""
    unit = ru.unit
    link = build_link(ru)
    channel = build_channel(ru.channel.model, precision=ru.precision, device=ru.device, **ru.channel_settings())
    transmissions = _transmissions(ru, channel)
    # channel-aware receivers simulate their own link (noise-trained heads, pilots over the channel)
    access = ChannelAccess(transmissions, ru.snr_db, snr_db_to_no, functools.partial(derive_seed, unit.seed, unit.key),
                           key=(ru.channel.model_dump(), ru.scheme.model_dump(), unit.bits, ru.precision, ru.top_k),
                           device=ru.device)
    equalizers = {name: build_equalizer(name, settings, link, access) for name, settings in ru.equalizers.items()}
    # what is sent: one transmission per message key (the kind, or a receiver's own variant of it)
    senders = {}
    for eq in equalizers.values():
        senders.setdefault(eq.message_key, eq)
    no = snr_db_to_no(torch.tensor(ru.snr_db, dtype=torch.float64)).to(torch.device(ru.device))
    # retrieval (MRR): each equaliser's keys are the receiver's own representations of the test set
    keys = {name: eq.retrieval_keys(ru.data.test_idx) for name, eq in equalizers.items()} if ru.retrieval else {}
    return _UnitRun(ru, link, channel, transmissions, equalizers, senders, no, keys,
                    acc={key: Accumulator(len(ru.snr_db)) for key in senders})


def _run_chunk(run: _UnitRun, idx: np.ndarray, start: int, tx_anchors: torch.Tensor, observe=None) -> None:
    """One chunk of test samples (dataset indices ``idx``, test positions from ``start``)
    through every message's transmission and every equaliser, at every SNR point."""
    # Semantics (projection, equalisers, heads) run on the CPU, where the latents and
    # heads live and the tensors are small; the physical layer (scheme and channel,
    # where LDPC decoding costs) runs on the scenario's device.
    link, device = run.link, torch.device(run.ru.device)
    labels = run.ru.data.labels[idx]
    for key, sender in run.senders.items():
        kind = sender.message
        z_tx = link.tx.latents[idx]
        if key != kind:   # a receiver's own variant of the message
            message = sender.encode(z_tx).to(device)
        else:
            message = (link.projection(z_tx, tx_anchors) if kind == "relative" else z_tx).to(device)
        run.message_dim[key] = message.shape[-1]
        received = run.transmissions[kind](message, run.no)
        noise = None if received.noise is None else received.noise.cpu()
        acc = run.acc[key]
        acc.add_transmission(received, message)
        decisions = {}
        for name, eq in run.equalizers.items():
            if eq.message_key != key:
                continue
            logits = eq(received.message.cpu(), noise)
            acc.add_decisions(name, accuracy_counts(logits, labels), top_k_counts(logits, labels))
            if run.keys.get(name) is not None:
                query = eq.retrieval_query(received.message.cpu(), noise)
                own = torch.arange(start, start + len(idx))
                acc.add_ranks(name, reciprocal_ranks(query, run.keys[name], own, PASS_ELEMENTS))
            if observe is not None:
                decisions[name] = (logits.argmax(-1) == labels).cpu().numpy()
        if observe is not None:
            observe(scheme=run.transmissions[kind].scheme, message_dim=received.values_dim, batch_size=len(idx),
                    no_eff=received.no_eff, correct=decisions)


@torch.no_grad()
def run_resolved(ru: ResolvedUnit, *, observe=None, channel_seed: int | None = None) -> list[dict[str, Any]]:
    """Simulate every SNR point and semantic equaliser of an anchor-based unit.

    Test samples stream through in chunks of at most ``chunk_size`` samples and at
    most :data:`PASS_ELEMENTS` per ``[num_snr, chunk, message_dim]`` tensor (memory
    and cache use stay bounded for any dataset size, K and SNR grid); within a chunk
    every SNR point runs in one batched call. The test set crosses the channel
    ``ru.passes`` times, each pass with new noise and fading (the anchors and heads of
    the replicate stay), so the rows count ``passes x test samples`` decisions.
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
    run = _prepare(ru)
    test_idx = data.test_idx
    tx_anchors = run.link.anchors(run.link.tx)
    # One owner of channel randomness per unit: Sionna's blocks draw from its config RNG.
    sionna.phy.config.seed = derive_seed(unit.seed, "channel", unit.key) if channel_seed is None else int(channel_seed)
    widest = max(run.link.tx.latents.shape[1] if set(run.senders) - {"relative"} else 0,
                 unit.num_anchors if "relative" in run.senders else 0, 1)
    chunk = max(1, min(ru.chunk_size, PASS_ELEMENTS // (len(ru.snr_db) * widest)))
    native_head = run.link.absolute_head(run.link.rx)
    native_correct = 0
    for p in range(ru.passes):
        for start in range(0, len(test_idx), chunk):
            idx = test_idx[start:start + chunk]
            if p == 0:   # the receiver alone: no channel, the same every pass
                native_correct += int(accuracy_counts(native_head(run.link.rx.latents[idx])[None], data.labels[idx])[0])
            _run_chunk(run, idx, start, tx_anchors, observe)
    return _rows(run, len(test_idx) * ru.passes, native_correct / len(test_idx))


def _rows(run: _UnitRun, n: int, native_accuracy: float) -> list[dict[str, Any]]:
    """The unit's rows from its sums over ``n`` decisions per SNR point and equaliser."""
    ru, unit, channel = run.ru, run.ru.unit, run.channel
    rows = []
    for name, eq in run.equalizers.items():
        a = run.acc[eq.message_key]
        transmission = run.transmissions[eq.message]
        scheme = transmission.scheme
        m = run.message_dim[eq.message_key]
        sent = transmission.kept(m)
        # side information (the kept positions) is paid for on the air by every scheme,
        # analog too, at the reference link's rate (transceivers.side_information)
        side_bits = index_bits(m, sent) if sent < m else 0
        side_uses = REFERENCE_SIDE_LINK.channel_uses(channel, side_bits)
        uses = scheme.channel_uses(channel, sent) + side_uses
        bits = scheme.bits_per_sample(sent)
        if side_bits:
            bits = (bits or 0) + side_bits
        setup = eq.setup_symbols(run.link)
        correct, top_k = a.correct[name], a.top_k[name]
        ranked = name in a.rr
        for s, snr in enumerate(ru.snr_db):
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
                native_accuracy=native_accuracy,
                setup_channel_uses=channel.channel_uses(setup) if setup else None,
                side_channel_uses=float(side_uses),
                unit=unit.key, head_weight_decay=head_weight_decay(eq, s),
                top5_accuracy=top_k[s] / n, top5_accuracy_low=top_lo, top5_accuracy_high=top_hi,
                mrr=a.rr[name][s] / n if ranked else None, mrr_low=mrr_lo, mrr_high=mrr_hi, passes=ru.passes,
                block_errors=int(a.block_errors[s]) if a.has_ber else None,
                codewords=a.codewords if a.has_ber else None).as_dict())
    return rows
