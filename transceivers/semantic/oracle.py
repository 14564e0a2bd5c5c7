"""`oracle`: the receiver holds the transmitter's own model (upper bound)."""

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("oracle")
class OracleEqualizer(SemanticEqualizer):
    """Decodes the received relative representation with a head trained on the
    *transmitter's* relative space: no semantic mismatch, only channel impairments."""

    message = "relative"

    def __init__(self, link, **settings):
        super().__init__(link)
        self.head = link.relative_head(link.tx)

    def __call__(self, message):
        return self.head(message)
