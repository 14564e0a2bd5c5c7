"""The settings of every transmission scheme, typed (torch-free): the one place each setting is
declared, with its type, default, bounds and description.

Each scheme's spec registers in :data:`SCHEME_SPECS` under the scheme's name, beside its
Block's registration in :data:`semcom.transceivers.schemes.SCHEMES`; the Block validates its
keyword settings through it (:attr:`semcom.transceivers.schemes.base.Scheme.Spec`), and a
scenario's ``scheme``/``schemes`` parse through :data:`SchemeSpec`, a union over the registry
looked up while parsing, as :mod:`semcom.channels.specs` does for channels. A spec dumps the
settings *written* (``kind`` always), so a study's identity is what it was before the
settings were typed. Whether a scheme quantises (``sweep.bits`` applies) or takes a
codeword length is a property of its spec, not of a constructor signature.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import Field, StrictBool, TypeAdapter

from semcom.core.registry import Registry
from semcom.core.settings import NoBool, Strict, WrittenSettings, number, registry_union, user_spec_config

__all__ = [
    "SchemeSpecBase",
    "AnalogSchemeSpec",
    "DigitalSchemeSpec",
    "JSCCSchemeSpec",
    "UserSchemeSpec",
    "SCHEME_SPECS",
    "SchemeSpec",
    "scheme_spec",
]

#: The typed spec of every scheme, by its registered name (a user's scheme registers its own).
SCHEME_SPECS: Registry[type[SchemeSpecBase]] = Registry("transmission scheme")


class SchemeSpecBase(WrittenSettings, Strict):
    """What every scheme spec declares."""

    selector: ClassVar[str] = "kind"
    kind: str
    #: Whether the scheme quantises messages (``bits`` and ``sweep.bits`` apply).
    quantises: ClassVar[bool] = False
    #: Whether the scheme codes messages in codewords of ``block_length`` information bits.
    has_block_length: ClassVar[bool] = False


@SCHEME_SPECS.register("analog")
class AnalogSchemeSpec(SchemeSpecBase):
    """``kind: analog``: the message's values as the real and imaginary parts of symbols
    (:class:`semcom.transceivers.schemes.AnalogScheme`); no settings."""

    kind: Literal["analog"] = "analog"


@SCHEME_SPECS.register("digital")
class DigitalSchemeSpec(SchemeSpecBase):
    """``kind: digital``: quantise, 5G LDPC-code, QAM-map
    (:class:`semcom.transceivers.schemes.DigitalScheme`)."""

    kind: Literal["digital"]
    quantises: ClassVar[bool] = True
    has_block_length: ClassVar[bool] = True
    bits: int = Field(
        8, ge=1, le=16, examples=[4, 8], description="quantisation bits per value (sweep.bits overrides)"
    )
    code_rate: number(gt=0, lt=1) = Field(0.5, examples=[0.5], description="LDPC code rate")
    num_bits_per_symbol: Optional[int] = Field(
        None,
        examples=[2, 4],
        description="bits per QAM symbol, even "
        "2..10 (Sionna's name); default 2 (QPSK); alias: modulation_order",
    )
    modulation_order: Optional[int] = Field(
        None,
        examples=[4, 16],
        description="alias of num_bits_per_symbol "
        "given as the QAM order 2**num_bits_per_symbol: 4, 16, 64, 256 or "
        "1024; give one of the two",
    )
    block_length: int = Field(
        1024, ge=12, le=8448, examples=[1024], description="information bits per codeword"
    )
    num_iter: int = Field(20, ge=1, examples=[20], description="belief-propagation iterations (at most)")
    value_range: Union[Literal["auto"], number(gt=0)] = Field(
        "auto",
        examples=["auto", 1.0],
        description="the quantiser's range: auto (1 for relative messages, "
        "per-sample for absolute) or a positive number",
    )
    early_stop: StrictBool = Field(True, description="stop decoding a codeword once its parity checks hold")


@SCHEME_SPECS.register("jscc")
class JSCCSchemeSpec(SchemeSpecBase):
    """``kind: jscc``: a deep joint source-channel code trained end to end
    (:class:`semcom.transceivers.jscc.JSCCScheme`)."""

    kind: Literal["jscc"]
    num_channel_uses: Union[
        Annotated[int, Field(ge=1)], Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
    ] = Field(
        16,
        examples=[16, [4, 8, 16, 32]],
        description="complex symbols per sample, or a list of them (one unit each)",
    )
    train_snr_db: Union[number(), Annotated[list[number()], Field(min_length=1, max_length=2)]] = Field(
        10.0,
        examples=[10, [0, 20]],
        description="training SNR [dB]: a value or a range [low, high] drawn per batch",
    )
    max_epochs: int = Field(100, ge=1, examples=[100])
    patience: int = Field(
        8, ge=1, examples=[8], description="epochs without a better validation loss before stopping"
    )
    batch_size: int = Field(64, ge=1, examples=[64])
    lr: number(gt=0) = Field(1e-3, examples=[0.001], description="Adam learning rate")
    val_fraction: number(gt=0, lt=0.5) = Field(
        0.15, examples=[0.15], description="share of the train split held out for early stopping"
    )
    decoder_width: int = Field(128, ge=1, examples=[128])
    decoder_depth: int = Field(
        0, ge=0, examples=[0, 1], description="hidden layers of the decoder (0: linear)"
    )


class UserSchemeSpec(WrittenSettings, NoBool):
    """A scheme registered by the user without a spec (or a misspelt kind: the semantic checks
    say which); its settings are the Block's to check."""

    model_config = user_spec_config(
        "kind",
        SCHEME_SPECS,
        ("semcom.transceivers.schemes.base", "SCHEMES"),
        "a scheme you registered in semcom.transceivers.schemes.SCHEMES (before building the schema)",
    )
    selector: ClassVar[str] = "kind"
    kind: str
    quantises: ClassVar[bool] = False
    has_block_length: ClassVar[bool] = False


#: A scheme of a scenario, typed by its ``kind`` (annotation of ``scheme`` and ``schemes``).
SchemeSpec = registry_union("kind", SCHEME_SPECS, UserSchemeSpec, default="analog")


_SCHEME_ADAPTER = TypeAdapter(SchemeSpec)


def scheme_spec(**settings: Any) -> SchemeSpecBase | UserSchemeSpec:
    """The typed spec of ``settings`` (``kind`` and the scheme's settings; ``analog`` by default).

    .. code-block:: python

        from semcom.transceivers.schemes.specs import scheme_spec
        spec = scheme_spec(kind="digital", modulation_order=16)
        print(spec.bits, spec.quantises)   # 8 True
        print(spec.model_dump())           # {'kind': 'digital', 'modulation_order': 16}
    """
    return _SCHEME_ADAPTER.validate_python(settings)  # the scenario's own union picks the spec
