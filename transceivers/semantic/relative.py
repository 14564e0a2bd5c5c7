"""`relative`: zero-shot decoding of relative representations (Moschella et al. 2022)."""

from .base import SEMANTIC_EQUALIZERS
from .channel_aware import ChannelAwareEqualizer


@SEMANTIC_EQUALIZERS.register("relative")
class RelativeEqualizer(ChannelAwareEqualizer):
    """The receiver's head, trained on its *own* relative representations over the same
    anchors, is applied unchanged to the transmitter's received relative representation.
    No pair-specific fitting at all.

    :param denoise: ``none`` or ``lmmse`` (prior: the receiver's own relative
        representations of its pool; see :mod:`.channel_aware`).
    :param head: ``clean``, ``matched`` or a list of SNRs [dB] (see :mod:`.channel_aware`).
    :param head_draws: noise draws per pool message for a noise-trained head.
    """

    message = "relative"

    def __init__(self, link, denoise: str = "none", head="clean", head_draws: int = 4, access=None,
                 **settings):
        super().__init__(link, access=access)
        own = link.relative(link.rx, link.pool_idx)
        self.setup_receiver(own, link.relative_head(link.rx), ("relative", link.rx.name, link.rx.fingerprint,
                            link.pool_idx, link.anchor_idx, link.center), denoise, head, head_draws)
