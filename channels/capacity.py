"""Shannon references: capacity of each channel model, in bits per complex channel use.

Used by the rate–accuracy plot of digital studies: ``bits_per_sample / capacity`` is
the fewest channel uses that could carry the same bits at that SNR (no pilots, ideal
code of infinite length, Gaussian inputs). Fading channels use the **ergodic**
capacity (the transmitter does not know the channel), with the SNR convention of
:mod:`semcom.channels.snr` (unit total transmit energy per channel use, ``E|h|^2 = 1``):

* ``awgn``: ``log2(1 + snr)``;
* ``rayleigh`` with ``L = num_rx_ant``: ``E[log2(1 + snr |h|^2)]``, ``|h|^2 ~ Gamma(L, 1)``
  (generalised Gauss–Laguerre quadrature);
* ``mimo``: ``E[log2 det(I + snr/N_tx H H^H)]`` over i.i.d. ``CN(0, 1)`` entries
  (Monte Carlo with a fixed quadrature sample, deterministic);
* ``ofdm-tdl`` (NLoS models A–C) and ``ofdm-cdl``: every resource element sees a
  Rayleigh-distributed gain of unit mean, so the flat i.i.d. Rayleigh expression of
  the same antenna numbers is used (for CDL it ignores antenna correlation, an upper
  bound-like approximation). TDL-D/E (line of sight) have no reference here (`None`).
"""

from __future__ import annotations

from functools import lru_cache
from collections.abc import Callable
from typing import Optional

import numpy as np
from scipy.special import gammaln, roots_genlaguerre

from .snr import capacity_awgn

__all__ = ["capacity_simo_rayleigh", "capacity_mimo_rayleigh", "capacity_function"]


def capacity_simo_rayleigh(snr_db, num_rx_ant: int = 1, num_points: int = 100):
    """Ergodic capacity of 1 x ``num_rx_ant`` Rayleigh fading with MRC [bit/channel use].

    >>> float(capacity_simo_rayleigh(0.0, 1)) < float(capacity_awgn(0.0)) < float(capacity_simo_rayleigh(0.0, 2))
    True
    """
    alpha = num_rx_ant - 1
    nodes, weights = roots_genlaguerre(num_points, alpha)
    weights = weights / np.exp(gammaln(num_rx_ant))  # Gamma(L, 1) density
    snr = 10.0 ** (np.asarray(snr_db, dtype=float)[..., None] / 10.0)
    return (weights * np.log2(1.0 + snr * nodes)).sum(-1)


@lru_cache(maxsize=16)
def _mimo_eigenvalues(num_tx_ant: int, num_rx_ant: int, num_samples: int = 20_000) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence([num_tx_ant, num_rx_ant, 0xCA9]))  # fixed quadrature
    h = (
        rng.standard_normal((num_samples, num_rx_ant, num_tx_ant))
        + 1j * rng.standard_normal((num_samples, num_rx_ant, num_tx_ant))
    ) / np.sqrt(2)
    return np.linalg.eigvalsh(h.conj().transpose(0, 2, 1) @ h)  # [num_samples, num_tx_ant]


def capacity_mimo_rayleigh(snr_db, num_tx_ant: int, num_rx_ant: int):
    """Ergodic capacity of i.i.d. Rayleigh ``num_tx_ant x num_rx_ant`` MIMO, equal power per antenna."""
    eig = _mimo_eigenvalues(int(num_tx_ant), int(num_rx_ant))
    snr = 10.0 ** (np.asarray(snr_db, dtype=float)[..., None, None] / 10.0)
    return np.log2(1.0 + snr / num_tx_ant * eig).sum(-1).mean(-1)


def capacity_function(model: str, **settings) -> Optional[Callable]:
    """``snr_db -> bits per channel use`` for a channel model and its scenario settings, or `None`."""
    num_tx = int(settings.get("num_tx_ant") or (2 if model == "mimo" else 1))
    num_rx = int(settings.get("num_rx_ant") or (2 if model == "mimo" else 4 if model == "ofdm-cdl" else 1))
    if model == "awgn":
        return capacity_awgn
    if model == "ofdm-tdl" and str(settings.get("tdl_model", "A")) in ("D", "E"):
        return None
    if model in ("rayleigh", "mimo", "ofdm-tdl", "ofdm-cdl"):
        if num_tx == 1:
            return lambda snr_db: capacity_simo_rayleigh(snr_db, num_rx)
        return lambda snr_db: capacity_mimo_rayleigh(snr_db, num_tx, num_rx)
    return None
