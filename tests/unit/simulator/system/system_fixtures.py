"""Synthetic abstraction tables with a known logistic accuracy curve (for system-kind tests).

``acc(s) = chance + (top_K - chance) / (1 + exp(-(s - mid_K) / width))``: more anchors K
give a higher ceiling and a lower midpoint, and cost K/2 channel uses (analog). Digital
configurations ``(K, b)`` (QPSK, rate 1/2: one bit per channel use, ``K b`` channel uses) have a
waterfall: chance below ``DIGITAL_MID`` dB, K's ceiling (its clean accuracy) above it."""

from __future__ import annotations

import numpy as np

from semcom.simulator.abstraction.table import AbstractionTable, TableConfig
from semcom.simulator.abstraction.tableset import TableSet

CHANCE = 0.1
CURVES = {4: (0.55, 6.0), 8: (0.75, 3.0), 16: (0.88, 1.0), 32: (0.95, 0.0)}  # K: (top, mid dB)
WIDTH = 2.0
DIGITAL_MID, DIGITAL_WIDTH = 2.0, 0.4


def logistic_accuracy(k: int, sinr_db):
    top, mid = CURVES[k]
    return CHANCE + (top - CHANCE) / (1.0 + np.exp(-(np.asarray(sinr_db, dtype=np.float64) - mid) / WIDTH))


def digital_accuracy(k: int, sinr_db):
    top, _ = CURVES[k]
    return CHANCE + (top - CHANCE) / (
        1.0 + np.exp(-(np.asarray(sinr_db, dtype=np.float64) - DIGITAL_MID) / DIGITAL_WIDTH)
    )


def synthetic_table_set(
    pairs,
    ks=(4, 8, 16, 32),
    grid=(-40.0, 50.0, 0.5),
    n_samples=100_000,
    beta=2.0,
    channel_uses_per_k=0.5,
    digital=(),
) -> TableSet:
    sinr = np.arange(grid[0], grid[1] + 1e-9, grid[2])
    tables = []
    qpsk = (("code_rate", 0.5), ("num_bits_per_symbol", 2))
    for tx, rx in pairs:
        for k in ks:
            cfg = TableConfig(
                tx,
                rx,
                k,
                "random",
                "analog",
                "analog",
                (),
                None,
                "relative",
                "awgn",
                float(k * channel_uses_per_k),
                None,
            )
            correct = np.rint(logistic_accuracy(k, sinr) * n_samples).astype(np.int64)
            tables.append(AbstractionTable.from_counts(cfg, sinr, correct, n_samples, eesm_beta=beta))
        for k, b in digital:
            cfg = TableConfig(
                tx,
                rx,
                k,
                "random",
                "qpsk",
                "digital",
                qpsk,
                b,
                "relative",
                "awgn",
                float(k * b),
                float(k * b),
            )
            correct = np.rint(digital_accuracy(k, sinr) * n_samples).astype(np.int64)
            tables.append(AbstractionTable.from_counts(cfg, sinr, correct, n_samples, eesm_beta=beta))
    return TableSet(tables, {}, "synthetic")


def system_raw(tables_dir, **system) -> dict:
    """A small system scenario reading ``tables_dir``."""
    base = dict(
        topology=dict(num_rings=1, isd_m=200.0),
        groups=dict(cam=dict(model="a", per_sector=2), drone=dict(model="b", per_sector=1, rate_scale=2.0)),
        server=dict(model="edge"),
        grid=dict(num_prbs=12),
        duration_s=0.1,
        warmup_s=0.01,
        drain_s=0.02,
    )
    base.update(system)
    return dict(
        name="sys_test",
        kind="system",
        seed=3,
        models=dict(
            a=dict(kind="pca", latent_dim=8),
            b=dict(kind="pca", latent_dim=8),
            edge=dict(kind="pca", latent_dim=8),
        ),
        tables=str(tables_dir),
        system=base,
        sweep=dict(
            arrival_rate=[100.0], link_adaptation=["max_correct_olla", "fixed"], scheduler=["pf_semantic"]
        ),
    )
