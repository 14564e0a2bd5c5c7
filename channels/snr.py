"""The one owner of the SNR convention.

Every block in semcom uses the same definition:

* the transmitter emits complex symbols of **unit average energy** (Es = 1);
* ``snr_db`` is **Es/N0 per complex channel use**;
* the noise power per complex symbol is therefore ``no = 10^(-snr_db/10)``
  (variance ``no/2`` per real dimension).

For coded digital transmission the energy per *information* bit is
``Eb = Es / (bits_per_symbol * code_rate)``, hence
``Eb/N0 = Es/N0 - 10 log10(bits_per_symbol * code_rate)``.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    import torch

__all__ = ["snr_db_to_no", "no_to_snr_db", "ebno_db_to_snr_db", "snr_db_to_ebno_db", "capacity_awgn"]

ArrayLike = Union[float, np.ndarray, "torch.Tensor"]


def _is_tensor(x) -> bool:
    """A torch tensor (there is none unless torch was imported: figures need no torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def snr_db_to_no(snr_db: ArrayLike) -> ArrayLike:
    """Noise power per complex symbol for unit-energy symbols: ``10^(-snr_db/10)``.

    :param snr_db: scalar, ``np.ndarray`` or ``torch.Tensor`` (any shape), Es/N0 in dB.
    :returns: same type and shape, the noise power ``no``.

    >>> snr_db_to_no(10.0)
    0.1
    """
    if _is_tensor(snr_db):
        return sys.modules["torch"].pow(10.0, -snr_db / 10.0)
    if isinstance(snr_db, np.ndarray):
        return np.power(10.0, -snr_db / 10.0)
    return 10.0 ** (-float(snr_db) / 10.0)


def no_to_snr_db(no: ArrayLike) -> ArrayLike:
    """Inverse of :func:`snr_db_to_no`."""
    if _is_tensor(no):
        return -10.0 * sys.modules["torch"].log10(no)
    if isinstance(no, np.ndarray):
        return -10.0 * np.log10(no)
    return -10.0 * math.log10(float(no))


def ebno_db_to_snr_db(ebno_db: ArrayLike, bits_per_symbol: int, code_rate: float = 1.0) -> ArrayLike:
    """Es/N0 [dB] from Eb/N0 [dB] for ``bits_per_symbol`` coded bits per symbol at ``code_rate``."""
    return ebno_db + 10.0 * math.log10(bits_per_symbol * code_rate)


def snr_db_to_ebno_db(snr_db: ArrayLike, bits_per_symbol: int, code_rate: float = 1.0) -> ArrayLike:
    """Eb/N0 [dB] from Es/N0 [dB]; inverse of :func:`ebno_db_to_snr_db`."""
    return snr_db - 10.0 * math.log10(bits_per_symbol * code_rate)


def capacity_awgn(snr_db: ArrayLike) -> ArrayLike:
    """Shannon capacity of the complex AWGN channel, bits per complex channel use."""
    return np.log2(1.0 + 10.0 ** (np.asarray(snr_db, dtype=float) / 10.0))
