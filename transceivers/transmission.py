"""One transmission: a message over the scheme and the channel, at a batch of SNR points.

::

    message [B, m] ─► top-k (optional) ─► scheme.encode ─► x [rows, n]
        ─► channel(x at every SNR point, no [S]) ─► x_hat, no_eff [S, rows, n]
        ─► scheme.decode ─► message noise estimate ─► desparsify ─► message [S, B, m]

The one chain every consumer calls: the link engine, the channel-aware receivers'
simulated crossings (noise-trained heads, semantic pilots), the network's slot
decoding and the system level's link-level reference. A caller that puts several
transmissions into one channel call (a network slot) uses the two halves,
:meth:`MessageTransmission.send` and :meth:`MessageTransmission.receive`, around it;
an end-to-end model without a scheme (JSCC) shares the channel stage,
:func:`cross_channel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from sionna.phy import Block

from .compression import TopKDesparsifier, TopKSparsifier
from .schemes.base import Decoded, Scheme, Transmission, error_rates
from .semantic.denoise import sparse_message_noise

__all__ = ["MessageTransmission", "Sent", "Received", "cross_channel"]


def cross_channel(channel, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The same symbols through ``channel`` at every SNR point (fresh noise per point).

    :param channel: a :class:`semcom.channels.ChannelModel`.
    :input x: [rows, num_symbols], torch.complex64.
    :input no: [num_snr], torch.float32 or torch.float64: noise power per complex symbol.
    :output x_hat: [num_snr, rows, num_symbols], torch.complex64, after the channel equaliser.
    :output no_eff: [num_snr, rows, num_symbols], torch.float32, post-equalisation noise variance.
    """
    return channel(x.unsqueeze(0).expand(no.shape[0], *x.shape), no)


@dataclass
class Sent:
    """What the transmitter put on the air (:meth:`MessageTransmission.send`).

    :ivar transmission: the scheme's :class:`~semcom.transceivers.schemes.Transmission`:
        ``x`` [rows, num_symbols] torch.complex64, side information, kept bits.
    :ivar positions: [batch_size, k], torch.int64, positions of the kept entries
        (top-k side information, error-free), or `None` when the message is sent whole.
    :ivar message_dim: entries of the full message, ``m``.
    """

    transmission: Transmission
    positions: Optional[torch.Tensor]
    message_dim: int

    @property
    def x(self) -> torch.Tensor:
        """[rows, num_symbols], torch.complex64: the channel input."""
        return self.transmission.x


@dataclass
class Received:
    """What the receiver recovers (:meth:`MessageTransmission.receive`).

    :ivar message: [num_snr, batch_size, message_dim], torch.float32, on the block's device.
    :ivar noise: [num_snr, batch_size, message_dim], torch.float32, per-entry noise variance
        (:meth:`Scheme.message_noise`, entries not sent modelled by
        :func:`~semcom.transceivers.semantic.denoise.sparse_message_noise`), or `None`
        where the scheme's errors are not additive or the estimate is not asked for.
    :ivar no_eff: [num_snr, rows, num_symbols], torch.float32: post-equalisation noise
        variance of every symbol, rows as the scheme lays them out.
    :ivar sent: the scheme's :class:`~semcom.transceivers.schemes.Transmission` (the bits the
        transmitter kept, for :meth:`error_rates`).
    :ivar decoded: the scheme's :class:`~semcom.transceivers.schemes.Decoded`, its
        ``message`` the full-length one (``decoded.message is message``).
    :ivar values_dim: entries that crossed the channel per message (``k``, or ``m``).
    """

    message: torch.Tensor
    noise: Optional[torch.Tensor]
    no_eff: torch.Tensor
    sent: Transmission
    decoded: Decoded
    values_dim: int

    def error_rates(self) -> Optional[tuple[torch.Tensor, torch.Tensor]]:
        """BER and BLER [num_snr] each (:func:`~semcom.transceivers.schemes.error_rates`), `None` (analog)."""
        return error_rates(self.sent, self.decoded)

    def block_errors(self) -> Optional[tuple[np.ndarray, int]]:
        """Codewords decoded in error per SNR point ([num_snr], np.int64) and codewords sent
        per SNR point; `None` for a scheme without codewords. A codeword's samples share its
        fate: this is the count of independent decoding events."""
        if self.sent.codewords is None or self.decoded.codewords is None:
            return None
        wrong = (self.decoded.codewords != self.sent.codewords).any(-1).sum(-1)
        return wrong.cpu().numpy().astype(np.int64), int(self.sent.codewords.shape[-2])


class MessageTransmission(Block):
    r"""A message through the scheme and the channel at every SNR point, and back.

    Top-k sparsification (``top_k``) keeps the ``k`` largest-magnitude entries of each
    message; only their values cross the channel, their positions are side information
    (:mod:`semcom.transceivers.compression`) and the receiver puts the values back,
    zeros elsewhere.

    :param scheme: the :class:`~semcom.transceivers.schemes.Scheme` (its quantiser's range
        fits the message kind, :func:`~semcom.transceivers.schemes.build_scheme`).
    :param channel: the :class:`semcom.channels.ChannelModel` (channel equaliser included).
    :param top_k: entries sent per message, or `None` (default): the whole message.
    :param estimate_noise: compute the per-entry noise variance of the decoded message
        (default `True`; receivers that do not read it skip the cost).
    :param precision, device: those of the scheme and the channel.

    :input message: [batch_size, message_dim], torch.float32.
    :input no: [num_snr], torch.float32: noise power per complex symbol at each SNR point.
    :output: :class:`Received`: message [num_snr, batch_size, message_dim] torch.float32,
        noise (same shape, or `None`), no_eff [num_snr, rows, num_symbols] torch.float32,
        and what BER/BLER need.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        from semcom.transceivers.schemes import build_scheme
        from semcom.transceivers.transmission import MessageTransmission
        link = MessageTransmission(scheme=build_scheme("analog", {}, "relative"),
                                   channel=build_channel("awgn"), top_k=4)
        received = link(torch.randn(100, 16), torch.tensor([1.0, 0.01]))   # 2 SNR points
        print(received.message.shape, received.noise.shape)                 # [2, 100, 16] each
        print((received.message[0] != 0).sum(-1).max(), received.values_dim)  # 4 4
    """

    def __init__(
        self,
        *,
        scheme: Scheme,
        channel,
        top_k: Optional[int] = None,
        estimate_noise: bool = True,
        precision: Optional[str] = None,
        device: Optional[str] = None,
    ):
        super().__init__(precision=precision, device=device)
        self.scheme, self.channel, self.estimate_noise = scheme, channel, estimate_noise
        self.top_k = top_k
        self._sparsify = TopKSparsifier(top_k, precision=precision, device=device) if top_k else None
        self._desparsify = TopKDesparsifier(precision=precision, device=device) if top_k else None

    def kept(self, message_dim: int) -> int:
        """Entries of a ``message_dim``-entry message that cross the channel."""
        return self._sparsify.kept(message_dim) if self._sparsify is not None else int(message_dim)

    def send(self, message: torch.Tensor) -> Sent:
        """The transmitter's half: top-k (if set), then the scheme's encoder.

        :input message: [batch_size, message_dim], torch.float32.
        """
        message = message.to(self.device)
        values, positions = self._sparsify(message) if self._sparsify is not None else (message, None)
        return Sent(self.scheme.encode(values), positions, int(message.shape[-1]))

    def receive(self, x_hat: torch.Tensor, no_eff: torch.Tensor, sent: Sent) -> Received:
        """The receiver's half: the scheme's decoder, the noise estimate, the kept values
        put back at their positions.

        :input x_hat, no_eff: [num_snr, rows, num_symbols], torch.complex64 / torch.float32:
            the channel's output for ``sent.x``.
        """
        side = sent.transmission.side
        decoded = self.scheme.decode(x_hat, no_eff, side)  # symbols and side information only
        noise = self.scheme.message_noise(no_eff, side) if self.estimate_noise else None
        values_dim = int(decoded.message.shape[-1])
        if sent.positions is not None:  # the receiver knows the positions: scatter the k values into zeros
            if noise is not None:
                noise = sparse_message_noise(noise, decoded.message, sent.positions, sent.message_dim)
            decoded.message = self._desparsify(decoded.message, sent.positions, sent.message_dim)
        return Received(decoded.message, noise, no_eff, sent.transmission, decoded, values_dim)

    def call(self, message: torch.Tensor, no: torch.Tensor) -> Received:
        sent = self.send(message)
        x_hat, no_eff = cross_channel(self.channel, sent.x, no)
        return self.receive(x_hat, no_eff, sent)
