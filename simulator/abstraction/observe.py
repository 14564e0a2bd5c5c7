"""Observing the link level for the abstraction: a unit's result rows as a table's
configuration, and a unit run per sample (:func:`observe_unit`): each sample's decision
and the post-equalisation SINR ``1 / no_eff`` of every symbol carrying it (unit-energy
symbols), for β calibration and held-out validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..link.engine import run_unit
from .spec import AbstractionSpec
from .table import TableConfig, hashable

__all__ = ["Observation", "observe_unit", "table_config", "say"]


@dataclass
class Observation:
    """Per-sample outcome of one unit on one channel.

    :ivar snr_db: [S], the channel's mean SNRs.
    :ivar sinr_db: [S, N, R], np.float64: post-equalisation SINR of the R symbols carrying each sample.
    :ivar correct: {semantic_equalizer: [S, N] ``np.bool_``}.
    """

    snr_db: np.ndarray
    sinr_db: np.ndarray
    correct: dict


def _rows_to_samples(no_eff, scheme, message_dim: int, batch: int):
    """[S, rows, n] noise variances in the scheme's row layout → [S, batch, R] per sample."""
    layout = getattr(scheme, "layout", None)
    if layout is None or no_eff.shape[1] == batch:
        return no_eff[:, :batch]
    lay = layout(message_dim)
    S, _, n = no_eff.shape
    if lay.codewords_per_sample > 1:
        return no_eff[:, : batch * lay.codewords_per_sample].reshape(S, batch, lay.codewords_per_sample * n)
    rows = np.arange(batch) // lay.samples_per_codeword
    return no_eff[:, rows]


def observe_unit(sc, unit, channel_seed: int) -> Observation:
    """Run ``unit`` of link study ``sc`` (its one channel) with Sionna's generator seeded by
    ``channel_seed``; collect every sample's decision and per-symbol SINRs."""
    sinr, correct = [], {}

    def observe(scheme, message_dim, batch_size, no_eff, correct: dict):
        ne = _rows_to_samples(no_eff.detach().double().cpu().numpy(), scheme, message_dim, batch_size)
        sinr.append(-10.0 * np.log10(np.maximum(ne, 1e-30)))
        for name, c in correct.items():
            chunks.setdefault(name, []).append(c)

    chunks: dict = {}
    run_unit(sc, unit, observe=observe, channel_seed=channel_seed)
    correct = {name: np.concatenate(cs, axis=1) for name, cs in chunks.items()}
    return Observation(np.asarray(sc.axis("snr_db"), dtype=np.float64), np.concatenate(sinr, axis=1), correct)


def table_config(spec: AbstractionSpec, sc, unit, row: dict) -> TableConfig:
    """The :class:`TableConfig` of one result row of the table study ``sc`` (its scheme settings: a
    codeword per message sizes the block length to the unit)."""
    scheme = sc.scheme_specs()[unit.scheme]
    settings = scheme.model_dump(exclude={"kind"})
    return TableConfig(
        tx_model=unit.transmitter,
        rx_model=unit.receiver,
        num_anchors=int(unit.num_anchors),
        anchor_selection=unit.anchor_selection,
        scheme=unit.scheme,
        scheme_kind=scheme.kind,
        scheme_settings=tuple(sorted((k, hashable(v)) for k, v in settings.items())),
        bits=None if row.get("bits") is None else int(row["bits"]),
        semantic_equalizer=row["semantic_equalizer"],
        channel=spec.channel.model,
        channel_uses=float(row["channel_uses"]),
        bits_per_sample=None if row.get("bits_per_sample") is None else float(row["bits_per_sample"]),
        setup_channel_uses=None
        if row.get("setup_channel_uses") is None
        else float(row["setup_channel_uses"]),
    )


def say(progress, text: str) -> None:
    """Report one step to ``progress`` (a callable taking a line), if any."""
    if progress is not None:
        progress(text)
