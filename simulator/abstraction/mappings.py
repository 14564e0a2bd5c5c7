"""Effective-SINR mappings: one SINR for a message whose REs see different SINRs, such that the
table's accuracy there is the message's.

* ``mean_noise`` (analog schemes, the default there): ``1/SINR_eff = mean_i 1/SINR_i``. An analog
  message sends each value as a symbol amplitude; after the channel equaliser (perfect CSI,
  unbiased) symbol ``i`` carries noise of variance ``1/SINR_i`` (unit-energy symbols), and the
  receiver's decision degrades with the noise the message carries in total, as an AWGN message
  whose every symbol has the mean variance. No parameter: nothing to fit, and the mapping is
  scale-invariant (the same relative spread costs the same number of dB at any SINR), which EESM
  with a fixed β is not (see ``docs/notes/issue-29-30-abstraction.md`` for the measurements that
  chose it: fitting the order of a power mean lands on the harmonic mean).
* ``eesm`` (digital schemes, the default there): Sionna's exponential ESM with a β fitted per
  table (:mod:`.eesm`): the standard mapping for coded QAM, whose decoding threshold sits at a
  particular SINR.
* ``power`` (a diagnostic): the power mean ``(mean_i SINR_i^−ρ)^(−1/ρ)`` of order ρ (ρ = 1: the
  harmonic mean, ``mean_noise``; ρ → 0 the geometric mean; ρ → ∞ the minimum); fitting ρ shows
  which scale-invariant mapping the data choose.

Every mapping takes per-RE SINRs [dB] with NaN (or −inf) for unused REs and optional weights (REs
per entry), and lies between the minimum and the arithmetic mean of the SINRs.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.mappings import effective_sinr
    s = np.array([[0.0, 10.0, np.nan]])
    print(effective_sinr("mean_noise", s).round(2))          # [2.6]: 1/mean(1, 0.1) = 1.82
    print(effective_sinr("eesm", s, 1.0).round(2))           # [2.29]
"""

from __future__ import annotations

import numpy as np

from .eesm import check_beta, effective_sinr_db

__all__ = ["MAPPINGS", "effective_sinr", "mean_noise_sinr_db", "power_mean_sinr_db", "DEFAULT_MAPPING"]

#: Mapping names and whether each takes a parameter (EESM β, power order ρ).
MAPPINGS = {"mean_noise": False, "eesm": True, "power": True}
#: The default mapping of each scheme kind.
DEFAULT_MAPPING = {"analog": "mean_noise", "digital": "eesm"}


def _linear(sinr_db, weights):
    s = np.asarray(sinr_db, dtype=np.float64)
    if s.ndim < 1 or s.shape[-1] < 1:
        raise ValueError(f"sinr_db: needs a last axis of resource elements (got shape {s.shape})")
    if np.any(s == np.inf):
        raise ValueError("sinr_db: +inf is not an SINR; give finite dB values (NaN or -inf for an unused RE)")
    w = (
        np.ones(s.shape)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=np.float64), s.shape)
    )
    used = np.isfinite(s) & (w > 0)
    return np.where(used, 10.0 ** (np.where(used, s, 0.0) / 10.0), 1.0), np.where(used, w, 0.0)


def power_mean_sinr_db(sinr_db, order, weights=None) -> np.ndarray:
    """[...] the power mean of order −ρ of the linear SINRs [..., W], in dB (NaN for a row without RE).

    Evaluated relative to the row's smallest SINR, so no power overflows."""
    rho = check_beta(order, "order")
    lin, w = _linear(sinr_db, weights)
    count = w.sum(-1)
    m = np.where(w > 0, lin, np.inf).min(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w > 0, (lin / m[..., None]) ** (-np.asarray(rho)[..., None]), 0.0)  # in (0, 1]
        eff = m * ((w * ratio).sum(-1) / count) ** (-1.0 / rho)
        return np.where(count > 0, 10.0 * np.log10(eff), np.nan)


def mean_noise_sinr_db(sinr_db, weights=None) -> np.ndarray:
    """[...] ``1 / mean(1/SINR)`` of the per-RE SINRs [..., W], in dB: the harmonic mean (order 1)."""
    return power_mean_sinr_db(sinr_db, 1.0, weights)


def effective_sinr(mapping: str, sinr_db, param=None, weights=None) -> np.ndarray:
    """[...] the effective SINR [dB] of per-RE SINRs [..., W] [dB] under ``mapping`` (:data:`MAPPINGS`)
    with its parameter ``param`` (EESM β, power order ρ; ignored by ``mean_noise``)."""
    if mapping == "mean_noise":
        return mean_noise_sinr_db(sinr_db, weights)
    if mapping == "eesm":
        return effective_sinr_db(sinr_db, param, weights)
    if mapping == "power":
        return power_mean_sinr_db(sinr_db, param, weights)
    raise ValueError(
        f"mapping: {mapping!r} is not an effective-SINR mapping; use one of {', '.join(MAPPINGS)}"
    )
