"""Flat Rayleigh block fading with N_tx x N_rx antennas: the core of ``rayleigh`` and ``mimo``.

A row of the input (one message, or one codeword of the digital scheme) is sent as
``T = ceil(num_symbols / num_tx_ant)`` channel uses, symbol ``i`` on antenna
``i mod num_tx_ant`` at time ``i // num_tx_ant`` (spatial multiplexing). The channel
is constant over ``coherence_symbols`` data channel uses (default: the whole row)
and independent between blocks, rows and SNR points; its entries are ``CN(0, 1)``
(Sionna's :class:`~sionna.phy.channel.GenerateFlatFadingChannel`).

Power: one channel use carries unit total energy, split over the transmit antennas
(``h_eff = h / sqrt(num_tx_ant)``), so ``snr_db`` is the mean received SNR per receive
antenna, as in :mod:`semcom.channels.snr`.

CSI: ``perfect``, or ``ls``: each block is preceded by ``num_pilots * num_tx_ant``
orthogonal pilot channel uses (:mod:`semcom.channels.pilots`), counted in :meth:`channel_uses`.
The receiver equalises (ZF or LMMSE, :mod:`semcom.channels.equalization`) treating the CSI
error as extra white noise of power ``num_tx_ant * err_var_eff = no / num_pilots``.
"""

from __future__ import annotations

import math

import torch
from sionna.phy.channel import ApplyFlatFadingChannel, GenerateFlatFadingChannel

from .base import ChannelModel, check_streams
from .specs import FlatFadingChannelSpec
from .equalization import FlatFadingEqualizer
from .pilots import FlatFadingLSEstimator

__all__ = ["FlatFadingChannelModel"]


class FlatFadingChannelModel(ChannelModel):
    r"""Flat Rayleigh block fading, ``num_tx_ant`` streams into ``num_rx_ant`` antennas.

    Settings (:class:`~semcom.channels.specs.FlatFadingChannelSpec`): ``num_tx_ant`` (spatially
    multiplexed streams), ``num_rx_ant``, ``coherence_symbols`` (data channel uses per fading
    block; `None`: one block per row), ``num_pilots`` (with ``csi="ls"``: pilot channel uses per
    transmit antenna and block), ``csi``, ``equalizer``.

    :input x: [num_snr, batch_size, num_symbols], complex. Unit-energy data symbols.
    :input no: [num_snr], float. Noise power per complex channel use.

    :output x_hat: [num_snr, batch_size, num_symbols], complex. Equalised symbols.
    :output no_eff: [num_snr, batch_size, num_symbols], float. Post-equalisation noise variance.
    """

    Spec = FlatFadingChannelSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        spec = self.spec
        self.num_tx_ant = int(getattr(spec, "num_tx_ant", 1))  # rayleigh: one transmit antenna by definition
        self.num_rx_ant = int(spec.num_rx_ant)
        self.coherence_symbols = spec.coherence_symbols
        self.num_pilots = int(spec.num_pilots)
        check_streams(self.num_tx_ant, self.num_rx_ant)
        self._generate_channel = GenerateFlatFadingChannel(
            self.num_tx_ant, self.num_rx_ant, precision=self.precision, device=self.device
        )
        self._apply_channel = ApplyFlatFadingChannel(precision=self.precision, device=self.device)
        self._estimator = FlatFadingLSEstimator(
            self.num_tx_ant, self.num_pilots, precision=self.precision, device=self.device
        )
        self._equalizer = FlatFadingEqualizer(self.equalizer, precision=self.precision, device=self.device)

    # -- bookkeeping ------------------------------------------------------------------
    def _layout(self, num_symbols: int) -> tuple[int, int, int]:
        """(data channel uses T, uses per block, number of blocks) for one row."""
        uses = math.ceil(num_symbols / self.num_tx_ant)
        per_block = min(self.coherence_symbols or uses, uses)
        return uses, per_block, math.ceil(uses / per_block)

    def channel_uses(self, num_symbols: int) -> int:
        """Data channel uses ``ceil(num_symbols / num_tx_ant)``, plus, with ``ls`` CSI,
        ``num_pilots * num_tx_ant`` pilot uses per fading block."""
        uses, _, blocks = self._layout(int(num_symbols))
        pilots = blocks * self._estimator.length if self.csi == "ls" else 0
        return uses + pilots

    # -- simulation -------------------------------------------------------------------
    def sample_channel(self, num_matrices: int) -> torch.Tensor:
        """Draw physical channel matrices (entries ``CN(0, 1)``, before the ``1/sqrt(num_tx_ant)``
        power split): [num_matrices, num_rx_ant, num_tx_ant], complex."""
        return self._generate_channel(num_matrices)

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        num_snr, batch, n = x.shape
        nt, nr = self.num_tx_ant, self.num_rx_ant
        uses, per_block, blocks = self._layout(n)
        # [S, B, n] -> [S, B, blocks, per_block, nt] (zero padding is never transmitted)
        x = torch.nn.functional.pad(x.to(self.cdtype), (0, blocks * per_block * nt - n))
        x = x.reshape(num_snr, batch, blocks, per_block, nt)
        no = no.to(self.dtype).reshape(num_snr, 1, 1)  # per SNR point
        h = self.sample_channel(num_snr * batch * blocks).reshape(num_snr, batch, blocks, nr, nt)
        h = h * (1.0 / math.sqrt(nt))  # unit total transmit energy
        y = self._apply_channel(x, h.unsqueeze(-3), no[..., None, None])  # [S, B, blocks, per_block, nr]

        if self.csi == "perfect":
            h_rx, s = h, no.expand(num_snr, batch, blocks)
        else:
            pilots = self._estimator.pilots.mT.expand(num_snr, batch, blocks, -1, -1)  # [.., L, nt]
            y_pilots = self._apply_channel(pilots, h.unsqueeze(-3), no[..., None, None])  # [.., L, nr]
            h_rx, err_var = self._estimator(y_pilots, no)
            s = (no + nt * err_var).expand(num_snr, batch, blocks)
        x_hat, no_eff = self._equalizer(y, h_rx, s)  # [.., per_block, nt], [.., 1, nt]
        no_eff = no_eff.expand_as(x_hat.real)
        x_hat = x_hat.reshape(num_snr, batch, -1)[..., :n]
        no_eff = no_eff.reshape(num_snr, batch, -1)[..., :n]
        return x_hat, no_eff.to(self.dtype)
