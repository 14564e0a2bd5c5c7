"""Scenario pieces every kind of study shares: strict models, sweep axes, data, agents,
channels, schemes, figures, and :class:`StudyBase` (what every study has).

A kind of study (:mod:`semcom.simulator.kinds`) builds its scenario on :class:`StudyBase`
and its sweep on :class:`CommonSweepAxes`; axis values get one clear error each
(:func:`_check_axis`) before pydantic's union matching.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal, Optional, Union

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from semcom.channels.specs import AWGNChannelSpec, ChannelSpec
from semcom.transceivers.schemes.specs import AnalogSchemeSpec, SchemeSpec
from semcom.core.settings import NoBool as _NoBool, Strict as _Strict, is_number as _is_number
from semcom.core.settings import setting_error as _axis_error
from .names import name_enum, registered_names
from .repeats import refuse_repeats, refuse_rounded_repeats

__all__ = ["NAMED_RECEIVER", "receiver_settings_schema",
           "Range", "DataSpec", "HeadSpec", "ModelSpec", "ChannelSpec", "SchemeSpec", "FigureSpec",
           "LogDistancePathLoss", "FloatAxis",
           "IntAxis",
           "NameAxis", "CommonSweepAxes", "StudyBase"]


#: Most values one sweep axis takes (a list or a range): more points than any figure resolves.
MAX_AXIS_VALUES = 10_000


class Range(_Strict):
    """An arithmetic sweep axis: ``start``, ``start + step``, ... up to and including ``stop``."""

    start: float
    stop: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _not_empty(self):
        for name in ("start", "stop", "step"):
            if not math.isfinite(getattr(self, name)):
                raise _axis_error(f"{name} must be a finite number (got {getattr(self, name)})",
                                  "use finite numbers")
        if self.stop < self.start:
            raise _axis_error(f"is an empty range: stop {self.stop:g} < start {self.start:g}",
                              "make stop >= start")
        if (self.stop - self.start) / self.step >= MAX_AXIS_VALUES:
            raise _axis_error(f"has {int((self.stop - self.start) / self.step) + 1} values (> {MAX_AXIS_VALUES})",
                              "use a larger step")
        return self

    def values(self) -> list[float]:
        n = int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1
        if n < 1:
            raise ValueError(f"empty range: stop {self.stop} < start {self.start}")
        return [round(self.start + i * self.step, 10) for i in range(n)]


class DataSpec(_Strict):
    """Which dataset every agent encodes (one shared sample order)."""

    dataset: str = Field("digits", description="registered dataset: digits (bundled), mnist, cifar10, latents",
                         json_schema_extra=name_enum("dataset"))
    path: Optional[str] = Field(None, description="folder (mnist, cifar10) holding the files")
    limit: Optional[int] = Field(None, ge=10, description="use only the first `limit` samples")
    test_fraction: float = Field(0.3, gt=0.0, lt=1.0, description="share of samples held out for transmission")
    train_fraction: float = Field(0.4, ge=0.0, lt=1.0,
                                  description="share of samples zoo encoders (and pca) train on, disjoint from "
                                              "the pool of anchors and heads and from the test set; 0 trains "
                                              "them on the pool; unused (pool keeps it) when no agent trains")
    split_seed: int = Field(0, ge=0)


class HeadSpec(_Strict):
    """Every head's L2 strength (absolute, relative, noise-trained heads, heads under LMMSE).

    ``weight_decay: cv`` (the default) selects it per head by ``folds``-fold
    cross-validation on the head's own training data (the receiver's pool; for a
    noise-trained head, its pool messages after the simulated link), never on the test
    set, from ``grid`` (default: :data:`semcom.transceivers.heads.WEIGHT_DECAY_GRID`,
    1e-5 ... 1e-1 in half-decade steps); a number fixes it and skips the selection.
    """

    weight_decay: Union[Literal["cv"], float] = Field(
        "cv", description="cv (selected by cross-validation on the receiver's own pool) or a fixed L2 strength "
                          ">= 0 (mean cross-entropy + weight_decay * |W|^2; 1e-3 is about scikit-learn's C=1)")
    grid: Optional[list[float]] = Field(None, min_length=1, description="candidate strengths for cv (default "
                                        "1e-5, 3e-5, ..., 3e-2, 1e-1)")
    folds: int = Field(3, ge=2, le=20, description="folds of the cross-validation (stratified, from the seed)")

    @field_validator("weight_decay")
    @classmethod
    def _finite(cls, v):
        if v != "cv" and not (math.isfinite(v) and v >= 0):
            raise _axis_error(f"{v!r} is not a valid strength", "use cv or a finite number >= 0 such as 0.001")
        return v

    @field_validator("grid")
    @classmethod
    def _grid(cls, v):
        if v is not None and any(not (math.isfinite(g) and g >= 0) for g in v):
            raise _axis_error(f"{v!r} holds a value that is not a finite number >= 0",
                              "use strengths such as [0.0001, 0.001, 0.01]")
        return v

    def regularization(self):
        """The :class:`semcom.transceivers.heads.HeadRegularization` this spec asks for."""
        # lazy: the scenario model loads no torch
        from semcom.transceivers.head_selection import HeadRegularization, WEIGHT_DECAY_GRID

        if self.weight_decay != "cv":
            return HeadRegularization(weight_decay=float(self.weight_decay))
        return HeadRegularization(grid=tuple(self.grid or WEIGHT_DECAY_GRID), folds=self.folds)


class ModelSpec(_NoBool):
    """One agent. ``kind`` picks the latent source; the other keys are its settings."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(..., description="the agent's latent source (a registered model kind)",
                      json_schema_extra=name_enum("model kind"))
    latent_dim: Optional[int] = Field(None, ge=1)
    seed: int = Field(0, ge=0)


class FigureSpec(_Strict):
    """How plots are drawn (never changes results: left out of the study's identity)."""

    width: Literal["single", "double"] = Field("double", description="printed width: single (3.5 in, one "
                                               "IEEE/ACM column) or double (7.16 in, both columns)")


#: What a sweep's semantic equaliser may name besides a registered one.
NAMED_RECEIVER = "a named receiver defined under `semantic_equalizers:` (with `equalizer: <registered name>`)"


def receiver_settings_schema(schema: dict) -> None:
    """``semantic_equalizers``' schema: per name, its settings, and a named receiver's ``equalizer``."""
    schema["additionalProperties"] = {"type": "object", "properties": {"equalizer": {
        "enum": registered_names("semantic equalizer"),
        "description": "a named receiver's semantic equaliser (its other keys are that equaliser's settings)"}}}


FloatAxis = Union[Range, list[float], float]
IntAxis = Union[Range, list[int], int]
NameAxis = Union[list[str], str]


def _check_axis(value: Any, kind: str) -> Any:
    """Give axis values one clear error each, before pydantic's union matching.

    ``kind`` is ``"float"``, ``"int"`` or ``"name"``. Ranges are left to :class:`Range`.
    """
    if kind != "name" and isinstance(value, dict):
        if kind == "int":     # a range of whole numbers, rounded as StudyBase.axis rounds it
            try:
                values = Range.model_validate(value).values()
            except ValidationError:     # Range words what is wrong with it
                values = []
            refuse_rounded_repeats(values, value.get("step"))
        return value
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        raise _axis_error("is an empty list", "give at least one value")
    if isinstance(value, list) and len(value) > MAX_AXIS_VALUES:
        raise _axis_error(f"has {len(value)} values (> {MAX_AXIS_VALUES})", "sweep fewer points")
    what = {"float": "a number", "int": "a whole number", "name": "a name"}[kind]
    example = {"float": "[0, 10, 20] or {start: 0, stop: 20, step: 5}", "int": "[4, 8, 16]",
               "name": "a name or a list of names"}[kind]
    for i, x in enumerate(items):
        at = f"entry [{i}] " if isinstance(value, list) else ""
        if kind == "name":
            ok = isinstance(x, str) and x != ""
        elif kind == "int":
            ok = (_is_number(x) and float(x).is_integer()) if not isinstance(x, float) or math.isfinite(x) else False
        else:
            ok = _is_number(x)
        if not ok:
            raise _axis_error(f"{at}{x!r} is not {what}", _yaml_number_fix(x) or f"use {example}")
        if kind == "float" and not math.isfinite(float(x)):
            raise _axis_error(f"{at}{x!r} is not a finite number", "use finite SNR values in dB")
    refuse_repeats(items)
    if kind == "int":
        return [int(x) for x in items] if isinstance(value, list) else int(value)
    return value


def _yaml_number_fix(x: Any) -> str | None:
    """YAML 1.1 reads ``1e9`` as text (a number needs a dot: ``1.0e+9``): say so."""
    try:
        value = float(x) if isinstance(x, str) else None
    except ValueError:
        return None
    if value is None or not math.isfinite(value):
        return None
    return f"YAML reads {x} as text: write it as {value:.1e}".replace("e+0", "e+").replace("e-0", "e-")


def finite_validator(*fields: str, example: str):
    """A validator refusing NaN and infinities in ``fields`` (pydantic's float takes them),
    reused by every study's schema; ``example`` is the fix offered."""
    def check(cls, v):
        if not math.isfinite(v):
            raise _axis_error(f"{v!r} is not a finite number", example)
        return v
    return field_validator(*fields)(classmethod(check))


class LogDistancePathLoss(_Strict):
    """The mean SNR of a link at distance ``d``: ``reference_snr_db - 10 exponent log10(d /
    reference_distance_m)``; the network kind's links (``network.path_loss``, which adds
    shadowing) and a system study's ``single_site`` topology (for the agreement with them)."""

    reference_snr_db: float = Field(20.0, description="mean Es/N0 at the reference distance [dB]")
    reference_distance_m: float = Field(10.0, gt=0, description="distance of reference_snr_db [m]")
    exponent: float = Field(3.0, ge=0, le=8, description="path-loss exponent")

    _finite_path_loss = finite_validator("reference_snr_db", example="use e.g. 20")


def axis_validator(*fields: str, kind: str, optional: bool = False):
    """A before-validator of sweep axes ``fields`` (values of ``kind``: "name", "int" or
    "float"; see :func:`_check_axis`), reused by every study's schema. ``optional`` lets
    `None` through (an axis the study defaults); ``kind="bits"`` also lets through a list
    holding `None` (analog units of a bits sweep)."""
    def check(cls, v):
        if v is None and optional:
            return v
        if kind == "bits":
            if isinstance(v, list) and any(x is None for x in v):
                refuse_repeats(v)
                return v
            return v if v is None else _check_axis(v, "int")
        return _check_axis(v, kind)
    return field_validator(*fields, mode="before")(classmethod(check))


class CommonSweepAxes(_Strict):
    """Sweep axes every kind of study has: a list, a scalar, or a ``{start, stop, step}`` range."""

    num_anchors: IntAxis = Field(..., description="number of anchors K")
    semantic_equalizer: NameAxis = Field(["relative", "none", "oracle"],
                                         json_schema_extra=name_enum("semantic equalizer", NAMED_RECEIVER))
    anchor_selection: NameAxis = Field("random", json_schema_extra=name_enum("anchor selection"))
    bits: Union[list[Optional[int]], int, None] = Field(None, description="quantisation bits (digital)")
    seed: Union[IntAxis, None] = Field(None, description="seed(s); default: the scenario's `seed`")

    _int_axis = axis_validator("num_anchors", "seed", kind="int", optional=True)
    _name_axis = axis_validator("semantic_equalizer", "anchor_selection", kind="name")
    _bits_axis = axis_validator("bits", kind="bits")


class StudyBase(_Strict):
    """What every kind of study has: identity, seed, device, data, agents, channels, scheme."""

    name: str = Field(..., min_length=1)
    description: str = ""
    seed: int = Field(0, ge=0, description="base seed of every random draw")
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0 ...")
    precision: Literal["single", "double"] = "single"
    center: bool = Field(False, description="centre relative projections on the anchor mean")
    heads: HeadSpec = Field(default_factory=HeadSpec, description="L2 strength of every head: cv (selected on "
                            "the receiver's own pool) or fixed, e.g. {weight_decay: 0.0001}")
    data: DataSpec = Field(default_factory=DataSpec)
    models: dict[str, ModelSpec] = Field(..., min_length=1)
    channels: dict[str, ChannelSpec] = Field(default_factory=lambda: {"awgn": AWGNChannelSpec()})
    scheme: SchemeSpec = Field(default_factory=AnalogSchemeSpec, description="the scheme of a one-scheme study")
    semantic_equalizers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="settings per semantic equaliser, e.g. {inverse: {ridge: 0.01}}, or "
        "named receivers, e.g. {strong: {equalizer: inverse, ridge: 1.0}}", json_schema_extra=receiver_settings_schema)
    figure: FigureSpec = Field(default_factory=FigureSpec, description="plot settings (width)")

    #: Sweep axes whose range values are whole numbers (rounded when a range expands).
    INTEGER_AXES: ClassVar[tuple[str, ...]] = ("num_anchors", "seed")

    def axis(self, name: str) -> list:
        """Sweep axis ``name`` as a plain list (ranges expanded, scalars wrapped)."""
        v = getattr(self.sweep, name)
        if name == "seed" and v is None:
            return [self.seed]
        if isinstance(v, Range):
            vals = v.values()
            return [int(round(x)) for x in vals] if name in self.INTEGER_AXES else vals
        if v is None or not isinstance(v, list):
            return [v]
        return list(v)

