"""Transmission schemes registered by name in :data:`SCHEMES` (``analog``, ``digital``)."""

from .base import MESSAGE_RANGE, SCHEMES, Decoded, Scheme, SideInfo, Transmission, build_scheme, error_rates
from .analog import AnalogDemapper, AnalogMapper, AnalogScheme
from .digital import DigitalScheme

__all__ = ["SCHEMES", "MESSAGE_RANGE", "build_scheme", "Decoded", "Scheme", "SideInfo", "Transmission", "error_rates",
           "AnalogMapper", "AnalogDemapper", "AnalogScheme", "DigitalScheme"]
