"""Anchor selection strategies, registered by name in :data:`ANCHOR_STRATEGIES`."""

from .base import ANCHOR_STRATEGIES, AnchorStrategy, check_num_anchors
from .random import RandomAnchors
from .class_balanced import ClassBalancedAnchors
from .prototypical import PrototypicalAnchors, kmeans
from .farthest_point import FarthestPointAnchors
from .stratified import StratifiedAnchors
from .kernel_herding import KernelHerdingAnchors

__all__ = [
    "ANCHOR_STRATEGIES",
    "AnchorStrategy",
    "check_num_anchors",
    "RandomAnchors",
    "ClassBalancedAnchors",
    "PrototypicalAnchors",
    "FarthestPointAnchors",
    "kmeans",
    "StratifiedAnchors",
    "KernelHerdingAnchors",
]
