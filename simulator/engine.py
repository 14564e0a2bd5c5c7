"""Link-level engine: one work unit → result rows, every SNR point in one batched pass."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import sionna.phy

from channels import build_channel, snr_db_to_no
from transceivers.anchors import ANCHOR_STRATEGIES
from transceivers.link import LinkSetup
from transceivers.schemes import SCHEMES
from transceivers.semantic import SEMANTIC_EQUALIZERS
from .context import latent_space, study_data
from .metrics import accuracy_counts, nmse, wilson_interval
from .randomness import derive_rng, derive_seed
from .schema import Scenario
from .sweep import Unit

__all__ = ["COLUMNS", "run_unit", "select_anchors", "build_link"]

#: Columns of results.csv, in order. A metric that does not apply is left empty.
COLUMNS = [
    "scenario", "tx_model", "rx_model", "channel", "snr_db", "num_anchors", "anchor_selection",
    "scheme", "bits", "semantic_equalizer", "channel_equalizer", "csi", "seed", "channel_uses",
    "bits_per_sample", "n_samples", "accuracy", "accuracy_low", "accuracy_high", "nmse", "ber", "bler",
    "native_accuracy", "setup_channel_uses", "unit",
]


def select_anchors(sc: Scenario, unit: Unit) -> np.ndarray:
    """Dataset indices of the unit's anchors, chosen on the transmitter's pool latents.

    The generator depends on (seed, strategy, K, selecting model) only, so every
    receiver and channel of a study sees the same anchors (paired comparisons).
    """
    data = study_data(sc)
    tx = latent_space(sc, unit.transmitter)
    strategy = ANCHOR_STRATEGIES.get(unit.anchor_selection)()
    rng = derive_rng(unit.seed, "anchors", unit.anchor_selection, unit.num_anchors, unit.transmitter)
    positions = strategy(tx.latents[data.pool_idx], data.labels[data.pool_idx], unit.num_anchors, rng)
    return data.pool_idx[positions]


def build_link(sc: Scenario, unit: Unit) -> LinkSetup:
    data = study_data(sc)
    return LinkSetup(
        tx=latent_space(sc, unit.transmitter), rx=latent_space(sc, unit.receiver),
        labels=data.labels, num_classes=data.dataset.num_classes, pool_idx=data.pool_idx,
        anchor_idx=select_anchors(sc, unit), center=sc.center, seed=derive_seed(unit.seed, "heads"))


def _scheme(sc: Scenario, unit: Unit):
    settings = sc.scheme.model_dump(exclude={"kind"})
    if unit.bits is not None:
        settings["bits"] = unit.bits
    return SCHEMES.get(sc.scheme.kind)(precision=sc.precision, device=sc.device, **settings)


def _fmt(x: Any) -> Any:
    """Round floats for a stable, readable CSV; NaN/None become empty."""
    if x is None:
        return None
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(float(x)):
            return None
        return float(f"{float(x):.6g}")
    if isinstance(x, np.integer):
        return int(x)
    return x


@torch.no_grad()
def run_unit(sc: Scenario, unit: Unit) -> list[dict[str, Any]]:
    """Simulate every SNR point and semantic equaliser of ``unit``.

    Returns one row per (snr_db, semantic_equalizer) with the :data:`COLUMNS`.
    """
    data = study_data(sc)
    link = build_link(sc, unit)
    device = torch.device(sc.device)
    ch_spec = sc.channels[unit.channel]
    channel = build_channel(ch_spec.model, precision=sc.precision, device=sc.device,
                            **ch_spec.model_dump(exclude={"model"}))
    scheme = _scheme(sc, unit)
    equalizers = {name: SEMANTIC_EQUALIZERS.get(name)(link, **sc.semantic_equalizers.get(name, {}))
                  for name in sc.axis("semantic_equalizer")}
    snr_db = sc.axis("snr_db")
    no = snr_db_to_no(torch.tensor(snr_db, dtype=torch.float64)).to(device)
    test_idx = data.test_idx
    labels = data.labels[test_idx].to(device)
    native = accuracy_counts(link.absolute_head(link.rx)(link.rx.latents[test_idx])[None], data.labels[test_idx])[0]

    # One owner of channel randomness per unit: Sionna's blocks draw from its config RNG.
    sionna.phy.config.seed = derive_seed(unit.seed, "channel", unit.key)

    received: dict[str, Any] = {}
    for kind in dict.fromkeys(eq.message for eq in equalizers.values()):
        message = (link.relative(link.tx, test_idx) if kind == "relative"
                   else link.tx.latents[test_idx]).to(device)
        x, state = scheme.encode(message)
        x = x.unsqueeze(0).expand(len(snr_db), *x.shape)
        x_hat, no_eff = channel(x, no)
        decoded = scheme.decode(x_hat, no_eff, state)
        received[kind] = dict(
            decoded=decoded, nmse=nmse(decoded.message, message),
            channel_uses=channel.channel_uses(scheme.num_symbols(message.shape[-1])),
            bits_per_sample=scheme.bits_per_sample(message.shape[-1]))

    rows = []
    n = len(test_idx)
    for name, eq in equalizers.items():
        rec = received[eq.message]
        decoded = rec["decoded"]
        correct = accuracy_counts(eq(decoded.message.to(device)), labels)
        setup = eq.setup_symbols()
        for s, snr in enumerate(snr_db):
            lo, hi = wilson_interval(int(correct[s]), n)
            rows.append({k: _fmt(v) for k, v in dict(
                scenario=sc.name, tx_model=unit.transmitter, rx_model=unit.receiver, channel=unit.channel,
                snr_db=float(snr), num_anchors=unit.num_anchors, anchor_selection=unit.anchor_selection,
                scheme=sc.scheme.kind, bits=unit.bits, semantic_equalizer=name,
                channel_equalizer=ch_spec.equalizer if channel.has_fading else None,
                csi=ch_spec.csi if channel.has_fading else None, seed=unit.seed,
                channel_uses=float(rec["channel_uses"]), bits_per_sample=rec["bits_per_sample"],
                n_samples=n, accuracy=correct[s] / n, accuracy_low=lo, accuracy_high=hi,
                nmse=rec["nmse"][s],
                ber=None if decoded.ber is None else float(decoded.ber[s]),
                bler=None if decoded.bler is None else float(decoded.bler[s]),
                native_accuracy=native / n,
                setup_channel_uses=channel.channel_uses(setup) if setup else None,
                unit=unit.key).items()})
    return rows
