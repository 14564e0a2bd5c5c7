"""A scenario's channels, typed: one spec per channel model, selected by its ``model`` key.

:data:`ChannelSpec` is a pydantic discriminated union over :data:`CHANNEL_SPECS` (one
class per model registered in :data:`semcom.channels.CHANNELS`), so a misspelt setting,
a wrong type or an out-of-range value is refused while parsing, with the field named,
and ``semcom schema`` lists every model's own settings. The Blocks keep their own checks
(the Python API has no scenario); a test holds every spec's settings and defaults
against its Block's keyword arguments. A model registered by a user without a spec
parses as :class:`UserChannelSpec` (settings unchecked here; the Block checks them when a
kind's semantic checks build it).

A spec serialises (:meth:`~pydantic.BaseModel.model_dump`) to ``model``, ``csi``,
``equalizer`` and the settings *written* in the scenario, as the untyped spec did: a
study's identity hashes that dump, so folders run before the settings were typed still
resume. :meth:`ChannelSpecBase.settings` gives every setting, defaults included.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Optional

from pydantic import ConfigDict, Field, TypeAdapter

from .strict import NoBool, Strict, WrittenSettings, number, tagged_union

__all__ = ["ChannelSpecBase", "AWGNChannelSpec", "RayleighChannelSpec", "MIMOChannelSpec", "OFDMTDLChannelSpec",
           "OFDMCDLChannelSpec", "UserChannelSpec", "CHANNEL_SPECS", "ChannelSpec", "channel_spec"]


class ChannelSpecBase(WrittenSettings, Strict):
    """Settings every channel model takes: how the receiver knows and undoes the channel."""

    selector: ClassVar[str] = "model"
    always: ClassVar[tuple[str, ...]] = ("csi", "equalizer")   # dumped at their defaults (they always were)
    model: str
    csi: Literal["perfect", "ls"] = Field("perfect", description="perfect CSI, or least-squares estimates from "
                                          "pilots (their cost counted in the rate)")
    equalizer: Literal["zf", "lmmse"] = Field("lmmse", description="zf or lmmse (Sionna's equalisers)")


class AWGNChannelSpec(ChannelSpecBase):
    """``model: awgn`` (:class:`semcom.channels.AWGNChannel`)."""

    model: Literal["awgn"] = "awgn"


class RayleighChannelSpec(ChannelSpecBase):
    """``model: rayleigh``, block fading, one transmit antenna (:class:`semcom.channels.RayleighBlockFadingChannel`)."""

    model: Literal["rayleigh"]
    num_rx_ant: int = Field(1, ge=1, examples=[1, 2, 4], description="receive antennas (maximum-ratio combining)")
    coherence_symbols: Optional[int] = Field(None, ge=1, examples=[64], description="symbols per fading block (default: one "
                                             "block per message)")
    num_pilots: int = Field(1, ge=1, examples=[1, 2, 4], description="pilot symbols per block (csi: ls)")


class MIMOChannelSpec(RayleighChannelSpec):
    """``model: mimo``, spatial multiplexing over flat fading (:class:`semcom.channels.MIMOFlatFadingChannel`)."""

    model: Literal["mimo"]
    num_tx_ant: int = Field(2, ge=1, examples=[2, 4], description="transmit antennas (streams)")
    num_rx_ant: int = Field(2, ge=1, examples=[2, 4], description="receive antennas (>= num_tx_ant)")


class _OFDMChannelSpec(ChannelSpecBase):
    """Settings of the OFDM resource grid (:class:`semcom.channels.ofdm.OFDMChannelModel`)."""

    num_tx_ant: int = Field(1, ge=1, examples=[1, 2], description="transmit antennas (streams)")
    num_rx_ant: int = Field(1, ge=1, examples=[1, 2, 4], description="receive antennas (>= num_tx_ant)")
    fft_size: int = Field(72, ge=1, examples=[72], description="subcarriers (72 = 6 resource blocks)")
    num_ofdm_symbols: int = Field(14, ge=1, examples=[14], description="OFDM symbols per slot")
    subcarrier_spacing: number(gt=0) = Field(30e3, examples=[15e3, 30e3], description="subcarrier spacing [Hz]")
    pilot_ofdm_symbol_indices: list[Annotated[int, Field(ge=0)]] = Field(
        [2, 11], min_length=1, examples=[[2, 11]], description="OFDM symbols carrying pilots")
    interpolation: Literal["nn", "lin"] = Field("lin", description="interpolation of the LS estimates")
    num_guard_carriers: list[Annotated[int, Field(ge=0)]] = Field(
        [0, 0], min_length=2, max_length=2, examples=[[0, 0], [5, 6]], description="unused subcarriers [left, right]")
    dc_null: bool = Field(False, description="leave the DC subcarrier unused")
    delay_spread: number(gt=0) = Field(1e-7, examples=[30e-9, 300e-9], description="RMS delay spread [s]")
    carrier_frequency: number(gt=0) = Field(3.5e9, examples=[3.5e9], description="carrier frequency [Hz]")
    speed: number(ge=0, lt=1000) = Field(3.0, examples=[3.0, 30.0], description="user speed [m/s]")


class OFDMTDLChannelSpec(_OFDMChannelSpec):
    """``model: ofdm-tdl``, a 3GPP 38.901 TDL model (:class:`semcom.channels.OFDMTDLChannel`)."""

    model: Literal["ofdm-tdl"]
    tdl_model: Literal["A", "B", "C", "D", "E"] = Field("A", description="3GPP TDL model")


class OFDMCDLChannelSpec(_OFDMChannelSpec):
    """``model: ofdm-cdl``, a 3GPP 38.901 CDL model (:class:`semcom.channels.OFDMCDLChannel`)."""

    model: Literal["ofdm-cdl"]
    cdl_model: Literal["A", "B", "C", "D", "E"] = Field("C", description="3GPP CDL model")
    num_rx_ant: int = Field(4, ge=1, examples=[4], description="receive antennas (>= num_tx_ant)")


#: The typed spec of every built-in channel model, by its registered name.
CHANNEL_SPECS: dict[str, type[ChannelSpecBase]] = {
    "awgn": AWGNChannelSpec, "rayleigh": RayleighChannelSpec, "mimo": MIMOChannelSpec,
    "ofdm-tdl": OFDMTDLChannelSpec, "ofdm-cdl": OFDMCDLChannelSpec}


class UserChannelSpec(WrittenSettings, NoBool):
    """A model registered in :data:`~semcom.channels.CHANNELS` by the user (or a misspelt
    name: the semantic checks say which); its settings are the Block's to check."""

    model_config = ConfigDict(extra="allow", json_schema_extra={
        "properties": {"model": {"type": "string", "not": {"enum": sorted(CHANNEL_SPECS)},
                                 "description": "a channel model you registered in semcom.channels.CHANNELS"}}})
    selector: ClassVar[str] = "model"
    always: ClassVar[tuple[str, ...]] = ("csi", "equalizer")
    model: str
    csi: Literal["perfect", "ls"] = "perfect"
    equalizer: Literal["zf", "lmmse"] = "lmmse"


#: A channel of a scenario, typed by its ``model`` (annotation of ``channels: dict[str, ChannelSpec]``).
ChannelSpec = tagged_union("model", CHANNEL_SPECS, UserChannelSpec, default="awgn")


_CHANNEL_ADAPTER = TypeAdapter(ChannelSpec)


def channel_spec(**settings: Any) -> ChannelSpecBase | UserChannelSpec:
    """The typed spec of ``settings`` (``model`` and the model's settings; ``awgn`` by default).

    .. code-block:: python

        from semcom.simulator.scenario.channel_specs import channel_spec
        spec = channel_spec(model="rayleigh", csi="ls")
        print(spec.num_pilots, spec.model_dump())   # 1 {'model': 'rayleigh', 'csi': 'ls', 'equalizer': 'lmmse'}
    """
    return _CHANNEL_ADAPTER.validate_python(settings)   # the scenario's own union picks the spec

