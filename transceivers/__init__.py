"""Everything an agent does, one concept per module: latent sources (:mod:`~.agents`,
:mod:`~.datasets`, :mod:`~.encoders`, :mod:`~.latent_files`, :mod:`~.pretrained`,
:mod:`~.user_encoder`), anchors (:mod:`~.anchors`), relative projection
(:mod:`~.relative`), compression (:mod:`~.compression`, :mod:`~.quantization`), symbol
mapping (:mod:`~.schemes`: a new transmission scheme registers in
:data:`~.schemes.SCHEMES`), semantic equalisation (:mod:`~.semantic`: a new semantic
equalizer registers in :data:`~.semantic.SEMANTIC_EQUALIZERS`), task heads
(:mod:`~.heads`, :mod:`~.head_selection`) and the link two agents share (:mod:`~.link`).
A new channel model goes into :mod:`semcom.channels`. Names are imported on first use (PEP
562): :mod:`~.schemes.specs` loads without torch; the registries import the modules that
register their built-in entries when first read.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""

from semcom.core.lazy import lazy_exports

_WHERE = {
    "SemcomInputError": "semcom.core.errors",
    **dict.fromkeys(("DATASETS", "Dataset", "load_dataset", "split_indices"), ".datasets"),
    **dict.fromkeys(("LATENT_SOURCES", "LatentSpace", "build_latent_space"), ".agents"),
    "ANCHOR_STRATEGIES": ".anchors",
    "RelativeProjection": ".relative",
    **dict.fromkeys(("SCHEMES", "Decoded", "Scheme"), ".schemes"),
    **dict.fromkeys(("TaskHead", "fit_head"), ".heads"),
    "LinkSetup": ".link",
    **dict.fromkeys(("SEMANTIC_EQUALIZERS", "SemanticEqualizer"), ".semantic"),
}

__all__ = list(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
