"""Flat block fading whose coefficients the caller sets per (link, slot): the channel block of
a network link (the network draws the coefficients, so its scheduler sees them before the
slot) and of a system study's link-level reference (the coefficient is the message's SINR).
"""

from __future__ import annotations

from typing import Optional

import torch

from .base import CHANNELS
from .flat_fading import FlatFadingChannelModel

__all__ = ["SlotFadingChannel", "build_link_channel", "FADING_CHANNELS"]

#: Channel models a network link may use (flat: one coefficient matrix per message).
FADING_CHANNELS = ("awgn", "rayleigh", "mimo")


class SlotFadingChannel(FlatFadingChannelModel):
    r"""Flat block fading whose coefficients the network engine gives (one matrix per row).

    The same block as ``rayleigh``/``mimo`` (Sionna's flat-fading application, LS pilots,
    ZF/LMMSE; :class:`~semcom.channels.flat_fading.FlatFadingChannelModel`), except that
    :meth:`sample_channel` returns the coefficients set by :meth:`set_coefficients`
    instead of drawing them: a network study draws them per (link, slot), and its
    proportional-fair scheduler sees them before the slot.

    :input x: [1, num_rows, num_symbols], torch.complex64.
    :input no: [1], torch.float32.
    :output x_hat, no_eff: [1, num_rows, num_symbols], complex64 / float32.

    .. code-block:: python

        import torch
        from semcom.channels.slot_fading import SlotFadingChannel
        ch = SlotFadingChannel(num_tx_ant=1, num_rx_ant=1)
        ch.set_coefficients(torch.full((4, 1, 1), 10.0 + 0j))          # 4 rows, 20 dB each
        x_hat, no_eff = ch(torch.ones(1, 4, 8, dtype=torch.complex64), torch.ones(1))
        print(no_eff[0, :, 0])                                           # tensor([0.01, 0.01, 0.01, 0.01])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._coefficients: Optional[torch.Tensor] = None

    def set_coefficients(self, h: torch.Tensor) -> None:
        """:input h: [num_rows, num_rx_ant, num_tx_ant], complex (power gain included,
        before the ``1/sqrt(num_tx_ant)`` split the block applies)."""
        self._coefficients = h.to(self.cdtype)

    def sample_channel(self, num_matrices: int) -> torch.Tensor:
        h = self._coefficients
        if h is None:
            raise RuntimeError("set_coefficients() must be called before the channel")
        blocks = num_matrices // h.shape[0]
        # rows are [num_rows, blocks] in row-major order: every block of a row is in one slot
        return h.repeat_interleave(blocks, dim=0) if blocks > 1 else h


def build_link_channel(
    model: str, settings: dict, precision: str, device: str
) -> tuple[SlotFadingChannel, bool]:
    """The channel block of every link and whether it fades (``awgn``: ``h = 1``, perfect CSI)."""
    if model == "awgn":
        return SlotFadingChannel(num_tx_ant=1, num_rx_ant=1, precision=precision, device=device), False
    cls = CHANNELS.get(model)
    if not issubclass(cls, FlatFadingChannelModel):
        raise ValueError(f"channel model {model!r} cannot be a network link; use one of {FADING_CHANNELS}")
    if model == "rayleigh":
        settings = {**settings, "num_tx_ant": 1}
    return SlotFadingChannel(precision=precision, device=device, **settings), True
