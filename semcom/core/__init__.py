"""What every layer shares: name registries and user-facing errors."""

from .errors import ScenarioError, SemcomInputError
from .registry import Registry, UnknownNameError, suggest

__all__ = ["Registry", "UnknownNameError", "suggest", "ScenarioError", "SemcomInputError"]
