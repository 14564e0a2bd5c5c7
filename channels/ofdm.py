"""OFDM links on Sionna's resource grid: the glue shared by ``ofdm-tdl`` and ``ofdm-cdl``.

The symbols of a batch of messages are laid out as one stream per SNR point,
consecutive symbols going to consecutive data resource elements (RE) of the
transmit streams (``num_tx_ant`` streams, spatially multiplexed), filling as many
resource grids (slots) as needed; a grid is one channel realisation (3GPP TDL/CDL,
time-varying over its OFDM symbols with the user's speed). Unused REs of the last
grid carry zeros. Chain, all Sionna blocks::

    ResourceGridMapper ─► OFDMChannel (frequency domain, AWGN) ─► perfect CSI, or
    LSChannelEstimator from the pilot pattern ─► LMMSEEqualizer | ZFEqualizer

Power: every RE carries unit total energy, split over the transmit streams, so
``snr_db`` is the mean SNR per receive antenna and RE (:mod:`semcom.channels.snr`).

Rate: :meth:`OFDMChannelModel.channel_uses` counts every RE of the grid (data, pilots,
guard and DC carriers) in proportion to the data REs a message occupies:
``num_symbols / num_tx_ant * REs_per_grid / data_REs_per_grid`` (fractional). With
``csi: perfect`` no pilots are sent; with ``csi: ls`` the Kronecker pilot pattern
on ``pilot_ofdm_symbol_indices`` is.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from sionna.phy.channel import OFDMChannel
from sionna.phy.mimo import StreamManagement
from sionna.phy.ofdm import (
    LMMSEEqualizer,
    LSChannelEstimator,
    RemoveNulledSubcarriers,
    ResourceGrid,
    ResourceGridMapper,
    ZFEqualizer,
)

from .base import ChannelModel, ChannelSettingError, check_streams
from .specs import OFDMChannelSpec

__all__ = ["OFDMChannelModel"]


class OFDMChannelModel(ChannelModel):
    r"""Base of the OFDM channel models: resource grid, pilots, estimation and equalisation.

    Subclasses provide the Sionna channel model (CIR generator) via :meth:`make_cir_model`.

    Settings (:class:`~semcom.channels.specs.OFDMChannelSpec`): ``num_tx_ant`` (= spatial
    streams), ``num_rx_ant``, ``fft_size`` (subcarriers per OFDM symbol), ``num_ofdm_symbols``
    (per grid, a slot), ``subcarrier_spacing`` [Hz], ``pilot_ofdm_symbol_indices`` (OFDM
    symbols carrying pilots, ``csi: ls``), ``interpolation`` (``"nn"`` or ``"lin"``: how the LS
    estimator fills the data REs), ``num_guard_carriers`` ([left, right] unused subcarriers),
    ``dc_null``, and the channel's ``delay_spread`` [s], ``carrier_frequency`` [Hz] and
    ``speed`` [m/s], which the subclass's :meth:`make_cir_model` reads from :attr:`spec`.

    :input x: [num_snr, batch_size, num_symbols], complex.
    :input no: [num_snr], float.
    :output x_hat: [num_snr, batch_size, num_symbols], complex.
    :output no_eff: [num_snr, batch_size, num_symbols], float.
    """

    #: Whether the channel is normalised per grid (unit mean energy per RE) by Sionna's OFDMChannel.
    normalize_channel = False

    Spec = OFDMChannelSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        spec = self.spec
        self.num_tx_ant, self.num_rx_ant = int(spec.num_tx_ant), int(spec.num_rx_ant)
        check_streams(self.num_tx_ant, self.num_rx_ant)
        fft_size, num_ofdm_symbols = int(spec.fft_size), int(spec.num_ofdm_symbols)
        subcarrier_spacing, interpolation = float(spec.subcarrier_spacing), spec.interpolation
        pilot_ofdm_symbol_indices, num_guard_carriers = (
            spec.pilot_ofdm_symbol_indices,
            spec.num_guard_carriers,
        )
        csi, dc_null = self.csi, spec.dc_null
        pilots = [int(i) for i in pilot_ofdm_symbol_indices] if csi == "ls" else []
        if csi == "ls" and (
            not pilots
            or any(not 0 <= i < num_ofdm_symbols for i in pilots)
            or len(set(pilots)) != len(pilots)
        ):
            raise ChannelSettingError(
                "pilot_ofdm_symbol_indices",
                list(pilot_ofdm_symbol_indices),
                f"must be distinct OFDM symbol indices in 0..{num_ofdm_symbols - 1}",
                f"use e.g. {[i for i in (2, 11) if i < num_ofdm_symbols] or [0]}",
            )
        try:
            self.resource_grid = ResourceGrid(
                num_ofdm_symbols=num_ofdm_symbols,
                fft_size=fft_size,
                subcarrier_spacing=subcarrier_spacing,
                num_tx=1,
                num_streams_per_tx=self.num_tx_ant,
                num_guard_carriers=tuple(num_guard_carriers),
                dc_null=bool(dc_null),
                pilot_pattern="kronecker" if pilots else "empty",
                pilot_ofdm_symbol_indices=pilots or None,
                precision=self.precision,
                device=self.device,
            )
        except (ValueError, AssertionError, IndexError) as exc:
            raise ChannelSettingError(
                "fft_size",
                fft_size,
                f"gives no valid resource grid ({exc})",
                "use more subcarriers or fewer guard carriers / pilots",
            ) from None
        if self.resource_grid.num_data_symbols < 1:
            raise ChannelSettingError(
                "pilot_ofdm_symbol_indices",
                pilots,
                "leave no data resource elements",
                "use fewer pilot OFDM symbols",
            )
        kw = dict(precision=self.precision, device=self.device)
        stream_management = StreamManagement(np.ones([1, 1], dtype=int), self.num_tx_ant)
        self._mapper = ResourceGridMapper(self.resource_grid, **kw)
        self._ofdm_channel = OFDMChannel(
            self.make_cir_model(),
            self.resource_grid,
            normalize_channel=self.normalize_channel,
            return_channel=True,
            **kw,
        )
        self._remove_nulled = RemoveNulledSubcarriers(self.resource_grid, **kw)
        if csi == "ls":
            self._estimator = LSChannelEstimator(self.resource_grid, interpolation_type=interpolation, **kw)
        eq_cls = ZFEqualizer if self.equalizer == "zf" else LMMSEEqualizer
        self._equalizer = eq_cls(self.resource_grid, stream_management, **kw)

    def make_cir_model(self):
        """The Sionna channel model generating channel impulse responses (TDL, CDL, ...)."""
        raise NotImplementedError

    # -- bookkeeping ------------------------------------------------------------------
    @property
    def data_per_grid(self) -> int:
        """Data symbols one grid carries (all streams)."""
        return int(self.resource_grid.num_data_symbols) * self.num_tx_ant

    @property
    def resource_elements_per_grid(self) -> int:
        rg = self.resource_grid
        return int(rg.num_ofdm_symbols) * int(rg.fft_size)

    def channel_uses(self, num_symbols: int) -> float:
        """REs occupied per message: its share of the data REs, plus the same share of the
        pilot, guard and DC REs of the grid."""
        return float(num_symbols) * self.resource_elements_per_grid / self.data_per_grid

    # -- simulation -------------------------------------------------------------------
    def sample_channel(self, num_grids: int) -> torch.Tensor:
        """Channel frequency responses of ``num_grids`` independent grids (noise-free):
        [num_grids, num_rx_ant, num_tx_ant, num_ofdm_symbols, fft_size], complex."""
        rg = self.resource_grid
        x = torch.zeros(
            num_grids,
            1,
            self.num_tx_ant,
            rg.num_ofdm_symbols,
            rg.fft_size,
            dtype=self.cdtype,
            device=self.device,
        )
        _, h = self._ofdm_channel(x)
        return h[:, 0, :, 0]

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        num_snr, batch, n = x.shape
        ns, data = self.num_tx_ant, int(self.resource_grid.num_data_symbols)
        total = batch * n
        grids = math.ceil(total / (ns * data))
        stream = torch.nn.functional.pad(
            x.to(self.cdtype).reshape(num_snr, total), (0, grids * ns * data - total)
        )
        # consecutive symbols on consecutive streams of one RE, then consecutive data REs
        tx = stream.reshape(num_snr * grids, data, ns).transpose(1, 2).unsqueeze(1)  # [S*G, 1, ns, data]
        x_rg = self._mapper(tx) * (1.0 / math.sqrt(ns))  # unit energy per RE
        no_b = no.to(self.dtype).repeat_interleave(grids)  # [S*G]
        y, h = self._ofdm_channel(x_rg, no_b.reshape(-1, 1, 1, 1, 1))
        if self.csi == "perfect":
            h_hat = self._remove_nulled(h) * (1.0 / math.sqrt(ns))
            err_var = torch.zeros((), dtype=self.dtype, device=y.device)
        else:
            h_hat, err_var = self._estimator(y, no_b)
        x_hat, no_eff = self._equalizer(y, h_hat, err_var, no_b)  # [S*G, 1, ns, data]
        x_hat = x_hat[:, 0].transpose(1, 2).reshape(num_snr, -1)[:, :total].reshape(num_snr, batch, n)
        no_eff = no_eff[:, 0].transpose(1, 2).reshape(num_snr, -1)[:, :total].reshape(num_snr, batch, n)
        return x_hat, no_eff.to(self.dtype)
