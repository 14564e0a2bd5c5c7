"""`none`: no semantic equalisation (shows the mismatch between latent spaces)."""

import torch

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("none")
class NoEqualizer(SemanticEqualizer):
    """The transmitter's absolute latent goes straight into the receiver's absolute
    head; a latent of another size is zero-padded or truncated to fit."""

    message = "absolute"

    def __init__(self, link, access=None, **settings):
        super().__init__(link, access=access)
        self.head = link.absolute_head(link.rx)

    def __call__(self, message, noise=None):
        d_rx = self.link.rx.latent_dim
        d = message.shape[-1]
        if d < d_rx:
            message = torch.nn.functional.pad(message, (0, d_rx - d))
        return self.head(message[..., :d_rx])
