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
    :param message_anchors: relative message over the first ``m`` anchors only (see :mod:`.channel_aware`).

    :input message: [num_snr, batch_size, num_anchors], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    message = "relative"
    #: names the receiver in its heads' cache keys
    cache_name = "relative"

    def own_space(self, link):
        """The latent space whose relative representations train the head and form the prior."""
        return link.rx

    def retrieval_keys(self, idx):
        """The own space's relative representations of samples ``idx``: [len(idx), num_anchors]."""
        return self.link.relative(self.own_space(self.link), idx)

    def fit(self, link, access=None):
        link = self.message_link(link)
        super().fit(link, access)
        own = self.own_space(link)
        self.setup_receiver(
            link.relative(own, link.pool_idx),
            link.relative_head(own),
            (self.cache_name, own.name, own.fingerprint, link.pool_idx, link.anchor_idx, link.center),
        )
        return self
