"""`relative`: zero-shot decoding of relative representations (Moschella et al. 2022)."""

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("relative")
class RelativeEqualizer(SemanticEqualizer):
    """The receiver's head, trained on its *own* relative representations over the same
    anchors, is applied unchanged to the transmitter's received relative representation.
    No pair-specific fitting at all."""

    message = "relative"

    def __init__(self, link, **settings):
        super().__init__(link)
        self.head = link.relative_head(link.rx)

    def __call__(self, message):
        return self.head(message)
