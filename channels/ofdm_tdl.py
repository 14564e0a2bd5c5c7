"""OFDM over a 3GPP TR 38.901 tapped-delay-line channel (TDL-A..E), via Sionna."""

from __future__ import annotations

from sionna.phy.channel.tr38901 import TDL

from .base import CHANNELS
from .ofdm import OFDMChannelModel
from .specs import OFDMTDLChannelSpec

__all__ = ["OFDMTDLChannel"]


@CHANNELS.register("ofdm-tdl")
class OFDMTDLChannel(OFDMChannelModel):
    r"""OFDM through Sionna's :class:`~sionna.phy.channel.tr38901.TDL` (no per-grid normalisation:
    the TDL power-delay profiles have unit total power, so ``E|h|^2 = 1``).

    Settings (:class:`~semcom.channels.specs.OFDMTDLChannelSpec`): ``tdl_model`` (``"A"``..``"E"``;
    D and E have a line-of-sight path), ``delay_spread`` (RMS delay spread [s] the normalised
    profile is scaled to, e.g. 30e-9, 100e-9, 300e-9), ``carrier_frequency`` [Hz], ``speed``
    (user speed [m/s]: Doppler across the OFDM symbols of a grid). Other settings and shapes:
    :class:`~semcom.channels.ofdm.OFDMChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("ofdm-tdl", tdl_model="C", delay_spread=300e-9, speed=10.0, csi="ls")
        x = torch.ones(2, 100, 16, dtype=torch.complex64)
        x_hat, no_eff = channel(x, torch.tensor([0.1, 0.01]))
        print(x_hat.shape, channel.channel_uses(16))        # [2, 100, 16], 16 * 14/12 (pilot overhead)
    """

    Spec = OFDMTDLChannelSpec

    def make_cir_model(self):
        spec = self.spec
        return TDL(
            spec.tdl_model,
            float(spec.delay_spread),
            float(spec.carrier_frequency),
            min_speed=float(spec.speed),
            max_speed=float(spec.speed),
            num_rx_ant=self.num_rx_ant,
            num_tx_ant=self.num_tx_ant,
            precision=self.precision,
            device=self.device,
        )
