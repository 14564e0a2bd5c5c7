"""Uniform b-bit scalar quantisation of real messages, to bits and back.

Each value is clipped to ``[-scale, scale]`` and mapped to one of ``2^b`` levels
(mid-rise: the cell centres ``-scale + (i + 1/2) * 2 scale / 2^b``), written as ``b``
bits, most significant bit first (natural binary). Relative representations are
cosines, so ``scale = 1`` loses nothing to clipping. The maximum reconstruction
error of an unclipped value is half a cell, ``scale / 2^b``.
"""

from __future__ import annotations

from typing import Optional

import torch
from sionna.phy import Block

from semcom.core.errors import SemcomInputError

__all__ = ["UniformQuantizer", "UniformDequantizer", "check_bits"]


def check_bits(bits) -> int:
    """``bits`` as an int in 1..16, else a :class:`SemcomInputError` naming the field."""
    if (
        isinstance(bits, bool)
        or not isinstance(bits, (int, float))
        or int(bits) != bits
        or not 1 <= bits <= 16
    ):
        raise SemcomInputError(
            f"scheme.bits: must be a whole number between 1 and 16 (got {bits!r}); "
            "use e.g. 4 or 8 (sweep.bits)"
        )
    return int(bits)


class UniformQuantizer(Block):
    r"""Real values → ``bits`` bits per value (clipped uniform quantisation).

    :param bits: Bits per value, 1..16.

    :input message: [batch_size, message_dim], torch.float32.
    :input scale: [batch_size, 1] or scalar, torch.float32. Half-width of the range.

    :output bits: [batch_size, message_dim * bits], torch.float32 in {0, 1}.

    .. code-block:: python

        import torch
        from semcom.transceivers.quantization import UniformQuantizer, UniformDequantizer
        q, dq = UniformQuantizer(3), UniformDequantizer(3)
        b = q(torch.tensor([[-1.0, 0.1, 0.99]]), 1.0)
        print(b.shape, dq(b, 1.0))     # [1, 9], tensor([[-0.8750, 0.1250, 0.8750]])
    """

    def __init__(
        self, bits: int = 8, precision: Optional[str] = None, device: Optional[str] = None, **kwargs
    ):
        super().__init__(precision=precision, device=device, **kwargs)
        self.bits = check_bits(bits)
        self._weights = 2 ** torch.arange(self.bits - 1, -1, -1, device=self.device)  # MSB first

    def call(self, message: torch.Tensor, scale) -> torch.Tensor:
        levels = 2**self.bits
        u = (message / scale + 1.0) * 0.5 * levels  # [0, levels]
        index = torch.floor(u).clamp(0, levels - 1).to(torch.int64)  # clip
        b = (index.unsqueeze(-1) // self._weights) % 2  # [batch, m, bits]
        return b.flatten(-2).to(self.dtype)


class UniformDequantizer(Block):
    r"""Bits → the centres of the quantisation cells (inverse of :class:`UniformQuantizer`).

    :input bits: [..., message_dim * bits], torch.float32 (or any 0/1 tensor).
    :input scale: broadcastable to [..., 1], torch.float32.

    :output message: [..., message_dim], torch.float32.
    """

    def __init__(
        self, bits: int = 8, precision: Optional[str] = None, device: Optional[str] = None, **kwargs
    ):
        super().__init__(precision=precision, device=device, **kwargs)
        self.bits = check_bits(bits)
        self._weights = 2 ** torch.arange(self.bits - 1, -1, -1, device=self.device)

    def call(self, bits: torch.Tensor, scale) -> torch.Tensor:
        b = bits.reshape(*bits.shape[:-1], -1, self.bits).to(torch.int64)
        index = (b * self._weights).sum(-1)
        levels = 2**self.bits
        return ((index.to(self.dtype) + 0.5) / levels * 2.0 - 1.0) * scale
