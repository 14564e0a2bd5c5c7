"""OFDM over a 3GPP TR 38.901 clustered-delay-line channel (CDL-A..E) with antenna arrays, via Sionna."""

from __future__ import annotations

from sionna.phy.channel.tr38901 import CDL, AntennaArray

from .base import CHANNELS
from .ofdm import OFDMChannelModel
from .specs import OFDMCDLChannelSpec

__all__ = ["OFDMCDLChannel"]


@CHANNELS.register("ofdm-cdl")
class OFDMCDLChannel(OFDMChannelModel):
    r"""Uplink OFDM through Sionna's :class:`~sionna.phy.channel.tr38901.CDL`.

    The user (transmitter) has a uniform linear array of ``num_tx_ant`` omnidirectional
    antennas (one stream each); the base station a uniform linear array of
    ``num_rx_ant`` antennas with the 38.901 element pattern, half-wavelength spacing,
    vertical polarisation. Antenna gains would change the SNR, so each grid's channel is
    normalised to unit mean energy per RE and antenna pair (Sionna's
    ``normalize_channel``): ``snr_db`` stays the mean SNR per receive antenna.

    Settings (:class:`~semcom.channels.specs.OFDMCDLChannelSpec`): ``cdl_model`` (``"A"``..``"E"``;
    D and E have a line-of-sight path), ``delay_spread`` [s], ``carrier_frequency`` [Hz],
    ``speed`` [m/s], ``num_tx_ant`` (user antennas = streams), ``num_rx_ant`` (base-station
    antennas). Other settings and shapes: :class:`~semcom.channels.ofdm.OFDMChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("ofdm-cdl", cdl_model="B", num_tx_ant=2, num_rx_ant=4)
        x_hat, no_eff = channel(torch.ones(1, 64, 16, dtype=torch.complex64), torch.tensor([0.1]))
        print(x_hat.shape)                                    # [1, 64, 16]
    """

    normalize_channel = True

    Spec = OFDMCDLChannelSpec

    def make_cir_model(self):
        spec, num_tx_ant, num_rx_ant = self.spec, self.num_tx_ant, self.num_rx_ant
        carrier_frequency = float(spec.carrier_frequency)
        kw = dict(precision=self.precision, device=self.device)

        def linear_array(num_ant: int, pattern: str) -> AntennaArray:
            return AntennaArray(
                num_rows=1,
                num_cols=num_ant,
                polarization="single",
                polarization_type="V",
                antenna_pattern=pattern,
                carrier_frequency=carrier_frequency,
                **kw,
            )

        ut, bs = linear_array(num_tx_ant, "omni"), linear_array(num_rx_ant, "38.901")
        return CDL(
            spec.cdl_model,
            float(spec.delay_spread),
            carrier_frequency,
            ut,
            bs,
            "uplink",
            min_speed=float(spec.speed),
            max_speed=float(spec.speed),
            **kw,
        )
