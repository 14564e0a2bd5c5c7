"""Transmission schemes registered by name in :data:`SCHEMES` (``analog``, ``digital``; ``jscc``
in :mod:`semcom.transceivers.jscc`), and their typed settings in :mod:`~.specs` (torch-free).

A new one subclasses :class:`~.base.Scheme` in its own module here and registers itself
with ``@SCHEMES.register("name")``, its settings a spec registered under the same name in
:data:`~.specs.SCHEME_SPECS`; a built-in one is listed in :data:`~.base.BUILTIN_SCHEMES` so
the registry holds it. Names are imported on first use (PEP 562).
"""

from semcom.core.lazy import lazy_exports

_WHERE = {
    **dict.fromkeys(
        (
            "SCHEMES",
            "MESSAGE_RANGE",
            "build_scheme",
            "message_scheme",
            "Decoded",
            "Scheme",
            "SideInfo",
            "Transmission",
            "error_rates",
        ),
        ".base",
    ),
    **dict.fromkeys(("AnalogMapper", "AnalogDemapper", "AnalogScheme"), ".analog"),
    "DigitalScheme": ".digital",
}

__all__ = list(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
