"""Decode the messages of a system run with the link-level blocks instead of the abstraction.

The reference the abstraction replaces (and what ``make bench`` compares its speed with):
every delivered message of a :class:`~.engine.SystemRun` is encoded by its configuration's
scheme (:func:`~semcom.transceivers.schemes.base.message_scheme`), sent through the
flat channel block a network link uses (:class:`~semcom.channels.slot_fading.SlotFadingChannel`,
perfect CSI) at the message's effective SINR, decoded, semantically equalised and
classified by the server's head; batched per (slot, group, configuration), as the
``network`` kind decodes a slot. The sample of each message is drawn from the test set.

Example::

    from semcom.simulator.system.linklevel import decode_run
    correct = decode_run(sc, run, tables)      # [M] bool, False for messages never sent
"""

from __future__ import annotations

import numpy as np
import torch

from semcom.channels.slot_fading import build_link_channel
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.schemes import message_scheme
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS
from semcom.transceivers.transmission import MessageTransmission, cross_channel
from ..run.context import latent_space, select_anchors, study_data
from ..run.randomness import derive_rng, derive_seed
from ..scenario.scheme_specs import scheme_spec

__all__ = ["decode_run", "LinkDecoder"]


class LinkDecoder:
    """The link-level blocks of one (group, configuration) of a system study."""

    def __init__(self, sc, seed: int, tx_model: str, rx_model: str, config):
        data = study_data(sc)
        self.labels = data.labels
        self.test_idx = data.test_idx
        k = int(config.num_anchors)
        anchors = select_anchors(data, latent_space(sc, tx_model), config.anchor_selection, k, seed, tx_model)
        self.link = LinkSetup(tx=latent_space(sc, tx_model), rx=latent_space(sc, rx_model), labels=data.labels,
                              num_classes=data.dataset.num_classes, pool_idx=data.pool_idx, anchor_idx=anchors,
                              center=sc.center, seed=derive_seed(seed, "heads"))
        eq = config.semantic_equalizer
        self.equalizer = SEMANTIC_EQUALIZERS.get(eq)(**(sc.semantic_equalizers.get(eq, {}) or {})).fit(self.link)
        z = self.link.tx.latents
        self.payload = self.link.projection(z, self.link.anchors(self.link.tx))
        settings = dict(config.scheme_settings)
        spec = scheme_spec(kind=config.scheme_kind, **settings)
        self.scheme = message_scheme(spec, "relative", k, config.bits, sc.precision, "cpu")
        self.channel, _ = build_link_channel("awgn", {}, sc.precision, "cpu")
        self.transmission = MessageTransmission(scheme=self.scheme, channel=self.channel, estimate_noise=False,
                                                precision=sc.precision, device="cpu")

    @torch.no_grad()
    def __call__(self, samples: np.ndarray, sinr_db: np.ndarray) -> np.ndarray:
        """:input samples: [n] dataset indices. :input sinr_db: [n] effective SINR [dB].
        :output correct: [n] np.bool_."""
        sent = self.transmission.send(self.payload[samples])
        rows = sent.x.shape[0] // len(samples)
        h = np.repeat(np.sqrt(10.0 ** (np.asarray(sinr_db) / 10.0)), rows)
        self.channel.set_coefficients(torch.from_numpy(h).to(torch.complex64)[:, None, None])
        x_hat, no_eff = cross_channel(self.channel, sent.x, torch.ones(1))
        logits = self.equalizer(self.transmission.receive(x_hat, no_eff, sent).message)
        return (logits.argmax(-1)[0] == self.labels[samples]).cpu().numpy()


def decode_run(sc, run, tables, seed: int | None = None, decoders: dict | None = None) -> np.ndarray:
    """[M] link-level decisions of every message of ``run`` sent (False for the others).

    :param decoders: a dict to keep the :class:`LinkDecoder` s in (reuse it across runs of one study)."""
    seed = sc.seed if seed is None else seed
    groups = list(sc.system.groups.values())
    server = sc.system.server.model
    decoders = {} if decoders is None else decoders
    correct = np.zeros(len(run.agent), dtype=bool)
    sent = np.flatnonzero(run.slot >= 0)
    g = run.drop.group[run.agent[sent]]
    c = run.config[sent]
    rng = derive_rng(seed, "linklevel-samples")
    samples = None
    order = np.lexsort((c, g, run.slot[sent]))
    sent, g, c = sent[order], g[order], c[order]
    slot = run.slot[sent]
    key = (slot * len(groups) + g) * len(tables.labels) + c
    edges = np.flatnonzero(np.diff(key)) + 1
    for part in np.split(np.arange(len(sent)), edges):
        if not len(part):
            continue
        gi, ci = int(g[part[0]]), int(c[part[0]])
        if (gi, ci) not in decoders:
            tx, rx = (groups[gi].model, server) if sc.system.direction == "uplink" else (server, groups[gi].model)
            decoders[(gi, ci)] = LinkDecoder(sc, seed, tx, rx, tables.tables[gi][ci].config)
        dec = decoders[(gi, ci)]
        if samples is None:
            samples = dec.test_idx[rng.integers(len(dec.test_idx), size=len(run.agent))]
        m = sent[part]
        correct[m] = dec(samples[m], run.sinr_eff_db[m])
    return correct
