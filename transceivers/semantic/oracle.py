"""`oracle`: the receiver holds the transmitter's own model (upper bound)."""

from .base import SEMANTIC_EQUALIZERS
from .relative import RelativeEqualizer


@SEMANTIC_EQUALIZERS.register("oracle")
class OracleEqualizer(RelativeEqualizer):
    """Decodes the received relative representation with a head trained on the
    *transmitter's* relative space: no semantic mismatch, only channel impairments.
    Options as :class:`~.relative.RelativeEqualizer` (the LMMSE prior is the transmitter's
    own relative representations of the pool, which the oracle holds).
    """

    cache_name = "oracle"

    def own_space(self, link):
        return link.tx
