"""Link-level engine of an end-to-end (deep JSCC) unit: train or load the model, then
evaluate it at every SNR point of the sweep in one batched pass per chunk.

A JSCC unit is (seed, transmitter architecture, channel, scheme, channel uses): no
anchors, no semantic equaliser (its rows read ``semantic_equalizer: jscc``), no separate
receiver (the decoder is trained with the encoder). Its rows are
:class:`~semcom.simulator.link.rows.ResultRow` s, as the anchor-based engine's, so it shares the
rate–accuracy axes.

The model maps an input sample straight to channel symbols and the received symbols
straight to class logits: there is no message, scheme, side information or message
noise estimate, so of the one transmission chain
(:mod:`semcom.transceivers.transmission`) it shares the channel stage,
:func:`~semcom.transceivers.transmission.cross_channel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sionna.phy
import torch

from semcom.channels import build_channel, snr_db_to_no
from semcom.core.errors import ScenarioError
from semcom.transceivers.agents import HEAD_DEFAULTS, TRAINING_DEFAULTS
from semcom.transceivers.cache import config_hash, load_tensors, save_tensors
from semcom.transceivers.encoders import ENCODERS
from semcom.transceivers.heads import cached_head
from semcom.transceivers.jscc import JSCCModel, JSCCScheme, train_jscc
from semcom.transceivers.transmission import cross_channel

from ..results.metrics import wilson_interval
from ..run.randomness import derive_seed
from .metrics import accuracy_counts, top_k_counts
from .resolved import ResolvedUnit
from .rows import ResultRow

if TYPE_CHECKING:   # annotations only: the schema's checks call back into this module
    from .schema import Scenario

__all__ = ["check_jscc", "jscc_model", "jscc_channel", "run_jscc_unit", "JSCC_LABEL"]

#: Label of a JSCC unit's rows in the ``semantic_equalizer`` column (it has none: the
#: decoder is trained with the encoder).
JSCC_LABEL = "jscc"


def _architecture(spec: dict, model: str, scheme: str = "jscc") -> tuple[str, dict]:
    """The zoo architecture of agent ``model`` (settings ``spec``, unset ones left out) and
    its settings (training settings dropped)."""
    if spec["kind"] not in ENCODERS.names():
        raise ScenarioError(f"models.{model}.kind", spec["kind"], f"scheme '{scheme}' (kind jscc) trains the "
                            "transmitter's architecture end to end, but this model has none",
                            f"use zoo transmitters ({', '.join(ENCODERS.names())}) with jscc schemes")
    drop = ("kind", "seed", "latent_dim", *TRAINING_DEFAULTS, *HEAD_DEFAULTS)
    return spec["kind"], {k: v for k, v in spec.items() if k not in drop}


def check_jscc(sc: Scenario, scheme: str) -> None:
    """Settings a jscc scheme needs from the rest of the scenario: zoo transmitters."""
    for name in sc.axis("transmitter"):
        _architecture(sc.models[name].model_dump(exclude_none=True), name, scheme)


def _scheme(ru: ResolvedUnit) -> JSCCScheme:
    return JSCCScheme(device="cpu", **ru.scheme.model_dump(exclude={"kind"}))


def jscc_model(ru: ResolvedUnit, channel=None) -> tuple[JSCCModel, dict]:
    """The unit's trained model (from the cache, or trained now and cached) and its training log.

    The cache key is everything that determines the weights: architecture, scheme
    settings, channel settings, channel uses, dataset, training indices and the seed.
    """
    unit, data = ru.unit, ru.data
    scheme = _scheme(ru)
    arch, arch_settings = _architecture(ru.tx_spec, unit.transmitter)
    ch_spec = ru.channel.model_dump()
    train_idx = data.train_idx   # the study's train split, where the zoo encoders train too
    seed = derive_seed(unit.seed, "jscc", unit.transmitter, arch, arch_settings, unit.channel, unit.channel_uses)
    settings = ru.scheme.model_dump(exclude={"kind", "num_channel_uses"})
    # resolved settings (defaults included), so a changed default never loads a stale model
    key = config_hash("jscc", arch, arch_settings, settings, scheme.training.__dict__, scheme.decoder_width,
                      scheme.decoder_depth, ch_spec, ru.precision, unit.channel_uses, data.dataset.fingerprint,
                      train_idx, seed)
    inputs = torch.from_numpy(data.dataset.inputs)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)   # weight initialisation
        model = scheme.build_model(arch, arch_settings, tuple(inputs.shape[1:]), unit.channel_uses,
                                   data.dataset.num_classes)
    cached = load_tensors("jscc", key)
    if cached is not None:
        log = {k[4:]: float(v) for k, v in cached.items() if k.startswith("log.")}
        model.load_state_dict({k: v for k, v in cached.items() if not k.startswith("log.")})
        return model.eval(), log
    if channel is None:
        channel = jscc_channel(ru)
    log = train_jscc(model, channel, inputs[train_idx], data.labels[train_idx], scheme.training, seed,
                     desc=f"jscc {unit.describe()}")
    save_tensors("jscc", key, {**model.state_dict(), **{f"log.{k}": torch.tensor(float(v)) for k, v in log.items()}})
    return model.eval(), log


def jscc_channel(ru: ResolvedUnit):
    """The unit's channel block, on the CPU: training runs there, where the model lives."""
    return build_channel(ru.channel.model, precision=ru.precision, device="cpu", **ru.channel_settings())


@torch.no_grad()
def run_jscc_unit(ru: ResolvedUnit) -> list[dict[str, Any]]:
    """Train (or load) the unit's JSCC model, then one row per SNR point of the sweep.

    ``native_accuracy`` is that of the transmitter's zoo model (same architecture,
    trained for classification alone, linear head on its latents): the accuracy the
    JSCC model would have over a noiseless link of unlimited rate.
    """
    unit, data = ru.unit, ru.data
    channel = jscc_channel(ru)
    model, _ = jscc_model(ru, channel)
    snr_db = ru.snr_db
    no = snr_db_to_no(torch.tensor(snr_db, dtype=torch.float64))
    test_idx = data.test_idx
    n = len(test_idx) * ru.passes      # decisions: every pass draws the channel anew
    inputs = torch.from_numpy(data.dataset.inputs)
    # the evaluation channel's own draws, apart from training's
    sionna.phy.config.seed = derive_seed(unit.seed, "channel", unit.key)
    correct = np.zeros(len(snr_db), dtype=np.int64)
    top_k = np.zeros(len(snr_db), dtype=np.int64)
    for start in [s for _ in range(ru.passes) for s in range(0, len(test_idx), ru.chunk_size)]:
        idx = test_idx[start:start + ru.chunk_size]
        x_hat, _ = cross_channel(channel, model.encode(inputs[idx]), no)
        logits = model.decode(x_hat)
        correct += accuracy_counts(logits, data.labels[idx])
        top_k += top_k_counts(logits, data.labels[idx])

    tx = ru.tx
    native = cached_head(("absolute", tx.name, tx.fingerprint, data.pool_idx), tx.latents[data.pool_idx],
                         data.labels[data.pool_idx], data.dataset.num_classes, derive_seed(unit.seed, "heads"),
                         ru.head_regularization)
    native_correct = int(accuracy_counts(native(tx.latents[test_idx])[None], data.labels[test_idx])[0])
    uses = channel.channel_uses(unit.channel_uses)
    rows = []
    for s, snr in enumerate(snr_db):
        lo, hi = wilson_interval(int(correct[s]), n)
        top_lo, top_hi = wilson_interval(int(top_k[s]), n)
        rows.append(ResultRow(
            scenario=ru.scenario, tx_model=unit.transmitter, rx_model=unit.receiver, channel=unit.channel,
            snr_db=float(snr), num_anchors=None, anchor_selection=None, scheme=unit.scheme, bits=None,
            semantic_equalizer=JSCC_LABEL, channel_equalizer=ru.channel.equalizer if channel.has_fading else None,
            csi=ru.channel.csi if channel.has_fading else None, seed=unit.seed, channel_uses=float(uses),
            bits_per_sample=None, n_samples=n, accuracy=correct[s] / n, accuracy_low=lo, accuracy_high=hi,
            nmse=None, ber=None, bler=None, native_accuracy=native_correct / len(test_idx), setup_channel_uses=None,
            side_channel_uses=None,   # no side information: the model's channel uses are all it sends
            unit=unit.key, head_weight_decay=None, top5_accuracy=top_k[s] / n, top5_accuracy_low=top_lo,
            top5_accuracy_high=top_hi, mrr=None, mrr_low=None, mrr_high=None, passes=ru.passes, block_errors=None,
            codewords=None).as_dict())
    return rows
