"""OFDM over a 3GPP TR 38.901 tapped-delay-line channel (TDL-A..E), via Sionna."""

from __future__ import annotations

from typing import Optional

from sionna.phy.channel.tr38901 import TDL

from .base import CHANNELS, ChannelSettingError
from .ofdm import OFDMChannelModel, _positive_float

__all__ = ["OFDMTDLChannel"]

TDL_MODELS = ("A", "B", "C", "D", "E")


@CHANNELS.register("ofdm-tdl")
class OFDMTDLChannel(OFDMChannelModel):
    r"""OFDM through Sionna's :class:`~sionna.phy.channel.tr38901.TDL` (no per-grid normalisation:
    the TDL power-delay profiles have unit total power, so ``E|h|^2 = 1``).

    :param tdl_model: ``"A"``..``"E"`` (D and E have a line-of-sight path).
    :param delay_spread: RMS delay spread [s] the normalised profile is scaled to (e.g. 30e-9, 100e-9, 300e-9).
    :param carrier_frequency: [Hz].
    :param speed: User speed [m/s] (Doppler across the OFDM symbols of a grid).

    Other settings and shapes: :class:`~semcom.channels.ofdm.OFDMChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("ofdm-tdl", tdl_model="C", delay_spread=300e-9, speed=10.0, csi="ls")
        x = torch.ones(2, 100, 16, dtype=torch.complex64)
        x_hat, no_eff = channel(x, torch.tensor([0.1, 0.01]))
        print(x_hat.shape, channel.channel_uses(16))        # [2, 100, 16], 16 * 14/12 (pilot overhead)
    """

    def __init__(self, tdl_model: str = "A", delay_spread: float = 100e-9, carrier_frequency: float = 3.5e9,
                 speed: float = 3.0, num_tx_ant: int = 1, num_rx_ant: int = 1,
                 precision: Optional[str] = None, device: Optional[str] = None, **kwargs):
        if tdl_model not in TDL_MODELS:
            raise ChannelSettingError("tdl_model", tdl_model, "unknown 3GPP TDL model", "use one of A, B, C, D, E")
        self.tdl_model = tdl_model
        self.delay_spread = _positive_float("delay_spread", delay_spread, "give seconds, e.g. 100e-9")
        self.carrier_frequency = _positive_float("carrier_frequency", carrier_frequency, "give Hz, e.g. 3.5e9")
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0 <= speed < 1e3:
            raise ChannelSettingError("speed", speed, "must be a speed in m/s in [0, 1000)", "use e.g. 3.0")
        self.speed = float(speed)
        self._tdl_antennas = (num_tx_ant, num_rx_ant)
        super().__init__(num_tx_ant=num_tx_ant, num_rx_ant=num_rx_ant, precision=precision, device=device,
                         **kwargs)

    def make_cir_model(self):
        num_tx_ant, num_rx_ant = self._tdl_antennas
        return TDL(self.tdl_model, self.delay_spread, self.carrier_frequency, min_speed=self.speed,
                   max_speed=self.speed, num_rx_ant=int(num_rx_ant), num_tx_ant=int(num_tx_ant),
                   precision=self.precision, device=self.device)
