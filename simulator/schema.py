"""The scenario schema: what a study YAML may say, validated before anything runs.

Structural checks (types, ranges, unknown keys) are pydantic's; semantic checks (a
receiver that names no model, an unknown channel, K larger than the anchor pool)
are in :func:`check_scenario`. Every failure becomes one :class:`ScenarioError`
whose message names the field path, the bad value and the fix.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from channels.registry import suggest
from .errors import ScenarioError

__all__ = ["Scenario", "Range", "load_scenario", "parse_scenario", "check_scenario", "json_schema"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class Range(_Strict):
    """An arithmetic sweep axis: ``start``, ``start + step``, ... up to and including ``stop``."""

    start: float
    stop: float
    step: float = Field(gt=0)

    def values(self) -> list[float]:
        n = int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1
        if n < 1:
            raise ValueError(f"empty range: stop {self.stop} < start {self.start}")
        return [round(self.start + i * self.step, 10) for i in range(n)]


class DataSpec(_Strict):
    """Which dataset every agent encodes (one shared sample order)."""

    dataset: str = Field("digits", description="registered dataset: digits (bundled), mnist, cifar10, latents")
    path: Optional[str] = Field(None, description="folder (mnist, cifar10) holding the files")
    limit: Optional[int] = Field(None, ge=10, description="use only the first `limit` samples")
    test_fraction: float = Field(0.3, gt=0.0, lt=1.0, description="share of samples held out for transmission")
    split_seed: int = Field(0, ge=0)


class ModelSpec(BaseModel):
    """One agent. ``kind`` picks the latent source; the other keys are its settings."""

    model_config = ConfigDict(extra="allow")
    kind: str
    latent_dim: Optional[int] = Field(None, ge=1)
    seed: int = Field(0, ge=0)


class ChannelSpec(BaseModel):
    """One channel configuration. ``model`` picks the channel; other keys are its settings."""

    model_config = ConfigDict(extra="allow")
    model: str = "awgn"
    csi: Literal["perfect", "ls"] = "perfect"
    equalizer: Literal["zf", "lmmse"] = "lmmse"


class SchemeSpec(BaseModel):
    """How messages become symbols: ``analog`` or ``digital`` (with its settings)."""

    model_config = ConfigDict(extra="allow")
    kind: str = "analog"


FloatAxis = Union[Range, list[float], float]
IntAxis = Union[Range, list[int], int]
NameAxis = Union[list[str], str]


class SweepSpec(_Strict):
    """Sweep axes: a list, a scalar (one value), or a ``{start, stop, step}`` range."""

    snr_db: FloatAxis = Field(..., description="Es/N0 per complex channel use [dB]")
    num_anchors: IntAxis = Field(..., description="number of anchors K")
    transmitter: NameAxis = Field(..., description="model name(s) from `models`")
    receiver: NameAxis = Field(..., description="model name(s) from `models`")
    semantic_equalizer: NameAxis = Field(["relative", "none", "oracle"])
    anchor_selection: NameAxis = Field("random")
    channel: NameAxis = Field("awgn", description="name(s) from `channels`")
    bits: Union[list[Optional[int]], int, None] = Field(None, description="quantisation bits (digital)")
    seed: IntAxis = Field(0)

    @field_validator("snr_db")
    @classmethod
    def _finite_snr(cls, v):
        values = v.values() if isinstance(v, Range) else ([v] if isinstance(v, (int, float)) else v)
        if len(values) == 0:
            raise ValueError("needs at least one SNR value")
        for x in values:
            if not math.isfinite(x):
                raise ValueError(f"SNR values must be finite numbers, got {x}")
        return v


class Scenario(_Strict):
    """A link-level study."""

    name: str = Field(..., min_length=1)
    description: str = ""
    kind: Literal["link"] = "link"
    seed: int = Field(0, ge=0, description="base seed of every random draw")
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0 ...")
    precision: Literal["single", "double"] = "single"
    center: bool = Field(False, description="centre relative projections on the anchor mean")
    chunk_size: int = Field(65536, ge=1, description="test samples per batched pass (bounds memory)")
    data: DataSpec = Field(default_factory=DataSpec)
    models: dict[str, ModelSpec]
    channels: dict[str, ChannelSpec] = Field(default_factory=lambda: {"awgn": ChannelSpec()})
    scheme: SchemeSpec = Field(default_factory=SchemeSpec)
    semantic_equalizers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="settings per semantic equaliser, e.g. {inverse: {ridge: 0.01}}")
    sweep: SweepSpec

    # -- sweep axes as plain lists ---------------------------------------------------
    def axis(self, name: str) -> list:
        v = getattr(self.sweep, name)
        if isinstance(v, Range):
            vals = v.values()
            return [int(round(x)) for x in vals] if name in ("num_anchors", "seed") else vals
        if v is None or not isinstance(v, list):
            return [v]
        return list(v)


# -- errors ---------------------------------------------------------------------------

def _fields_of(model: type[BaseModel], loc: tuple) -> list[str]:
    """Known field names at ``loc`` (for did-you-mean suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            current = None
            break
        ann = field.annotation
        current = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    return list(getattr(current, "model_fields", {}) or [])


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("list[float]", "list[int]", "list[str]", "float", "int", "str", "Range",
                      "list[Optional[int]]", "none", "function-after[_finite_snr(), union]"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "scenario"


def _error_from_pydantic(exc: ValidationError) -> ScenarioError:
    errors = exc.errors()
    # the most specific error first: unknown keys, then missing, then the rest
    errors.sort(key=lambda e: (e["type"] != "extra_forbidden", e["type"] != "missing", len(e["loc"])))
    err = errors[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in (
        "Range", "float", "int", "str", "none", "list[float]", "list[int]", "list[str]"))))
    field = _format_loc(loc)
    if err["type"] == "extra_forbidden":
        known = _fields_of(Scenario, loc)
        return ScenarioError(field, None, "unknown key" + suggest(str(loc[-1]), known),
                             f"remove it or use one of: {', '.join(known)}" if known else "remove it")
    if err["type"] == "missing":
        return ScenarioError(field, None, "is required", "add it (see `semcom schema`)")
    return ScenarioError(field, err.get("input"), err["msg"].replace("Value error, ", ""),
                         "fix the value (see `semcom schema`)")


def parse_scenario(raw: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping (parsed YAML) into a :class:`Scenario`."""
    if not isinstance(raw, dict):
        raise ScenarioError(source, type(raw).__name__, "must be a YAML mapping of keys to values",
                            "start from scenarios/quickstart.yaml")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise _error_from_pydantic(exc) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse (``yaml.safe_load``) and structurally validate a scenario file."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), None, "scenario file not found", "check the path")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(str(path), None, f"is not valid YAML{where} ({getattr(exc, 'problem', exc)})",
                            "fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not a UTF-8 text file", "give a YAML scenario") from None
    return parse_scenario(raw, str(path))


def _check_names(field: str, names: list, registry_names: list[str], what: str) -> None:
    for i, name in enumerate(names):
        if name not in registry_names:
            raise ScenarioError(f"{field}[{i}]" if len(names) > 1 else field, name,
                                f"unknown {what}{suggest(str(name), registry_names)}",
                                f"choose one of: {', '.join(sorted(registry_names))}")


def check_scenario(sc: Scenario, check_data: bool = True) -> None:
    """Semantic checks that need the registries (and, with ``check_data``, the data)."""
    import channels
    import transceivers
    from transceivers.anchors import ANCHOR_STRATEGIES

    _check_names("data.dataset", [sc.data.dataset], transceivers.DATASETS.names(), "dataset")
    for name, spec in sc.models.items():
        _check_names(f"models.{name}.kind", [spec.kind], transceivers.LATENT_SOURCES.names(), "model kind")
    model_names = list(sc.models)
    _check_names("sweep.transmitter", sc.axis("transmitter"), model_names, "model (define it under `models`)")
    _check_names("sweep.receiver", sc.axis("receiver"), model_names, "model (define it under `models`)")
    _check_names("sweep.channel", sc.axis("channel"), list(sc.channels), "channel (define it under `channels`)")
    for name, spec in sc.channels.items():
        _check_names(f"channels.{name}.model", [spec.model], channels.CHANNELS.names(), "channel model")
    _check_names("scheme.kind", [sc.scheme.kind], transceivers.SCHEMES.names(), "transmission scheme")
    _check_names("sweep.semantic_equalizer", sc.axis("semantic_equalizer"),
                 transceivers.SEMANTIC_EQUALIZERS.names(), "semantic equalizer")
    for name in sc.semantic_equalizers:
        _check_names("semantic_equalizers", [name], transceivers.SEMANTIC_EQUALIZERS.names(), "semantic equalizer")
    _check_names("sweep.anchor_selection", sc.axis("anchor_selection"), ANCHOR_STRATEGIES.names(),
                 "anchor selection")
    for i, k in enumerate(sc.axis("num_anchors")):
        if k is None or int(k) < 1:
            raise ScenarioError(f"sweep.num_anchors[{i}]", k, "must be a whole number >= 1",
                                "use positive anchor counts such as [4, 8, 16]")
    for i, b in enumerate(sc.axis("bits")):
        if b is not None and not 1 <= int(b) <= 16:
            raise ScenarioError(f"sweep.bits[{i}]", b, "must be between 1 and 16", "use e.g. 4 or 8")
    for i, s in enumerate(sc.axis("seed")):
        if int(s) < 0:
            raise ScenarioError(f"sweep.seed[{i}]", s, "must be >= 0", "use non-negative seeds")
    if sc.device.startswith("cuda"):
        import torch
        if not torch.cuda.is_available():
            raise ScenarioError("device", sc.device, "CUDA is not available on this machine",
                                "use device: cpu")
    elif sc.device != "cpu":
        raise ScenarioError("device", sc.device, "unknown device", "use cpu, cuda or cuda:N")
    if check_data:
        from .context import study_data
        data = study_data(sc)
        pool = len(data.pool_idx)
        for i, k in enumerate(sc.axis("num_anchors")):
            if int(k) > pool:
                raise ScenarioError(f"sweep.num_anchors[{i}]", k,
                                    f"exceeds the anchor pool of {pool} samples",
                                    f"use at most {pool} or lower data.test_fraction")


def json_schema() -> dict:
    """JSON Schema of a scenario file, for editor completion."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "semcom scenario"
    return schema
