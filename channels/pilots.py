"""Pilot symbols and least-squares (LS) channel estimation for flat-fading links.

In every coherence block the transmitter sends ``L = num_pilots * num_tx_ant``
pilot channel uses before its data. The pilot matrix is the first ``num_tx_ant``
rows of the ``L``-point DFT matrix, so the antennas' pilot sequences are orthogonal
(``P P^H = L I``) and every pilot entry has unit magnitude. Like data, pilots are
sent with unit total energy per channel use, i.e. the link applies
``h_eff = h / sqrt(num_tx_ant)`` to both.

The LS estimate of ``h_eff`` is ``Y_p P^H / L``; its error per entry is
``CN(0, no / L)``, i.e. ``no / num_pilots`` per entry of the physical channel
``h`` (whose entries are ``CN(0, 1)``). For OFDM, Sionna's pilot patterns and
:class:`~sionna.phy.ofdm.LSChannelEstimator` are used instead (:mod:`semcom.channels.ofdm`).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
from sionna.phy import Block

__all__ = ["orthogonal_pilots", "ls_error_variance", "FlatFadingLSEstimator"]


def orthogonal_pilots(
    num_tx_ant: int, num_pilots: int, dtype=torch.complex64, device: Optional[str] = None
) -> torch.Tensor:
    """Unit-magnitude orthogonal pilot matrix.

    :returns: [num_tx_ant, num_pilots * num_tx_ant], ``dtype``: the first
        ``num_tx_ant`` rows of the DFT matrix of size ``num_pilots * num_tx_ant``.

    >>> p = orthogonal_pilots(2, 1)
    >>> torch.allclose(p @ p.mH, 2 * torch.eye(2, dtype=p.dtype), atol=1e-6)
    True
    """
    length = num_pilots * num_tx_ant
    k = torch.arange(num_tx_ant, dtype=torch.float64)[:, None]
    t = torch.arange(length, dtype=torch.float64)[None, :]
    phase = -2.0 * math.pi * k * t / length
    return torch.polar(torch.ones_like(phase), phase).to(dtype=dtype, device=device)


def ls_error_variance(no, num_pilots: int):
    """Variance of the LS estimation error per entry of the physical channel ``h``:
    ``no / num_pilots`` (``no`` is the noise power per complex symbol)."""
    return no / num_pilots


class FlatFadingLSEstimator(Block):
    r"""LS estimate of a flat-fading channel from orthogonal pilots.

    :param num_tx_ant: Number of transmit antennas.
    :param num_pilots: Pilot channel uses per transmit antenna and coherence block.

    :input y_pilots: [..., num_pilots * num_tx_ant, num_rx_ant], complex.
        Received pilot channel uses ``Y_p^T`` (time first, receive antenna last).
    :input no: broadcastable to ``[...]``, float. Noise power per complex symbol.

    :output h_hat: [..., num_rx_ant, num_tx_ant], complex. Estimate of ``h_eff``.
    :output err_var: broadcast of ``no`` to ``[...]``, float. Error variance per
        entry of ``h_hat`` (``no / (num_pilots * num_tx_ant)``).

    .. code-block:: python

        import torch
        from semcom.channels.pilots import FlatFadingLSEstimator, orthogonal_pilots
        est = FlatFadingLSEstimator(num_tx_ant=2, num_pilots=2)
        h = torch.randn(5, 3, 2, dtype=torch.complex64)          # [batch, rx, tx]
        y = (h @ est.pilots).mT                                   # noiseless: [5, 4, 3]
        h_hat, err_var = est(y, torch.tensor(0.0))
        print(torch.allclose(h_hat, h, atol=1e-5))                # True
    """

    def __init__(
        self,
        num_tx_ant: int = 1,
        num_pilots: int = 1,
        precision: Optional[str] = None,
        device: Optional[str] = None,
        **kwargs,
    ):
        super().__init__(precision=precision, device=device, **kwargs)
        self.num_tx_ant = int(num_tx_ant)
        self.num_pilots = int(num_pilots)
        self.pilots = orthogonal_pilots(self.num_tx_ant, self.num_pilots, self.cdtype, self.device)

    @property
    def length(self) -> int:
        """Pilot channel uses per coherence block."""
        return self.num_pilots * self.num_tx_ant

    def call(self, y_pilots: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # Y_p [.., rx, L] = h_eff P + N  ->  h_hat = Y_p P^H / L
        h_hat = (y_pilots.mT @ self.pilots.mH) / self.length
        return h_hat, no / self.length
