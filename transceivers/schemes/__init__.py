"""Transmission schemes registered by name in :data:`SCHEMES` (``analog``, ``digital``).

A new one subclasses :class:`~.base.Scheme` in its own module here and registers itself
with ``@SCHEMES.register("name")``; import it below so the registry holds it.
"""

from .base import (MESSAGE_RANGE, SCHEMES, Decoded, Scheme, SideInfo, Transmission, build_scheme, error_rates,
                   message_scheme)
from .analog import AnalogDemapper, AnalogMapper, AnalogScheme
from .digital import DigitalScheme

__all__ = ["SCHEMES", "MESSAGE_RANGE", "build_scheme", "message_scheme", "Decoded", "Scheme", "SideInfo", "Transmission", "error_rates",
           "AnalogMapper", "AnalogDemapper", "AnalogScheme", "DigitalScheme"]
