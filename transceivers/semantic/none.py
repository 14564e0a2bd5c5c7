"""`none`: no semantic equalisation (shows the mismatch between latent spaces)."""

import torch

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("none")
class NoEqualizer(SemanticEqualizer):
    """The transmitter's absolute latent goes straight into the receiver's absolute
    head; a latent of another size is zero-padded or truncated to fit."""

    message = "absolute"

    def fit(self, link, access=None):
        super().fit(link, access)
        self.head = link.absolute_head(link.rx)
        return self

    def fitted(self, message):
        """The latent zero-padded or truncated to the receiver's size."""
        d_rx = self.link.rx.latent_dim
        d = message.shape[-1]
        if d < d_rx:
            message = torch.nn.functional.pad(message, (0, d_rx - d))
        return message[..., :d_rx]

    def call(self, message, noise=None):
        return self.head(self.fitted(message))

    def retrieval_query(self, message, noise=None):
        return self.fitted(message)

    def retrieval_keys(self, idx):
        return self.link.rx.latents[idx]
