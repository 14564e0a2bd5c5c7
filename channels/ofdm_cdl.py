"""OFDM over a 3GPP TR 38.901 clustered-delay-line channel (CDL-A..E) with antenna arrays, via Sionna."""

from __future__ import annotations

from typing import Optional

from sionna.phy.channel.tr38901 import CDL, AntennaArray

from .base import CHANNELS, ChannelSettingError
from .ofdm import OFDMChannelModel, _positive_float

__all__ = ["OFDMCDLChannel"]

CDL_MODELS = ("A", "B", "C", "D", "E")


@CHANNELS.register("ofdm-cdl")
class OFDMCDLChannel(OFDMChannelModel):
    r"""Uplink OFDM through Sionna's :class:`~sionna.phy.channel.tr38901.CDL`.

    The user (transmitter) has a uniform linear array of ``num_tx_ant`` omnidirectional
    antennas (one stream each); the base station a uniform linear array of
    ``num_rx_ant`` antennas with the 38.901 element pattern, half-wavelength spacing,
    vertical polarisation. Antenna gains would change the SNR, so each grid's channel is
    normalised to unit mean energy per RE and antenna pair (Sionna's
    ``normalize_channel``): ``snr_db`` stays the mean SNR per receive antenna.

    :param cdl_model: ``"A"``..``"E"`` (D and E have a line-of-sight path).
    :param delay_spread: RMS delay spread [s].
    :param carrier_frequency: [Hz].
    :param speed: User speed [m/s].
    :param num_tx_ant: User antennas (= streams). :param num_rx_ant: Base-station antennas.

    Other settings and shapes: :class:`~semcom.channels.ofdm.OFDMChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("ofdm-cdl", cdl_model="B", num_tx_ant=2, num_rx_ant=4)
        x_hat, no_eff = channel(torch.ones(1, 64, 16, dtype=torch.complex64), torch.tensor([0.1]))
        print(x_hat.shape)                                    # [1, 64, 16]
    """

    normalize_channel = True

    def __init__(self, cdl_model: str = "C", delay_spread: float = 100e-9, carrier_frequency: float = 3.5e9,
                 speed: float = 3.0, num_tx_ant: int = 1, num_rx_ant: int = 4,
                 precision: Optional[str] = None, device: Optional[str] = None, **kwargs):
        if cdl_model not in CDL_MODELS:
            raise ChannelSettingError("cdl_model", cdl_model, "unknown 3GPP CDL model", "use one of A, B, C, D, E")
        self.cdl_model = cdl_model
        self.delay_spread = _positive_float("delay_spread", delay_spread, "give seconds, e.g. 100e-9")
        self.carrier_frequency = _positive_float("carrier_frequency", carrier_frequency, "give Hz, e.g. 3.5e9")
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0 <= speed < 1e3:
            raise ChannelSettingError("speed", speed, "must be a speed in m/s in [0, 1000)", "use e.g. 3.0")
        self.speed = float(speed)
        self._arrays = (num_tx_ant, num_rx_ant)
        super().__init__(num_tx_ant=num_tx_ant, num_rx_ant=num_rx_ant, precision=precision, device=device,
                         **kwargs)

    def make_cir_model(self):
        num_tx_ant, num_rx_ant = (int(a) for a in self._arrays)
        kw = dict(precision=self.precision, device=self.device)
        ut = AntennaArray(num_rows=1, num_cols=num_tx_ant, polarization="single", polarization_type="V",
                          antenna_pattern="omni", carrier_frequency=self.carrier_frequency, **kw)
        bs = AntennaArray(num_rows=1, num_cols=num_rx_ant, polarization="single", polarization_type="V",
                          antenna_pattern="38.901", carrier_frequency=self.carrier_frequency, **kw)
        return CDL(self.cdl_model, self.delay_spread, self.carrier_frequency, ut, bs, "uplink",
                   min_speed=self.speed, max_speed=self.speed, **kw)
