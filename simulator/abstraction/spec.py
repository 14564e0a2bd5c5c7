"""What a semantic PHY abstraction is built from: :class:`AbstractionSpec`.

A system-level scenario embeds it under ``abstraction:``; a file of its own (the whole
file is the spec, or its ``abstraction:`` key) is what ``semcom abstraction build``
reads. The link-level fields (data, models, seed, device, precision, centring,
semantic-equaliser settings) may be left out and taken from the enclosing study with
:meth:`AbstractionSpec.inherit`. For example:

.. code-block:: yaml

    abstraction:
      transmitter: [mlp_small]
      receiver: mlp_wide
      num_anchors: [8, 16, 32]
      schemes: {analog: {kind: analog}, qpsk: {kind: digital, code_rate: 0.5, num_bits_per_symbol: 2}}
      bits: [4, 8]                              # digital schemes only; analog ignores it
      semantic_equalizer: relative              # or a named receiver under semantic_equalizers
      channel: {model: awgn}                    # the table's channel (AWGN by default)
      sinr_db: {start: -20, stop: 30, step: 0.5}
      calibration: {snr_db: [0, 5, 10, 15]}     # β fitted on OFDM TDL-A and CDL-C by default
      validation: {snr_db: [0, 5, 10, 15]}      # held-out Rayleigh, TDL-A, CDL-C by default

One table per (transmitter, receiver, K, anchor selection, scheme, bits, semantic
equaliser): the link-level study with those axes and ``snr_db`` = the SINR grid, run by
the link engine (:func:`semcom.simulator.link.engine.run_unit`).
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field, field_validator

from semcom.core.errors import ScenarioError
from .mappings import DEFAULT_MAPPING
from ..scenario.errors import validate_mapping
from ..link.schema import parse_scenario
from semcom.channels.specs import AWGNChannelSpec, ChannelSpec
from semcom.transceivers.schemes.specs import AnalogSchemeSpec, SchemeSpec
from .run_specs import (DEFAULT_CALIBRATION_CHANNELS, DEFAULT_VALIDATION_CHANNELS, CalibrationSpec, RefinementSpec,
                        SystemRegimeSpec, ValidationSpec)
from ..scenario.names import name_enum
from ..scenario.specs import NAMED_RECEIVER, DataSpec, HeadSpec, IntAxis, ModelSpec, NameAxis, Range, axis_validator
from semcom.core.settings import Strict as _Strict, setting_error as _axis_error

__all__ = ["AbstractionSpec", "CalibrationSpec", "ValidationSpec", "RefinementSpec", "SystemRegimeSpec",
           "parse_abstraction_spec", "spec_from_file_content", "DEFAULT_CALIBRATION_CHANNELS",
           "DEFAULT_VALIDATION_CHANNELS"]


class AbstractionSpec(_Strict):
    """The link configurations, SINR grid, calibration and validation of a table set.

    Link-level fields left out (`None`) are taken from the enclosing study by
    :meth:`inherit`; a stand-alone spec must give ``models``.
    """

    name: str = Field("abstraction", min_length=1, description="a name for messages and the output folder")
    description: str = ""
    seed: Optional[int] = Field(None, ge=0, description="base seed (default: the study's, else 0)")
    device: Optional[str] = Field(None, description="torch device of the link-level runs (default: cpu)")
    precision: Optional[str] = Field(None, description="single or double (default: single)")
    center: Optional[bool] = Field(None, description="centre relative projections (default: the study's)")
    heads: Optional[HeadSpec] = Field(None, description="L2 strength of the receivers' heads (default: the "
                                      "study's, else cross-validated)")
    data: Optional[DataSpec] = Field(None, description="dataset and splits (default: the study's)")
    models: Optional[dict[str, ModelSpec]] = Field(None, description="agents (default: the study's models)")
    schemes: dict[str, SchemeSpec] = Field(default_factory=lambda: {"analog": AnalogSchemeSpec()},
                                           min_length=1, description="named schemes (analog, digital with "
                                           "code_rate / num_bits_per_symbol / block_length)")
    semantic_equalizers: Optional[dict[str, dict[str, Any]]] = Field(
        None, description="settings per semantic equaliser / named receivers (default: the study's)")
    transmitter: NameAxis = Field(..., description="transmitter model name(s)")
    receiver: NameAxis = Field(..., description="receiver model name(s)")
    num_anchors: IntAxis = Field(..., description="the K of the tables")
    anchor_selection: NameAxis = Field("random", description="anchor strategy (strategies) of the tables",
                                       json_schema_extra=name_enum("anchor selection"))
    scheme: Union[NameAxis, None] = Field(None, description="names from `schemes` (default: all)")
    bits: Union[list[Optional[int]], int, None] = Field(None, description="quantisation bits of digital schemes")
    semantic_equalizer: NameAxis = Field("relative", description="semantic equaliser(s) or named receiver(s)",
                                         json_schema_extra=name_enum("semantic equalizer", NAMED_RECEIVER))
    channel: ChannelSpec = Field(default_factory=AWGNChannelSpec, description="the table's channel (AWGN default)")
    sinr_db: Range = Field(default_factory=lambda: Range(start=-20.0, stop=30.0, step=0.5),
                           description="the table's SINR grid [dB]")
    scheme_sinr_db: dict[str, Range] = Field(default_factory=dict, description="a grid of its own for some "
                                             "schemes, e.g. {qpsk: {start: -6, stop: 10, step: 0.5}} for a "
                                             "digital scheme's waterfall (the others use sinr_db)")
    mapping: dict[str, Literal["mean_noise", "eesm"]] = Field(
        default_factory=lambda: dict(DEFAULT_MAPPING), description="the effective-SINR mapping of each scheme kind "
        "(analog: mean_noise, digital: eesm by default)")
    refine: Optional[RefinementSpec] = Field(None, description="evaluate the grid coarsely, then bisect where "
                                             "accuracy changes, e.g. {coarse_step: 2, tolerance: 0.02}; null: every "
                                             "grid point")
    codeword_per_message: bool = Field(False, description="digital schemes: each message (one sample) is coded in "
                                       "codewords of its own (block_length = K x bits), as a system study sends "
                                       "them; false: the scheme's block_length, several samples per codeword")
    n_samples: Optional[int] = Field(None, ge=1, description="at least this many decisions per grid point: the "
                                     "test set passes ceil(n_samples / test size) times with independent noise "
                                     "(default: once)")
    calibration: CalibrationSpec = Field(default_factory=CalibrationSpec)
    validation: Optional[ValidationSpec] = Field(default_factory=ValidationSpec,
                                                 description="held-out check; null skips it")

    _names = axis_validator("transmitter", "receiver", "anchor_selection", "semantic_equalizer", kind="name")
    _scheme = axis_validator("scheme", kind="name", optional=True)
    _k = axis_validator("num_anchors", kind="int")
    _bits = axis_validator("bits", kind="bits")

    # -- the enclosing study -----------------------------------------------------------
    def inherit(self, study: Any = None) -> AbstractionSpec:
        """A copy with every unset link-level field taken from ``study`` (any object with
        ``seed``, ``device``, ``precision``, ``center``, ``data``, ``models``,
        ``semantic_equalizers``, ``heads`` attributes, e.g. a scenario), then from the defaults."""
        d = self.model_dump()
        defaults = dict(seed=0, device="cpu", precision="single", center=False, data=DataSpec().model_dump(),
                        heads=HeadSpec().model_dump(), models=None, semantic_equalizers={})
        for name, default in defaults.items():
            if d.get(name) is None:
                value = getattr(study, name, None) if study is not None else None
                if hasattr(value, "model_dump"):
                    value = value.model_dump()
                elif isinstance(value, dict):
                    value = {k: (v.model_dump() if hasattr(v, "model_dump") else v) for k, v in value.items()}
                d[name] = default if value is None else value
        return type(self).model_validate(d)

    @field_validator("mapping")
    @classmethod
    def _mapping_kinds(cls, v):
        for kind in v:
            if kind not in DEFAULT_MAPPING:
                raise _axis_error(f"names scheme kind {kind!r}", f"use {' or '.join(DEFAULT_MAPPING)}")
        return v

    def mapping_of(self, scheme_kind: str) -> str:
        """The effective-SINR mapping of a table of ``scheme_kind``."""
        return {**DEFAULT_MAPPING, **self.mapping}.get(scheme_kind, "eesm")

    def scheme_names(self) -> list[str]:
        """The schemes tabulated (``scheme``, default every one of ``schemes``)."""
        v = self.scheme
        return list(self.schemes) if v is None else ([v] if isinstance(v, str) else list(v))

    def grids(self) -> list[tuple[list[float], list[str]]]:
        """(SINR grid, schemes) groups: schemes with their own ``scheme_sinr_db`` grid, the rest on ``sinr_db``."""
        out: dict[tuple, list[str]] = {}
        for name in self.scheme_names():
            grid = self.scheme_sinr_db.get(name, self.sinr_db)
            out.setdefault(tuple(grid.values()), []).append(name)
        return [(list(g), names) for g, names in out.items()]

    def table_runs(self) -> list[tuple[list[float], list[str], Optional[int], Optional[int]]]:
        """(SINR grid, schemes, K, bits) of every link study the tables come from: one per grid
        (:meth:`grids`, every K and bits), and with ``codeword_per_message`` one per (K, bits) of each
        scheme that codes in codewords (its block length depends on them); K and bits `None`: the axes."""
        runs = []
        for grid, names in self.grids():
            own = [n for n in names if self.codeword_per_message and self.schemes[n].has_block_length]
            if len(own) < len(names):
                runs.append((grid, [n for n in names if n not in own], None, None))
            for name in own:
                sc = self.link_scenario(schemes=[name])
                runs += [(grid, [name], int(k), b) for k in sc.axis("num_anchors") for b in sc.axis("bits")]
        return runs

    def unit_scenario(self, unit, channel: Optional[dict] = None, snr_db: Optional[list[float]] = None,
                      name_suffix: str = ""):
        """The link-level study of one table unit alone (its scheme, K and bits; the block length
        its table was built with)."""
        return self.link_scenario(channel, snr_db, name_suffix, schemes=[unit.scheme], num_anchors=unit.num_anchors,
                                  bits=unit.bits)

    def link_scenario(self, channel: Optional[dict] = None, snr_db: Optional[list[float]] = None,
                      name_suffix: str = "", schemes: Optional[list[str]] = None, num_anchors: Optional[int] = None,
                      bits: Optional[int] = None):
        """The link-level study of these tables (or of a calibration / validation run: ``channel``,
        ``snr_db``; ``schemes``: only these; ``num_anchors``, ``bits``: only this K and bits, a scheme that
        codes in codewords then sized to one sample with ``codeword_per_message``). Needs a resolved
        spec (:meth:`inherit`)."""
        if self.models is None:
            raise ScenarioError("abstraction.models", None, "is not given and no study to take it from",
                                "give `models:` (or embed the spec in a study that has them)")
        ch = channel if channel is not None else self.channel.model_dump()
        names = self.scheme_names() if schemes is None else list(schemes)
        settings = {k: v.model_dump() for k, v in self.schemes.items()}
        if self.codeword_per_message and num_anchors is not None:
            for name in names:
                if self.schemes[name].has_block_length:     # K·bits information bits: one codeword per message
                    b = bits if bits is not None else settings[name].get("bits", 8)
                    settings[name]["block_length"] = int(min(max(int(num_anchors) * int(b), 12), 8448))
        raw = dict(
            name=f"{self.name}{name_suffix}", seed=self.seed, device=self.device, precision=self.precision,
            center=self.center, heads=self.heads.model_dump(exclude_none=True), data=self.data.model_dump(),
            models={k: v.model_dump(exclude_none=True) for k, v in self.models.items()},
            channels={"table": ch}, schemes=settings, semantic_equalizers=self.semantic_equalizers or {},
            sweep=dict(snr_db=list(snr_db) if snr_db is not None else self.sinr_db.values(),
                       transmitter=self.transmitter, receiver=self.receiver, channel="table",
                       scheme=self.scheme if schemes is None else list(schemes),
                       num_anchors=self.num_anchors if num_anchors is None else [int(num_anchors)],
                       anchor_selection=self.anchor_selection,
                       bits=(self.bits if bits is None else [int(bits)]) if self._quantises(names) else None,
                       semantic_equalizer=self.semantic_equalizer))
        return parse_scenario(raw, "abstraction")

    def _quantises(self, names: list[str]) -> bool:
        """Whether one of the schemes ``names`` quantises (``bits`` applies to those only)."""
        return any(self.schemes[name].quantises for name in names if name in self.schemes)


#: Top-level keys of a study that an embedded ``abstraction:`` section inherits when it leaves them out.
INHERITED_KEYS = ("seed", "device", "precision", "center", "heads", "data", "models", "semantic_equalizers")


def spec_from_file_content(raw: Any, source: str = "abstraction") -> AbstractionSpec:
    """The spec of a YAML file's content: its ``abstraction:`` section (unset link-level
    fields from the file's top level, :data:`INHERITED_KEYS`), or the whole file (which may
    say ``kind: abstraction``)."""
    if isinstance(raw, dict) and "abstraction" in raw:
        section = raw["abstraction"]
        if not isinstance(section, dict):
            raise ScenarioError("abstraction", type(section).__name__, "must be a mapping of keys to values",
                                "see the example in semcom.simulator.abstraction.spec")
        merged = {k: raw[k] for k in INHERITED_KEYS if k in raw and section.get(k) is None}
        merged.update(section)
        if "name" not in merged and isinstance(raw.get("name"), str):
            merged["name"] = raw["name"]
        return parse_abstraction_spec(merged, source)
    if isinstance(raw, dict) and raw.get("kind") == "abstraction":
        raw = {k: v for k, v in raw.items() if k != "kind"}
    return parse_abstraction_spec(raw, source)


def parse_abstraction_spec(raw: Any, source: str = "abstraction") -> AbstractionSpec:
    """Validate a mapping into an :class:`AbstractionSpec` (one line per problem, fields named
    ``abstraction.*``)."""
    return validate_mapping(AbstractionSpec, raw, source, "see the example in semcom.simulator.abstraction.spec",
                            prefix="abstraction")
