"""Wireless channel models on Sionna 2.x, with one SNR convention (:mod:`semcom.channels.snr`).

A new channel model is a :class:`semcom.channels.base.ChannelModel` (explicit keyword
settings, shapes in its docstring) in its own module here, registered by name in
:data:`CHANNELS` so scenario files can select it; channel estimation and equalisation
live in :mod:`~.pilots` and :mod:`~.equalization`, Shannon references in :mod:`~.capacity`. :mod:`~.slot_fading` is flat block fading whose
coefficients the caller sets (network links, a system study's link-level reference).

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""

from semcom.core.registry import Registry, UnknownNameError, suggest
from .snr import snr_db_to_no, no_to_snr_db, ebno_db_to_snr_db, snr_db_to_ebno_db
from .base import CHANNELS, CSI_MODES, EQUALIZERS, ChannelModel, ChannelSettingError
from .awgn import AWGNChannel
from .rayleigh import RayleighBlockFadingChannel
from .mimo import MIMOFlatFadingChannel
from .ofdm_tdl import OFDMTDLChannel
from .ofdm_cdl import OFDMCDLChannel

__all__ = ["Registry", "UnknownNameError", "suggest", "snr_db_to_no", "no_to_snr_db",
           "ebno_db_to_snr_db", "snr_db_to_ebno_db", "CHANNELS",
           "CSI_MODES", "EQUALIZERS", "ChannelModel", "ChannelSettingError", "AWGNChannel",
           "RayleighBlockFadingChannel", "MIMOFlatFadingChannel", "OFDMTDLChannel", "OFDMCDLChannel",
           "build_channel"]


def build_channel(name: str, precision=None, device=None, **settings) -> ChannelModel:
    """Instantiate the channel model registered as ``name`` with its settings."""
    return CHANNELS.get(name)(precision=precision, device=device, **settings)
