"""Wireless channel models on Sionna 2.x, with one SNR convention (:mod:`semcom.channels.snr`).

A new channel model is a :class:`semcom.channels.base.ChannelModel` (shapes in its
docstring) registered by name in :data:`CHANNELS`, and its typed settings, a spec in
:mod:`~.specs` registered under the same name in :data:`~.specs.CHANNEL_SPECS`: the one place
each setting is declared, which the Block validates through and scenario files parse with.
Both may live in a module or folder of their own (a built-in one here, listed in
:data:`~.base.BUILTIN_MODELS`; a user's anywhere, imported before the scenario is read).
Channel estimation and equalisation
live in :mod:`~.pilots` and :mod:`~.equalization`, Shannon references in :mod:`~.capacity`.
:mod:`~.slot_fading` is flat block fading whose coefficients the caller sets (network links, a
system study's link-level reference).

Names are imported on first use (PEP 562): ``semcom.channels.specs`` loads without torch.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""

from semcom.core.lazy import lazy_exports

_WHERE = {
    "Registry": "semcom.core.registry",
    "UnknownNameError": "semcom.core.registry",
    "suggest": "semcom.core.registry",
    **dict.fromkeys(("snr_db_to_no", "no_to_snr_db", "ebno_db_to_snr_db", "snr_db_to_ebno_db"), ".snr"),
    **dict.fromkeys(
        ("CHANNELS", "CSI_MODES", "EQUALIZERS", "ChannelModel", "ChannelSettingError", "build_channel"),
        ".base",
    ),
    "AWGNChannel": ".awgn",
    "RayleighBlockFadingChannel": ".rayleigh",
    "MIMOFlatFadingChannel": ".mimo",
    "OFDMTDLChannel": ".ofdm_tdl",
    "OFDMCDLChannel": ".ofdm_cdl",
}

__all__ = list(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
