"""`oracle`: the receiver holds the transmitter's own model (upper bound)."""

from .base import SEMANTIC_EQUALIZERS
from .channel_aware import ChannelAwareEqualizer


@SEMANTIC_EQUALIZERS.register("oracle")
class OracleEqualizer(ChannelAwareEqualizer):
    """Decodes the received relative representation with a head trained on the
    *transmitter's* relative space: no semantic mismatch, only channel impairments.

    :param denoise: ``none`` or ``lmmse`` (prior: the transmitter's own relative
        representations of the pool, which the oracle holds).
    :param head: ``clean``, ``matched`` or a list of SNRs [dB] (see :mod:`.channel_aware`).
    :param head_draws: noise draws per pool message for a noise-trained head.
    """

    message = "relative"

    def __init__(self, link, denoise: str = "none", head="clean", head_draws: int = 4, access=None,
                 **settings):
        super().__init__(link, access=access)
        own = link.relative(link.tx, link.pool_idx)
        self.setup_receiver(own, link.relative_head(link.tx), ("oracle", link.tx.name, link.tx.fingerprint,
                            link.pool_idx, link.anchor_idx, link.center), denoise, head, head_draws)
