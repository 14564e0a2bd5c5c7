"""The settings of every channel model, typed (torch-free): the one place each setting is
declared, with its type, default, bounds and description.

Each channel model's spec registers in :data:`CHANNEL_SPECS` under the model's name, beside
its Block's registration in :data:`semcom.channels.CHANNELS`; the Block validates its
keyword settings through it (:attr:`semcom.channels.base.ChannelModel.Spec`), and a
scenario's ``channels`` parse through :data:`ChannelSpec`, a union over the registry looked
up while parsing, so a misspelt setting, a wrong type or an out-of-range value is refused
with the field named, and ``semcom schema`` lists every model's own settings. A new model
is one module (or folder) holding its spec and its Block, each registered. A model
registered by a user without a spec parses as :class:`UserChannelSpec` (its Block checks
its settings).

A spec serialises (:meth:`~pydantic.BaseModel.model_dump`) to ``model``, ``csi``,
``equalizer`` and the settings *written* in the scenario, as the untyped spec did: a
study's identity hashes that dump, so folders run before the settings were typed still
resume. :meth:`ChannelSpecBase.settings` gives every setting, defaults included.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Optional

from pydantic import Field, TypeAdapter

from semcom.core.registry import Registry
from semcom.core.settings import NoBool, Strict, WrittenSettings, number, registry_union, user_spec_config

__all__ = [
    "ChannelSpecBase",
    "AWGNChannelSpec",
    "RayleighChannelSpec",
    "FlatFadingChannelSpec",
    "MIMOChannelSpec",
    "OFDMChannelSpec",
    "OFDMTDLChannelSpec",
    "OFDMCDLChannelSpec",
    "UserChannelSpec",
    "CHANNEL_SPECS",
    "ChannelSpec",
    "channel_spec",
]

#: The typed spec of every channel model, by its registered name (a user's model registers
#: its own: ``@CHANNEL_SPECS.register("name")``).
CHANNEL_SPECS: Registry[type[ChannelSpecBase]] = Registry("channel model")


class ChannelSpecBase(WrittenSettings, Strict):
    """Settings every channel model takes: how the receiver knows and undoes the channel."""

    selector: ClassVar[str] = "model"
    always: ClassVar[tuple[str, ...]] = ("csi", "equalizer")  # dumped at their defaults (they always were)
    model: str
    csi: Literal["perfect", "ls"] = Field(
        "perfect",
        description="perfect CSI, or least-squares estimates from pilots (their cost counted in the rate)",
    )
    equalizer: Literal["zf", "lmmse"] = Field("lmmse", description="zf or lmmse (Sionna's equalisers)")


@CHANNEL_SPECS.register("awgn")
class AWGNChannelSpec(ChannelSpecBase):
    """``model: awgn`` (:class:`semcom.channels.AWGNChannel`)."""

    model: Literal["awgn"] = "awgn"


@CHANNEL_SPECS.register("rayleigh")
class RayleighChannelSpec(ChannelSpecBase):
    """``model: rayleigh``, block fading, one transmit antenna
    (:class:`semcom.channels.RayleighBlockFadingChannel`)."""

    model: Literal["rayleigh"]
    num_rx_ant: int = Field(
        1, ge=1, examples=[1, 2, 4], description="receive antennas (maximum-ratio combining)"
    )
    coherence_symbols: Optional[int] = Field(
        None, ge=1, examples=[64], description="symbols per fading block (default: one block per message)"
    )
    num_pilots: int = Field(1, ge=1, examples=[1, 2, 4], description="pilot symbols per block (csi: ls)")


class FlatFadingChannelSpec(RayleighChannelSpec):
    """Flat block fading with ``num_tx_ant`` spatially multiplexed streams
    (:class:`semcom.channels.flat_fading.FlatFadingChannelModel`; the Block of a network link,
    :class:`semcom.channels.slot_fading.SlotFadingChannel`): Rayleigh's settings and the streams."""

    model: str = "flat_fading"
    num_tx_ant: int = Field(1, ge=1, examples=[1, 2, 4], description="transmit antennas (streams)")


@CHANNEL_SPECS.register("mimo")
class MIMOChannelSpec(FlatFadingChannelSpec):
    """``model: mimo``, spatial multiplexing over flat fading
    (:class:`semcom.channels.MIMOFlatFadingChannel`)."""

    model: Literal["mimo"]
    num_tx_ant: int = Field(2, ge=1, examples=[2, 4], description="transmit antennas (streams)")
    num_rx_ant: int = Field(2, ge=1, examples=[2, 4], description="receive antennas (>= num_tx_ant)")


class OFDMChannelSpec(ChannelSpecBase):
    """Settings of the OFDM resource grid (:class:`semcom.channels.ofdm.OFDMChannelModel`)."""

    num_tx_ant: int = Field(1, ge=1, examples=[1, 2], description="transmit antennas (streams)")
    num_rx_ant: int = Field(1, ge=1, examples=[1, 2, 4], description="receive antennas (>= num_tx_ant)")
    fft_size: int = Field(72, ge=1, examples=[72], description="subcarriers (72 = 6 resource blocks)")
    num_ofdm_symbols: int = Field(14, ge=1, examples=[14], description="OFDM symbols per slot")
    subcarrier_spacing: number(gt=0) = Field(
        30e3, examples=[15e3, 30e3], description="subcarrier spacing [Hz]"
    )
    pilot_ofdm_symbol_indices: list[Annotated[int, Field(ge=0)]] = Field(
        [2, 11], min_length=1, examples=[[2, 11]], description="OFDM symbols carrying pilots"
    )
    interpolation: Literal["nn", "lin"] = Field("lin", description="interpolation of the LS estimates")
    num_guard_carriers: list[Annotated[int, Field(ge=0)]] = Field(
        [0, 0],
        min_length=2,
        max_length=2,
        examples=[[0, 0], [5, 6]],
        description="unused subcarriers [left, right]",
    )
    dc_null: bool = Field(False, description="leave the DC subcarrier unused")
    delay_spread: number(gt=0) = Field(1e-7, examples=[30e-9, 300e-9], description="RMS delay spread [s]")
    carrier_frequency: number(gt=0) = Field(3.5e9, examples=[3.5e9], description="carrier frequency [Hz]")
    speed: number(ge=0, lt=1000) = Field(3.0, examples=[3.0, 30.0], description="user speed [m/s]")


@CHANNEL_SPECS.register("ofdm-tdl")
class OFDMTDLChannelSpec(OFDMChannelSpec):
    """``model: ofdm-tdl``, a 3GPP 38.901 TDL model (:class:`semcom.channels.OFDMTDLChannel`)."""

    model: Literal["ofdm-tdl"]
    tdl_model: Literal["A", "B", "C", "D", "E"] = Field("A", description="3GPP TDL model")


@CHANNEL_SPECS.register("ofdm-cdl")
class OFDMCDLChannelSpec(OFDMChannelSpec):
    """``model: ofdm-cdl``, a 3GPP 38.901 CDL model (:class:`semcom.channels.OFDMCDLChannel`)."""

    model: Literal["ofdm-cdl"]
    cdl_model: Literal["A", "B", "C", "D", "E"] = Field("C", description="3GPP CDL model")
    num_rx_ant: int = Field(4, ge=1, examples=[4], description="receive antennas (>= num_tx_ant)")


class UserChannelSpec(WrittenSettings, NoBool):
    """A model registered in :data:`~semcom.channels.CHANNELS` by the user without a spec (or
    a misspelt name: the semantic checks say which); its settings are the Block's to check."""

    model_config = user_spec_config(
        "model",
        CHANNEL_SPECS,
        ("semcom.channels.base", "CHANNELS"),
        "a channel model you registered in semcom.channels.CHANNELS (before building the schema)",
    )
    selector: ClassVar[str] = "model"
    always: ClassVar[tuple[str, ...]] = ("csi", "equalizer")
    model: str
    csi: Literal["perfect", "ls"] = "perfect"
    equalizer: Literal["zf", "lmmse"] = "lmmse"


#: A channel of a scenario, typed by its ``model`` (annotation of ``channels: dict[str, ChannelSpec]``).
ChannelSpec = registry_union("model", CHANNEL_SPECS, UserChannelSpec, default="awgn")


_CHANNEL_ADAPTER = TypeAdapter(ChannelSpec)


def channel_spec(**settings: Any) -> ChannelSpecBase | UserChannelSpec:
    """The typed spec of ``settings`` (``model`` and the model's settings; ``awgn`` by default).

    .. code-block:: python

        from semcom.channels.specs import channel_spec
        spec = channel_spec(model="rayleigh", csi="ls")
        print(spec.num_pilots)       # 1
        print(spec.model_dump())     # {'model': 'rayleigh', 'csi': 'ls', 'equalizer': 'lmmse'}
    """
    return _CHANNEL_ADAPTER.validate_python(settings)  # the scenario's own union picks the spec
