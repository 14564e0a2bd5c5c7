"""Transmission schemes registered by name in :data:`SCHEMES` (``analog``, ``digital``)."""

from .base import SCHEMES, Decoded, Scheme
from .analog import AnalogDemapper, AnalogMapper, AnalogScheme
from .digital import DigitalScheme

__all__ = ["SCHEMES", "Decoded", "Scheme", "AnalogMapper", "AnalogDemapper", "AnalogScheme", "DigitalScheme"]
