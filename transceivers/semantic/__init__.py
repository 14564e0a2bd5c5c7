"""Semantic equalisers registered by name in :data:`SEMANTIC_EQUALIZERS`.

A new one subclasses :class:`~.base.SemanticEqualizer` (explicit keyword settings,
refused in one line when unknown; :meth:`~.base.SemanticEqualizer.fit` on the link;
shapes in its docstring) in its own module here and registers itself with
``@SEMANTIC_EQUALIZERS.register("name")``; import it below so the registry holds it.
"""

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer, build_equalizer, resolve_equalizer
from .relative import RelativeEqualizer
from .oracle import OracleEqualizer
from .none import NoEqualizer
from .inverse import InverseEqualizer
from .aligned import AlignedEqualizer
from .whitened_procrustes import WhitenedProcrustesEqualizer
from .cca import CCAEqualizer, SVCCAEqualizer
from .kernel_ridge import KernelRidgeEqualizer
from .residual_kernel import ResidualKernelEqualizer
from .mlp_aligner import MLPAlignerEqualizer

__all__ = [
    "SEMANTIC_EQUALIZERS",
    "SemanticEqualizer",
    "build_equalizer",
    "resolve_equalizer",
    "RelativeEqualizer",
    "OracleEqualizer",
    "NoEqualizer",
    "InverseEqualizer",
    "AlignedEqualizer",
    "WhitenedProcrustesEqualizer",
    "CCAEqualizer",
    "SVCCAEqualizer",
    "KernelRidgeEqualizer",
    "ResidualKernelEqualizer",
    "MLPAlignerEqualizer",
]
