"""The link-level reference of the abstraction: messages decoded with the project's link-level
blocks at the SINR of every resource element they occupy.

:class:`LinkReference` holds the blocks of one table configuration, built as the link engine
builds the table's unit (:func:`~semcom.simulator.link.engine.build_link`: the same anchors,
heads and semantic equaliser): the scheme encodes the relative message of each sample, the
symbols cross a flat channel whose coefficient on every symbol is the SINR of the RE carrying it
(:class:`~semcom.channels.slot_fading.SlotFadingChannel`, one coefficient per symbol, unit noise,
perfect CSI), the scheme decodes and the receiver classifies. :func:`decode_messages` decodes a
batch of messages of several configurations (:class:`~.patterns.MessagePatterns`): the system
level's calibration and validation in its own regime, and the reference the system speed
benchmark compares the abstraction with.

A message is one sample: its symbols, in order, take its REs in order (a digital message's
codewords one after another). A digital scheme whose codeword carries several samples cannot
be one agent's message; a receiver with one head per SNR point has none for a message whose REs
differ: both are refused with one line.
"""

from __future__ import annotations

import numpy as np
import sionna.phy
import torch

from semcom.channels import build_channel, snr_db_to_no
from semcom.channels.slot_fading import SlotFadingChannel
from semcom.core.errors import SemcomInputError
from semcom.transceivers.schemes import build_scheme
from semcom.transceivers.semantic import build_equalizer
from semcom.transceivers.semantic.channel_aware import ChannelAccess
from semcom.transceivers.transmission import MessageTransmission

from ..link.engine import build_link
from ..link.resolved import resolve_unit
from ..link.units import expand_units
from ..run.randomness import derive_seed

__all__ = ["LinkReference", "decode_messages"]


def _unit_of(spec, config):
    sc = spec.link_scenario(schemes=[config.scheme], num_anchors=config.num_anchors, bits=config.bits)
    for unit in expand_units(sc):
        if (
            unit.transmitter,
            unit.receiver,
            int(unit.num_anchors),
            unit.anchor_selection,
            unit.scheme,
            unit.bits if config.bits is not None else None,
        ) == (
            config.tx_model,
            config.rx_model,
            int(config.num_anchors),
            config.anchor_selection,
            config.scheme,
            config.bits,
        ):
            return sc, unit
    raise SemcomInputError(
        f"abstraction: no unit of the spec builds the table {config.describe()}; rebuild the "
        "table set from this spec"
    )


class LinkReference:
    """The link-level blocks of one table configuration at given per-RE SINRs.

    :param spec: the resolved :class:`~.spec.AbstractionSpec` that built the table.
    :param config: the table's :class:`~.table.TableConfig`.

    :input samples: [n], np.int64: dataset indices of the messages' samples.
    :input sinr_db: [n, W], float: per-RE SINR [dB] of each message in symbol order (NaN-padded).
    :input seed: seed of the channel noise of this call.
    :output correct: [n], np.bool_: the receiver's decision is the sample's label.
    """

    def __init__(self, spec, config):
        sc, unit = _unit_of(spec, config)
        ru = resolve_unit(sc, unit)
        self.config = config
        self.link = build_link(ru)
        self.labels = ru.data.labels
        self.test_idx = ru.data.test_idx
        kw = dict(precision=ru.precision, device=ru.device)
        scheme = build_scheme(ru.scheme.kind, ru.scheme_settings(), "relative", **kw)
        lay = scheme.layout(int(ru.top_k or unit.num_anchors)) if hasattr(scheme, "layout") else None
        if lay is not None and lay.samples_per_codeword > 1:
            raise SemcomInputError(
                f"abstraction.codeword_per_message: a codeword of {config.scheme} carries "
                f"{lay.samples_per_codeword} samples, but a system message is one sample; set it to true"
            )
        # the receivers' own simulated crossings (noise-trained heads) use the table's channel
        table_channel = build_channel(ru.channel.model, **kw, **ru.channel_settings())
        table_link = MessageTransmission(scheme=scheme, channel=table_channel, top_k=ru.top_k, **kw)
        access = ChannelAccess(
            {"relative": table_link, "absolute": table_link},
            ru.snr_db,
            snr_db_to_no,
            lambda *purpose: derive_seed(unit.seed, unit.key, *purpose),
            key=(ru.channel.model_dump(), ru.scheme.model_dump(), unit.bits, ru.precision, ru.top_k),
            device=ru.device,
        )
        name = config.semantic_equalizer
        self.equalizer = build_equalizer(name, ru.equalizers.get(name), self.link, access)
        if getattr(self.equalizer, "heads", None):
            raise SemcomInputError(
                f"abstraction.semantic_equalizer: {name} decodes with one head per SNR point; a "
                "message whose REs see different SINRs has none: use one head (e.g. relative)"
            )
        if self.equalizer.message != "relative" or self.equalizer.message_key != "relative":
            raise SemcomInputError(
                f"abstraction.semantic_equalizer: {name} needs its own message; the system "
                "sends relative representations: use a receiver of relative messages"
            )
        self.channel = SlotFadingChannel(num_tx_ant=1, num_rx_ant=1, coherence_symbols=1, csi="perfect", **kw)
        self.transmission = MessageTransmission(scheme=scheme, channel=self.channel, top_k=ru.top_k, **kw)
        self.anchors = self.link.anchors(self.link.tx)
        self.device = ru.device

    @torch.no_grad()
    def __call__(self, samples: np.ndarray, sinr_db: np.ndarray, seed: int) -> np.ndarray:
        samples = np.asarray(samples, dtype=np.int64)
        if len(samples) == 0:
            return np.zeros(0, dtype=bool)
        message = self.link.projection(self.link.tx.latents[samples], self.anchors)
        sent = self.transmission.send(message)
        rows, width = sent.x.shape
        per_message = rows // len(samples) * width
        gains = _symbol_gains(np.asarray(sinr_db, dtype=np.float64), per_message, self.config)
        h = torch.from_numpy(np.sqrt(gains).reshape(rows * width, 1, 1)).to(self.channel.cdtype)
        self.channel.set_coefficients(h)
        sionna.phy.config.seed = int(seed)
        x_hat, no_eff = self.channel(sent.x.unsqueeze(0), torch.ones(1, device=sent.x.device))
        received = self.transmission.receive(x_hat, no_eff, sent)
        noise = None if received.noise is None else received.noise.cpu()
        logits = self.equalizer(received.message.cpu(), noise)
        return (logits.argmax(-1)[0] == self.labels[samples]).cpu().numpy()


def _symbol_gains(sinr_db: np.ndarray, per_message: int, config) -> np.ndarray:
    """[n, per_message] linear SINRs of the first ``per_message`` REs of every message (one line when a
    message has fewer REs than symbols)."""
    used = np.isfinite(sinr_db)
    short = used.sum(-1) < per_message
    if short.any():
        i = int(np.flatnonzero(short)[0])
        raise SemcomInputError(
            f"message {i}: has {int(used[i].sum())} REs but {config.describe()} sends "
            f"{per_message} symbols; record every RE the message occupies"
        )
    order = np.argsort(~used, axis=-1, kind="stable")[:, :per_message]  # used REs first, in order
    return 10.0 ** (np.take_along_axis(sinr_db, order, axis=-1) / 10.0)


#: Messages decoded per call (bounds the memory of one batch).
DECODE_CHUNK = 4096


def decode_messages(
    references: dict, patterns, samples: np.ndarray, seed: int, build: callable | None = None
) -> np.ndarray:
    """[M] link-level decisions of the messages of ``patterns`` (:class:`~.patterns.MessagePatterns`).

    :param references: {(group, config): :class:`LinkReference`}; missing ones are made with
        ``build(group, config)`` and kept (reuse the dict across calls).
    :param samples: [M] dataset index of each message's sample.
    :param seed: seed of this call's channel noise (each chunk of each configuration derives its own).
    """
    correct = np.zeros(len(patterns), dtype=bool)
    keys = patterns.group * (int(patterns.config.max(initial=0)) + 1) + patterns.config
    for key in np.unique(keys):
        idx = np.flatnonzero(keys == key)
        g, c = int(patterns.group[idx[0]]), int(patterns.config[idx[0]])
        if (g, c) not in references:
            references[(g, c)] = build(g, c)
        ref = references[(g, c)]
        for start in range(0, len(idx), DECODE_CHUNK):
            part = idx[start : start + DECODE_CHUNK]
            correct[part] = ref(
                samples[part], patterns.sinr_db[part], derive_seed(seed, "reference", g, c, start)
            )
    return correct
