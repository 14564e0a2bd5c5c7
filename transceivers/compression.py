"""Top-k sparsification of messages: keep the ``k`` largest-magnitude entries.

Used on the relative representation ``r [N, K]`` (scenario setting
``compression: {top_k: k}``, ``k <= K``); absolute messages are sent whole. The
transmitter sends the ``k`` kept *values* through the transmission scheme (analog
symbols or quantised bits) and their *positions* as side information. The positions
of one sample are one of ``C(m, k)`` subsets of the ``m`` message entries, so they
cost

    ``index_bits(m, k) = ceil(log2(C(m, k)))`` bits per sample

(the enumerative code of the subset: the fewest whole bits that name it, e.g. 8 of 64
anchors: 33 bits, against ``k·ceil(log2 m)`` = 48 bits for plain indices). They are
counted in ``bits_per_sample`` and assumed delivered without error (a protected
header); the values bear all channel impairments. The receiver puts the received
values back at their positions and zeros elsewhere (one ``scatter`` over the whole
batch, every SNR point at once). With the analog scheme ``k`` values take
``ceil(k / 2)`` complex channel uses instead of ``ceil(K / 2)``; with the digital one
``k·b`` quantised bits plus the index bits.

(b-bit quantisation, the other compression knob, is :mod:`semcom.transceivers.quantization`,
used by the digital scheme; the number of anchors K is the third.)
"""

from __future__ import annotations

import math
from typing import Optional

import torch
from sionna.phy import Block

from semcom.core.errors import SemcomInputError

__all__ = ["TopKSparsifier", "TopKDesparsifier", "index_bits", "check_top_k"]


def check_top_k(top_k) -> int:
    """``top_k`` as an int >= 1, else a :class:`SemcomInputError` naming the field."""
    if isinstance(top_k, bool) or not isinstance(top_k, (int, float)) or int(top_k) != top_k or top_k < 1:
        raise SemcomInputError(
            f"compression.top_k: must be a whole number >= 1 (got {top_k!r}); "
            "use e.g. 8, or leave it out to send every entry"
        )
    return int(top_k)


def index_bits(message_dim: int, k: int) -> int:
    """Bits naming which ``k`` of ``message_dim`` entries are kept: ``ceil(log2 C(m, k))``.

    >>> index_bits(64, 8), index_bits(16, 16), index_bits(16, 1)
    (33, 0, 4)
    """
    k = min(int(k), int(message_dim))
    count = math.comb(int(message_dim), k)
    return (count - 1).bit_length()  # = ceil(log2(count)) for integers, exact for any size


class TopKSparsifier(Block):
    r"""Keep the ``k`` entries of largest magnitude of each message.

    A message with ``k >= message_dim`` passes unchanged (all entries kept, in order).
    Ties are broken by position (lowest index first), so the result is deterministic.

    :param top_k: ``k``, entries kept per message.

    :input message: [batch_size, message_dim], torch.float32.

    :output values: [batch_size, min(k, message_dim)], torch.float32, kept entries in
        increasing position order.
    :output positions: [batch_size, min(k, message_dim)], torch.int64, their positions.

    .. code-block:: python

        import torch
        from semcom.transceivers.compression import TopKSparsifier, TopKDesparsifier
        values, pos = TopKSparsifier(2)(torch.tensor([[0.1, -0.9, 0.5, 0.2]]))
        print(values, pos)                                  # [[-0.9, 0.5]], [[1, 2]]
        print(TopKDesparsifier()(values, pos, 4))           # [[0.0, -0.9, 0.5, 0.0]]
    """

    def __init__(self, top_k: int, precision: Optional[str] = None, device: Optional[str] = None, **kwargs):
        super().__init__(precision=precision, device=device, **kwargs)
        self.top_k = check_top_k(top_k)

    def kept(self, message_dim: int) -> int:
        """Entries sent per message of ``message_dim`` entries."""
        return min(self.top_k, int(message_dim))

    def call(self, message: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        m = message.shape[-1]
        k = self.kept(m)
        if k == m:
            positions = torch.arange(m, device=message.device).expand(message.shape)
            return message, positions
        # stable descending sort by magnitude: equal magnitudes keep position order
        order = torch.sort(message.abs(), dim=-1, descending=True, stable=True).indices[..., :k]
        positions = torch.sort(order, dim=-1).values
        return torch.gather(message, -1, positions), positions


class TopKDesparsifier(Block):
    r"""Received kept values back at their positions, zeros elsewhere.

    :input values: [..., batch_size, k], torch.float32 (e.g. one row per SNR point).
    :input positions: [batch_size, k], torch.int64 (side information, error-free).
    :input message_dim: int, ``m``.

    :output message: [..., batch_size, message_dim], torch.float32.
    """

    def call(self, values: torch.Tensor, positions: torch.Tensor, message_dim: int) -> torch.Tensor:
        if values.shape[-1] == message_dim:
            return values
        out = values.new_zeros(*values.shape[:-1], message_dim)
        return out.scatter(-1, positions.expand(values.shape), values)
