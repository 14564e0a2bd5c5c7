"""The scenario schema: what a study YAML may say, validated before anything runs.

Structural checks (types, ranges, unknown keys) are pydantic's; semantic checks (a
receiver that names no model, an unknown channel, K larger than the anchor pool)
are in :func:`check_scenario`. Every failure becomes one :class:`ScenarioError`
whose message names the field path, the bad value and the fix.
"""

from __future__ import annotations

import difflib
import math
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from semcom.core.registry import suggest
from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError

__all__ = ["Scenario", "Range", "load_scenario", "parse_scenario", "check_scenario", "json_schema"]


class _NoBool(BaseModel):
    """YAML reads ``yes``/``true`` as booleans: never let one pass as a number or a name."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool(cls, v, info):
        if isinstance(v, bool):
            field = cls.model_fields.get(info.field_name)
            if field is not None and "bool" not in str(field.annotation):
                raise _axis_error(f"{str(v).lower()} is not a valid value here",
                                  "give a number or a name (YAML reads yes/no/true/false as booleans)")
        return v


class _Strict(_NoBool):
    model_config = ConfigDict(extra="forbid", validate_default=True)


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
        if (self.stop - self.start) / self.step > 10_000:
            raise _axis_error(f"has {int((self.stop - self.start) / self.step) + 1} values (> 10000)",
                              "use a larger step")
        return self

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
    train_fraction: float = Field(0.4, ge=0.0, lt=1.0,
                                  description="share of samples zoo encoders (and pca) train on, disjoint from "
                                              "the pool of anchors and heads and from the test set; 0 trains "
                                              "them on the pool; unused (pool keeps it) when no agent trains")
    split_seed: int = Field(0, ge=0)


class ModelSpec(_NoBool):
    """One agent. ``kind`` picks the latent source; the other keys are its settings."""

    model_config = ConfigDict(extra="allow")
    kind: str
    latent_dim: Optional[int] = Field(None, ge=1)
    seed: int = Field(0, ge=0)


class ChannelSpec(_NoBool):
    """One channel configuration. ``model`` picks the channel; other keys are its settings."""

    model_config = ConfigDict(extra="allow")
    model: str = "awgn"
    csi: Literal["perfect", "ls"] = "perfect"
    equalizer: Literal["zf", "lmmse"] = "lmmse"


class SchemeSpec(_NoBool):
    """How messages become symbols: ``analog`` or ``digital`` (with its settings)."""

    model_config = ConfigDict(extra="allow")
    kind: str = "analog"


class CompressionSpec(_Strict):
    """Message compression besides K and b: top-k sparsification (transceivers/compression.py)."""

    top_k: Optional[int] = Field(None, ge=1, description="send only the k largest-magnitude entries of each "
                                 "relative representation (k <= every sweep.num_anchors); their positions cost "
                                 "ceil(log2 C(K, k)) bits per sample (in bits_per_sample); absolute messages "
                                 "(none, aligned) are sent whole")


class FigureSpec(_Strict):
    """How plots are drawn (never changes results: left out of the study's identity)."""

    width: Literal["single", "double"] = Field("double", description="printed width: single (3.5 in, one "
                                               "IEEE/ACM column) or double (7.16 in, both columns)")


FloatAxis = Union[Range, list[float], float]
IntAxis = Union[Range, list[int], int]
NameAxis = Union[list[str], str]


def _axis_error(problem: str, fix: str) -> PydanticCustomError:
    """A validation error that carries its own fix (read back by :func:`_error_from_pydantic`)."""
    return PydanticCustomError("semcom", "{problem}", {"problem": problem, "fix": fix})


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check_axis(value: Any, kind: str) -> Any:
    """Give axis values one clear error each, before pydantic's union matching.

    ``kind`` is ``"float"``, ``"int"`` or ``"name"``. Ranges are left to :class:`Range`.
    """
    if kind != "name" and isinstance(value, dict):
        return value
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        raise _axis_error("is an empty list", "give at least one value")
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
            raise _axis_error(f"{at}{x!r} is not {what}", f"use {example}")
        if kind == "float" and not math.isfinite(float(x)):
            raise _axis_error(f"{at}{x!r} is not a finite number", "use finite SNR values in dB")
    if kind == "int":
        return [int(x) for x in items] if isinstance(value, list) else int(value)
    return value


class CommonSweepAxes(_Strict):
    """Sweep axes every kind of study has: a list, a scalar, or a ``{start, stop, step}`` range."""

    num_anchors: IntAxis = Field(..., description="number of anchors K")
    semantic_equalizer: NameAxis = Field(["relative", "none", "oracle"])
    anchor_selection: NameAxis = Field("random")
    bits: Union[list[Optional[int]], int, None] = Field(None, description="quantisation bits (digital)")
    seed: Union[IntAxis, None] = Field(None, description="seed(s); default: the scenario's `seed`")

    @field_validator("num_anchors", "seed", mode="before")
    @classmethod
    def _int_axis(cls, v):
        return v if v is None else _check_axis(v, "int")

    @field_validator("semantic_equalizer", "anchor_selection", mode="before")
    @classmethod
    def _name_axis(cls, v):
        return _check_axis(v, "name")

    @field_validator("bits", mode="before")
    @classmethod
    def _bits_axis(cls, v):
        if v is None or (isinstance(v, list) and any(x is None for x in v)):
            return v
        return _check_axis(v, "int")


class SweepSpec(CommonSweepAxes):
    """Sweep axes of a link-level study."""

    snr_db: FloatAxis = Field(..., description="Es/N0 per complex channel use [dB]")
    transmitter: NameAxis = Field(..., description="model name(s) from `models`")
    receiver: NameAxis = Field(..., description="model name(s) from `models`")
    channel: NameAxis = Field("awgn", description="name(s) from `channels`")
    scheme: Union[NameAxis, None] = Field(None, description="name(s) from `schemes` (default: all of them)")

    @field_validator("snr_db", mode="before")
    @classmethod
    def _float_axis(cls, v):
        return _check_axis(v, "float")

    @field_validator("transmitter", "receiver", "channel", mode="before")
    @classmethod
    def _link_name_axis(cls, v):
        return _check_axis(v, "name")

    @field_validator("scheme", mode="before")
    @classmethod
    def _optional_name_axis(cls, v):
        return v if v is None else _check_axis(v, "name")


class StudyBase(_Strict):
    """What every kind of study has: identity, seed, device, data, agents, channels, scheme."""

    name: str = Field(..., min_length=1)
    description: str = ""
    seed: int = Field(0, ge=0, description="base seed of every random draw")
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0 ...")
    precision: Literal["single", "double"] = "single"
    center: bool = Field(False, description="centre relative projections on the anchor mean")
    data: DataSpec = Field(default_factory=DataSpec)
    models: dict[str, ModelSpec] = Field(..., min_length=1)
    channels: dict[str, ChannelSpec] = Field(default_factory=lambda: {"awgn": ChannelSpec()})
    scheme: SchemeSpec = Field(default_factory=SchemeSpec, description="the scheme of a one-scheme study")
    semantic_equalizers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="settings per semantic equaliser, e.g. {inverse: {ridge: 0.01}}")
    figure: FigureSpec = Field(default_factory=FigureSpec, description="plot settings (width)")

    def axis(self, name: str) -> list:
        """Sweep axis ``name`` as a plain list (ranges expanded, scalars wrapped)."""
        v = getattr(self.sweep, name)
        if name == "seed" and v is None:
            return [self.seed]
        if isinstance(v, Range):
            vals = v.values()
            return [int(round(x)) for x in vals] if name in ("num_anchors", "seed") else vals
        if v is None or not isinstance(v, list):
            return [v]
        return list(v)


class Scenario(StudyBase):
    """A link-level study."""

    kind: Literal["link"] = "link"
    chunk_size: int = Field(65536, ge=1, description="test samples per batched pass (bounds memory)")
    schemes: Optional[dict[str, SchemeSpec]] = Field(
        None, min_length=1, description="named schemes to compare, e.g. {analog: {kind: analog}, ldpc: "
        "{kind: digital, code_rate: 0.5}}; selected by sweep.scheme (replaces `scheme`)")
    compression: CompressionSpec = Field(default_factory=CompressionSpec)
    sweep: SweepSpec

    def scheme_specs(self) -> dict[str, SchemeSpec]:
        """Named schemes: ``schemes``, or the one ``scheme`` under its kind's name."""
        return dict(self.schemes) if self.schemes else {self.scheme.kind: self.scheme}

    def axis(self, name: str) -> list:
        if name == "scheme" and self.sweep.scheme is None:
            return list(self.scheme_specs())
        return super().axis(name)


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


def _is_branch(part: Any) -> bool:
    """A union-branch tag in a pydantic error location (``Range``, ``list[float]`` ...)."""
    return isinstance(part, str) and ("[" in part or part in (
        "Range", "float", "int", "str", "none", "list[float]", "list[int]", "list[str]"))


def _errors_from_pydantic(exc: ValidationError) -> list[ScenarioError]:
    """One :class:`ScenarioError` per wrong field (the most specific of its union branches)."""
    groups: dict[tuple, list] = {}
    for err in exc.errors():
        loc = err["loc"]
        cut = next((i for i, part in enumerate(loc) if _is_branch(part)), len(loc))
        groups.setdefault(tuple(loc[:cut]), []).append(err)
    return [_error_from_pydantic(errs) for errs in groups.values()]


def _error_from_pydantic(exc: ValidationError | list) -> ScenarioError:
    """The most specific error of ``exc`` (a ValidationError or a list of its errors) as one line."""
    errors = list(exc) if isinstance(exc, list) else exc.errors()
    # the most specific error first: our own checks, unknown keys, missing keys, then
    # the rest; a union branch whose *type* does not match the input is least specific
    errors.sort(key=lambda e: (e["type"] != "semcom", e["type"] != "extra_forbidden", e["type"] != "missing",
                               e["type"] in _TYPE_MISMATCH, len(e["loc"])))
    err = errors[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in (
        "Range", "float", "int", "str", "none", "list[float]", "list[int]", "list[str]"))))
    field = _format_loc(loc)
    if err["type"] == "semcom":
        return ScenarioError(field, None, err["ctx"]["problem"], err["ctx"]["fix"])
    if err["type"] == "extra_forbidden":
        known = _fields_of(Scenario, loc)
        hint = suggest(str(loc[-1]), known)
        if not hint and len(loc) == 1:   # a key at the wrong level, e.g. `num_anchors` at the top
            for section in ("sweep", "data"):
                inner = suggest(str(loc[-1]), _fields_of(Scenario, (section, "x")))
                if inner:
                    hint = f"{inner[:-2]} under `{section}`?)"
                    break
        return ScenarioError(field, None, "unknown key" + hint,
                             f"remove it or use one of: {', '.join(known)}" if known else "remove it")
    if err["type"] == "missing":
        return ScenarioError(field, None, "is required", "add it (see `semcom schema`)")
    if err["type"] in ("model_type", "dict_type", "model_attributes_type"):
        return ScenarioError(field, err.get("input"), "must be a mapping of keys to values",
                             "write it as `key: value` lines (see `semcom schema`)")
    limit = {"greater_than_equal": ">= {ge}", "greater_than": "> {gt}", "less_than_equal": "<= {le}",
             "less_than": "< {lt}"}.get(err["type"])
    if limit:
        bound = limit.format(**err.get("ctx", {}))
        return ScenarioError(field, err.get("input"), f"must be {bound}", f"use a value {bound}")
    msg = err["msg"].replace("Value error, ", "")
    msg = msg[0].lower() + msg[1:] if msg else msg
    return ScenarioError(field, err.get("input"), msg, "fix the value (see `semcom schema`)")


_TYPE_MISMATCH = {"list_type", "model_type", "dict_type", "model_attributes_type", "float_type", "int_type",
                  "float_parsing", "int_parsing", "string_type", "none_required", "int_from_float"}


def parse_scenario(raw: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping (parsed YAML) into a :class:`Scenario`."""
    if not isinstance(raw, dict):
        raise ScenarioError(source, type(raw).__name__, "must be a YAML mapping of keys to values",
                            "start from scenarios/quickstart.yaml")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioErrors.of(_errors_from_pydantic(exc)) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (YAML would silently keep only the last one)",
                    key_node.start_mark)
            try:
                seen.add(key)
            except TypeError:
                pass
        return super().construct_mapping(node, deep=deep)


def read_scenario_yaml(path: str | Path) -> Any:
    """Read a scenario file with the safe, duplicate-key-refusing loader; one-line errors."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), None, "scenario file not found", "check the path")
    try:
        return yaml.load(path.read_text(), Loader=_UniqueKeyLoader)   # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(str(path), None, f"is not valid YAML{where} ({getattr(exc, 'problem', exc)})",
                            "fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not a UTF-8 text file", "give a YAML scenario") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, f"cannot be read ({exc.strerror or exc})",
                            "check the file's permissions") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read (safe loader), parse and structurally validate a link-level scenario file."""
    return parse_scenario(read_scenario_yaml(path), str(path))


def _check_names(field: str, names: list, registry_names: list[str], what: str) -> None:
    for i, name in enumerate(names):
        if name not in registry_names:
            raise ScenarioError(f"{field}[{i}]" if len(names) > 1 else field, name,
                                f"unknown {what}{suggest(str(name), registry_names)}",
                                f"choose one of: {', '.join(sorted(registry_names))}")


def _known_settings(factory: Any, skip: tuple[str, ...] = ()) -> tuple[list[str], bool]:
    """Named keyword settings a class or function accepts (through its ``__init__`` chain),
    and whether it can also take arbitrary ones (``**kwargs`` that reach no named parameter)."""
    import inspect

    names: list[str] = []
    chain = [c.__init__ for c in getattr(factory, "__mro__", ()) if "__init__" in vars(c)] or [factory]
    open_ended = True
    for fn in chain:
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return names, True
        names += [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                  and p.name not in ("self", *skip) and p.name not in names]
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            open_ended = False
            break
    if getattr(factory, "__mro__", None) and chain and open_ended:
        # a Block chain ends in object/torch.nn.Module: keyword settings stop there
        open_ended = False
    return names, open_ended


def _check_settings(field: str, settings: dict, known: list[str]) -> None:
    for key in settings:
        if key not in known:
            raise ScenarioError(f"{field}.{key}", None, "unknown setting" + suggest(str(key), known),
                                f"remove it or use one of: {', '.join(known)}" if known else "remove it")


def _positive(field: str, value: Any, integer: bool, allow_zero: bool = False) -> None:
    ok = (_is_number(value) and math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
          and (not integer or float(value).is_integer()))
    if not ok:
        what = f"{'non-negative' if allow_zero else 'positive'} {'whole number' if integer else 'number'}"
        raise ScenarioError(field, value, f"must be a {what}", "use e.g. 1" if integer else "use e.g. 0.001")


def _check_model(name: str, spec: ModelSpec) -> None:
    """Settings of zoo and PCA agents (other latent sources check their own)."""
    from semcom import transceivers
    from semcom.transceivers.agents import _HEAD_DEFAULTS, _TRAINING_DEFAULTS
    from semcom.transceivers.encoders import ENCODERS, TRAINING_HEADS

    field = f"models.{name}"
    settings = spec.model_dump(exclude={"kind", "seed", "latent_dim"})
    own_check = getattr(transceivers.LATENT_SOURCES.get(spec.kind), "check_spec", None)
    if own_check is not None:   # latent files, user encoders: the source checks its own settings
        own_check(name, spec.model_dump(exclude_none=True))   # raises SemcomInputError naming models.<name>
    if spec.kind in ENCODERS or spec.kind == "pca":
        if spec.latent_dim is None:
            raise ScenarioError(f"{field}.latent_dim", None, f"is required for kind '{spec.kind}'",
                                "add e.g. latent_dim: 32")
    if spec.kind == "pca":
        _check_settings(field, settings, ["kind", "latent_dim", "seed"])
    elif spec.kind in ENCODERS:
        arch, _ = _known_settings(ENCODERS.get(spec.kind), skip=("input_shape", "latent_dim"))
        _check_settings(field, settings, ["kind", "latent_dim", "seed", *arch, *_TRAINING_DEFAULTS, *_HEAD_DEFAULTS])
        for key, value in settings.items():
            if key == "head":
                _check_names(f"{field}.head", [value], TRAINING_HEADS.names(), "training head")
                continue
            default = {**_TRAINING_DEFAULTS, **_HEAD_DEFAULTS}.get(key)
            _positive(f"{field}.{key}", value, integer=not isinstance(default, float),
                      allow_zero=key == "weight_decay")   # no weight decay is a valid setting


def _build_check(field: str, build) -> None:
    """Construct a cheap block (channel, scheme) to surface its own value checks as one line."""
    from semcom.channels.base import ChannelSettingError   # here: the schema itself never loads torch

    try:
        build()
    except ScenarioError:
        raise
    except SemcomInputError as exc:
        head, sep, rest = str(exc).partition(": ")
        if sep and " " not in head and "." in head:   # the block named its own setting: keep one prefix
            raise ScenarioError(f"{field}.{head.split('.', 1)[1]}", None, rest, "") from None
        raise ScenarioError(field, None, str(exc), "") from None
    except ChannelSettingError as exc:
        raise ScenarioError(f"{field}.{exc.setting}", exc.value, exc.problem, exc.fix) from None
    except (TypeError, ValueError) as exc:
        raise ScenarioError(field, None, f"invalid settings ({exc})", "fix them (see the README)") from None


def _check_semantic_equalizers(sc: Scenario) -> None:
    """Registered equalisers and named receivers (``{name: {equalizer: <registered>, ...}}``)."""
    from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS, resolve_equalizer

    named = [n for n, v in sc.semantic_equalizers.items() if (v or {}).get("equalizer") is not None]
    _check_names("sweep.semantic_equalizer", sc.axis("semantic_equalizer"), SEMANTIC_EQUALIZERS.names() + named,
                 "semantic equalizer (or define a named receiver under `semantic_equalizers` with `equalizer:`)")
    for name, settings in sc.semantic_equalizers.items():
        settings = settings or {}
        if "equalizer" in settings:
            _check_names(f"semantic_equalizers.{name}.equalizer", [settings["equalizer"]],
                         SEMANTIC_EQUALIZERS.names(), "semantic equalizer")
        else:
            _check_names("semantic_equalizers", [name], SEMANTIC_EQUALIZERS.names(),
                         "semantic equalizer (a named receiver needs `equalizer: <one of them>`)")
        cls, options = resolve_equalizer(name, settings)
        known, _ = _known_settings(cls, skip=("link", "access"))
        _check_settings(f"semantic_equalizers.{name}", options, known)
        cls.check_options(f"semantic_equalizers.{name}", options)


class _Findings:
    """Collects the :class:`ScenarioError` of independent checks, so one pass reports them all."""

    def __init__(self):
        self.errors: list[ScenarioError] = []

    @contextmanager
    def check(self):
        """Run a block of checks; its first error is recorded and the next block still runs."""
        try:
            yield
        except ScenarioErrors as exc:
            self.errors.extend(exc.errors)
        except ScenarioError as exc:
            self.errors.append(exc)

    def raise_all(self) -> None:
        if self.errors:
            raise ScenarioErrors.of(self.errors)


def check_scenario(sc: Scenario, check_data: bool = True) -> None:
    """Semantic checks that need the registries (and, with ``check_data``, the data).

    Every independent problem is reported (one :class:`ScenarioError`, or
    :class:`ScenarioErrors` holding one per problem); checks that depend on a failed
    one (the settings of an unknown channel model) are skipped.
    """
    from semcom import channels
    from semcom import transceivers
    from semcom.transceivers.anchors import ANCHOR_STRATEGIES

    found = _Findings()
    with found.check():
        _check_names("data.dataset", [sc.data.dataset], transceivers.DATASETS.names(), "dataset")
    for name, spec in sc.models.items():
        with found.check():
            _check_names(f"models.{name}.kind", [spec.kind], transceivers.LATENT_SOURCES.names(), "model kind")
            _check_model(name, spec)
    model_names = list(sc.models)
    with found.check():
        _check_names("sweep.transmitter", sc.axis("transmitter"), model_names, "model (define it under `models`)")
    with found.check():
        _check_names("sweep.receiver", sc.axis("receiver"), model_names, "model (define it under `models`)")
    with found.check():
        _check_names("sweep.channel", sc.axis("channel"), list(sc.channels), "channel (define it under `channels`)")
    for name, spec in sc.channels.items():
        with found.check():
            _check_names(f"channels.{name}.model", [spec.model], channels.CHANNELS.names(), "channel model")
            cls = channels.CHANNELS.get(spec.model)
            known, open_ended = _known_settings(cls, skip=("precision", "device"))
            settings = spec.model_dump(exclude={"model"})
            if not open_ended:
                _check_settings(f"channels.{name}", settings, ["model", *known])
            _build_check(f"channels.{name}", lambda: channels.build_channel(spec.model, precision=sc.precision,
                                                                           device="cpu", **settings))
    specs = sc.scheme_specs()
    where = {name: (f"schemes.{name}" if sc.schemes else "scheme") for name in specs}
    kinds_ok = set()
    for name, spec in specs.items():
        with found.check():
            _check_names(f"{where[name]}.kind", [spec.kind], transceivers.SCHEMES.names(), "transmission scheme")
            kinds_ok.add(name)
    quantising = []
    with found.check():
        _check_names("sweep.scheme", sc.axis("scheme"), list(specs), "scheme (define it under `schemes`)")
        for name in sc.axis("scheme"):
            if name not in kinds_ok:
                continue
            with found.check():
                scheme_cls = transceivers.SCHEMES.get(specs[name].kind)
                known, open_ended = _known_settings(scheme_cls, skip=("precision", "device"))
                scheme_settings = specs[name].model_dump(exclude={"kind"})
                if "bits" in known:
                    quantising.append(name)
                if not open_ended:
                    _check_settings(where[name], scheme_settings, ["kind", *known])
                _build_check(where[name], lambda: scheme_cls(precision=sc.precision, device="cpu", **scheme_settings))
                if specs[name].kind == "jscc":
                    from .jscc_engine import check_jscc
                    check_jscc(sc, name)
    with found.check():
        _check_semantic_equalizers(sc)
    with found.check():
        _check_names("sweep.anchor_selection", sc.axis("anchor_selection"), ANCHOR_STRATEGIES.names(),
                     "anchor selection")
    with found.check():
        for i, k in enumerate(sc.axis("num_anchors")):
            if k is None or int(k) < 1:
                raise ScenarioError(f"sweep.num_anchors[{i}]", k, "must be a whole number >= 1",
                                    "use positive anchor counts such as [4, 8, 16]")
        top_k = sc.compression.top_k
        if top_k is not None and top_k > min(int(k) for k in sc.axis("num_anchors")):
            i, k = min(enumerate(sc.axis("num_anchors")), key=lambda ik: int(ik[1]))
            raise ScenarioError("compression.top_k", top_k, f"exceeds sweep.num_anchors[{i}] = {int(k)} (a relative "
                                "message has one entry per anchor)", f"use compression.top_k <= {int(k)} or drop "
                                f"sweep.num_anchors values below {top_k}")
    with found.check():
        for i, b in enumerate(sc.axis("bits")):
            if b is not None and not 1 <= int(b) <= 16:
                raise ScenarioError(f"sweep.bits[{i}]", b, "must be between 1 and 16", "use e.g. 4 or 8")
            if b is not None and not quantising and kinds_ok:
                raise ScenarioError("sweep.bits", b, f"does not apply to the scheme(s) {', '.join(sc.axis('scheme'))} "
                                    "(none quantises)", "remove sweep.bits or use scheme: {kind: digital}")
    with found.check():
        for i, s in enumerate(sc.axis("seed")):
            if int(s) < 0:
                raise ScenarioError(f"sweep.seed[{i}]", s, "must be >= 0", "use non-negative seeds")
    with found.check():
        if sc.device.startswith("cuda"):
            import torch
            if not torch.cuda.is_available():
                raise ScenarioError("device", sc.device, "CUDA is not available on this machine",
                                    "use device: cpu")
        elif sc.device != "cpu":
            raise ScenarioError("device", sc.device, "unknown device", "use cpu, cuda or cuda:N")
    with found.check():
        from .context import _fits_on_data
        trains = any(_fits_on_data(spec.kind) for spec in sc.models.values())
        if trains and sc.data.train_fraction + sc.data.test_fraction >= 1:
            raise ScenarioError("data.train_fraction", sc.data.train_fraction,
                                f"with data.test_fraction {sc.data.test_fraction} leaves no pool for anchors and "
                                "heads", "make train_fraction + test_fraction sum below 1 (e.g. 0.4 + 0.3)")
    found.raise_all()   # the data checks below assume a scenario that is otherwise sound
    if check_data:
        from .context import study_data
        data = study_data(sc)
        for name, spec in sc.models.items():   # sources that read files check them against the data
            with found.check():
                source_check = getattr(transceivers.LATENT_SOURCES.get(spec.kind), "check_data", None)
                if source_check is not None:
                    source_check(name, spec.model_dump(exclude_none=True), data.dataset)
                _check_latent_dim(name, spec, data.dataset)
        pool = len(data.pool_idx)
        with found.check():
            for i, k in enumerate(sc.axis("num_anchors")):
                if int(k) > pool:
                    raise ScenarioError(f"sweep.num_anchors[{i}]", k,
                                        f"exceeds the anchor pool of {pool} samples",
                                        f"use at most {pool} or lower data.test_fraction or data.train_fraction")
        found.raise_all()
        _warn_small_test_set(len(data.test_idx))


def _check_latent_dim(name: str, spec: ModelSpec, dataset) -> None:
    """PCA cannot give more components than the inputs have dimensions (it would silently give fewer)."""
    inputs = getattr(dataset, "inputs", None)
    if spec.kind != "pca" or inputs is None or spec.latent_dim is None:
        return
    dims = int(math.prod(inputs.shape[1:]))
    if spec.latent_dim > dims:
        raise ScenarioError(f"models.{name}.latent_dim", spec.latent_dim,
                            f"exceeds the {dims} input dimensions of data.dataset (PCA has at most {dims} components)",
                            f"use latent_dim <= {dims}")


#: A test set whose 95% interval at accuracy 0.5 is wider than +-10 points (1.96 * 0.5 / sqrt(n) > 0.1).
SMALL_TEST_SET = 97


def _warn_small_test_set(num_test: int) -> None:
    if num_test < SMALL_TEST_SET:
        half = 1.96 * 0.5 / math.sqrt(max(num_test, 1)) * 100
        warnings.warn(f"data: only {num_test} test samples: an accuracy's 95% interval is up to +-{half:.0f} "
                      f"points wide; use at least {SMALL_TEST_SET} (raise data.test_fraction or data.limit)",
                      ScenarioWarning, stacklevel=2)


class ScenarioWarning(UserWarning):
    """A scenario that runs but whose results may mislead (the CLI prints it as one line)."""


#: Settings an agent may carry besides kind/latent_dim/seed, by model kind (for editors;
#: :func:`check_scenario` checks them against the encoders themselves).
MODEL_KEYS = {
    "width": ("integer", "mlp: hidden layer width (default 128)"),
    "depth": ("integer", "mlp: hidden layers (default 2)"),
    "channels": ("integer", "cnn: channels of the first convolution (default 16)"),
    "epochs": ("integer", "mlp/cnn: training epochs (default: about 50,000 sample passes)"),
    "batch_size": ("integer", "mlp/cnn/torch: training (or encoding) batch size"),
    "lr": ("number", "mlp/cnn: Adam learning rate (default 0.001)"),
    "weight_decay": ("number", "mlp/cnn: Adam weight decay (default 0.0001; 0 allowed)"),
    "head": ("string", "mlp/cnn: training head, linear (default, plain cross-entropy) or cosine"),
    "head_scale": ("number", "mlp/cnn with head: cosine: logit scale (default 10)"),
    "variant": ("integer", "efficientnet_lite: 0, 1 or 2 (default 0)"),
    "image_size": ("integer", "efficientnet_lite: side the images are resized to (default 64)"),
    "path": ("string", "npz: latent file, one row per dataset sample"),
    "import": ("string", "torch: 'module:callable' building the user's encoder"),
    "kwargs": ("object", "torch: keyword arguments of the callable"),
    "cache": ("boolean", "torch: cache the encoded latents (default true)"),
}


def json_schema() -> dict:
    """JSON Schema of a scenario file (link or ``kind: network``), for editor completion;
    agents list their model-specific keys (:data:`MODEL_KEYS`)."""
    from .network.schema import NetworkScenario

    template = "#/$defs/{model}"
    link = Scenario.model_json_schema(ref_template=template)
    network = NetworkScenario.model_json_schema(ref_template=template)
    defs = {**link.pop("$defs", {}), **network.pop("$defs", {})}
    defs["ModelSpec"]["properties"].update(
        {key: {"type": kind, "description": text} for key, (kind, text) in MODEL_KEYS.items()})
    defs["LinkScenario"], defs["NetworkScenario"] = link, network
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "semcom scenario",
            "description": "a link-level study, or a network study (kind: network)",
            "oneOf": [{"$ref": "#/$defs/LinkScenario"}, {"$ref": "#/$defs/NetworkScenario"}], "$defs": defs}
