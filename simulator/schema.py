"""The link-level scenario schema (``kind: link``, the default): what a link study's YAML
may say, validated before anything runs.

Structural checks (types, ranges, unknown keys) are pydantic's; semantic checks (a
receiver that names no model, an unknown channel, K larger than the anchor pool)
are in :func:`check_scenario`. Every failure becomes one :class:`ScenarioError`
whose message names the field path, the bad value and the fix.

The pieces every kind of study shares (the YAML reader, data, agents, channels,
schemes, sweep axes, error wording, shared checks, the JSON schema) live in
:mod:`semcom.simulator.scenario`; they stay importable from here as before.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field, ValidationError, field_validator

from semcom.core.errors import ScenarioError, ScenarioErrors
# re-exported: every name below was importable from here before the split
from .scenario.checks import (SMALL_TEST_SET, ScenarioWarning, build_check, check_agents,  # noqa: F401
                              check_anchor_selection, check_device, check_model, check_names, check_positive,
                              check_seeds, check_settings, known_settings, warn_small_test_set)
from .scenario.errors import (_TYPE_MISMATCH, Findings, _fields_of, _format_loc, _is_branch,  # noqa: F401
                              error_from_pydantic, errors_from_pydantic)
from .scenario.jsonschema import MODEL_KEYS, json_schema  # noqa: F401
from .scenario.reading import _UniqueKeyLoader, read_scenario_yaml  # noqa: F401
from .scenario.specs import (ChannelSpec, CommonSweepAxes, DataSpec, FigureSpec, FloatAxis, IntAxis,  # noqa: F401
                             ModelSpec, NameAxis, Range, SchemeSpec, StudyBase, _axis_error, _check_axis, _is_number,
                             _NoBool, _Strict)

__all__ = ["Scenario", "SweepSpec", "CompressionSpec", "Range", "load_scenario", "parse_scenario", "check_scenario",
           "json_schema", "read_scenario_yaml", "ScenarioWarning", "MODEL_KEYS", "SMALL_TEST_SET"]

#: Sections a misplaced top-level key of a link scenario is looked up in ("did you mean ... under `sweep`?").
LINK_SECTIONS = ("sweep", "data")


class CompressionSpec(_Strict):
    """Message compression besides K and b: top-k sparsification (transceivers/compression.py)."""

    top_k: Optional[int] = Field(None, ge=1, description="send only the k largest-magnitude entries of each "
                                 "relative representation (k <= every sweep.num_anchors); their positions cost "
                                 "ceil(log2 C(K, k)) bits per sample (in bits_per_sample); absolute messages "
                                 "(none, aligned) are sent whole")


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


class Scenario(StudyBase):
    """A link-level study."""

    kind: Literal["link"] = "link"
    chunk_size: int = Field(65536, ge=1, description="test samples per batched pass (bounds memory)")
    schemes: Optional[dict[str, SchemeSpec]] = Field(
        None, min_length=1, description="named schemes to compare, e.g. {analog: {kind: analog}, ldpc: "
        "{kind: digital, code_rate: 0.5}}; selected by sweep.scheme (replaces `scheme`)")
    compression: CompressionSpec = Field(default_factory=CompressionSpec)
    retrieval: bool = Field(False, description="also compute the mean reciprocal rank (mrr column): the rank of "
                            "each test sample's own receiver representation among the test set's, by cosine to "
                            "the equalised message; costs num_snr x n_test^2 similarities per equaliser")
    sweep: SweepSpec

    def scheme_specs(self) -> dict[str, SchemeSpec]:
        """Named schemes: ``schemes``, or the one ``scheme`` under its kind's name."""
        return dict(self.schemes) if self.schemes else {self.scheme.kind: self.scheme}

    def axis(self, name: str) -> list:
        if name == "scheme" and self.sweep.scheme is None:
            return list(self.scheme_specs())
        return super().axis(name)


def parse_scenario(raw: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping (parsed YAML) into a :class:`Scenario`."""
    if not isinstance(raw, dict):
        raise ScenarioError(source, type(raw).__name__, "must be a YAML mapping of keys to values",
                            "start from scenarios/quickstart.yaml")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioErrors.of(errors_from_pydantic(exc, Scenario, LINK_SECTIONS)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read (safe loader), parse and structurally validate a link-level scenario file."""
    return parse_scenario(read_scenario_yaml(path), str(path))


def _check_semantic_equalizers(sc: Scenario) -> None:
    """Registered equalisers and named receivers (``{name: {equalizer: <registered>, ...}}``)."""
    from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS, resolve_equalizer

    named = [n for n, v in sc.semantic_equalizers.items() if (v or {}).get("equalizer") is not None]
    check_names("sweep.semantic_equalizer", sc.axis("semantic_equalizer"), SEMANTIC_EQUALIZERS.names() + named,
                "semantic equalizer (or define a named receiver under `semantic_equalizers` with `equalizer:`)")
    for name, settings in sc.semantic_equalizers.items():
        settings = settings or {}
        if "equalizer" in settings:
            check_names(f"semantic_equalizers.{name}.equalizer", [settings["equalizer"]],
                        SEMANTIC_EQUALIZERS.names(), "semantic equalizer")
        else:
            check_names("semantic_equalizers", [name], SEMANTIC_EQUALIZERS.names(),
                        "semantic equalizer (a named receiver needs `equalizer: <one of them>`)")
        cls, options = resolve_equalizer(name, settings)
        known, _ = known_settings(cls, skip=("precision", "device"))
        check_settings(f"semantic_equalizers.{name}", options, known)
        cls.check_options(f"semantic_equalizers.{name}", options)
    # receivers fitted on the pilots: every pilot budget of the sweep must be enough to fit them
    for name in sc.axis("semantic_equalizer"):
        cls, options = resolve_equalizer(name, sc.semantic_equalizers.get(name))
        check_budget = getattr(cls, "check_budget", None)
        if check_budget is not None:
            for i, k in enumerate(sc.axis("num_anchors")):
                check_budget(f"semantic_equalizers.{name}", options, int(k), f"sweep.num_anchors[{i}]")


def check_scenario(sc: Scenario, check_data: bool = True) -> None:
    """Semantic checks that need the registries (and, with ``check_data``, the data).

    Every independent problem is reported (one :class:`ScenarioError`, or
    :class:`ScenarioErrors` holding one per problem); checks that depend on a failed
    one (the settings of an unknown channel model) are skipped.
    """
    from semcom import channels
    from semcom import transceivers

    found = Findings()
    check_agents(sc, found)
    model_names = list(sc.models)
    with found.check():
        check_names("sweep.transmitter", sc.axis("transmitter"), model_names, "model (define it under `models`)")
    with found.check():
        check_names("sweep.receiver", sc.axis("receiver"), model_names, "model (define it under `models`)")
    with found.check():
        check_names("sweep.channel", sc.axis("channel"), list(sc.channels), "channel (define it under `channels`)")
    for name, spec in sc.channels.items():
        with found.check():
            check_names(f"channels.{name}.model", [spec.model], channels.CHANNELS.names(), "channel model")
            cls = channels.CHANNELS.get(spec.model)
            known, open_ended = known_settings(cls, skip=("precision", "device"))
            settings = spec.model_dump(exclude={"model"})
            if not open_ended:
                check_settings(f"channels.{name}", settings, ["model", *known])
            build_check(f"channels.{name}", lambda: channels.build_channel(spec.model, precision=sc.precision,
                                                                          device="cpu", **settings))
    specs = sc.scheme_specs()
    where = {name: (f"schemes.{name}" if sc.schemes else "scheme") for name in specs}
    kinds_ok = set()
    for name, spec in specs.items():
        with found.check():
            check_names(f"{where[name]}.kind", [spec.kind], transceivers.SCHEMES.names(), "transmission scheme")
            kinds_ok.add(name)
    quantising = []
    with found.check():
        check_names("sweep.scheme", sc.axis("scheme"), list(specs), "scheme (define it under `schemes`)")
        for name in sc.axis("scheme"):
            if name not in kinds_ok:
                continue
            with found.check():
                scheme_cls = transceivers.SCHEMES.get(specs[name].kind)
                known, open_ended = known_settings(scheme_cls, skip=("precision", "device"))
                scheme_settings = specs[name].model_dump(exclude={"kind"})
                if "bits" in known:
                    quantising.append(name)
                if not open_ended:
                    check_settings(where[name], scheme_settings, ["kind", *known])
                build_check(where[name], lambda: scheme_cls(precision=sc.precision, device="cpu", **scheme_settings))
                if specs[name].kind == "jscc":
                    from .jscc_engine import check_jscc
                    check_jscc(sc, name)
    with found.check():
        _check_semantic_equalizers(sc)
    with found.check():
        check_anchor_selection(sc)
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
        check_seeds(sc)
    with found.check():
        check_device(sc)
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
        warn_small_test_set(len(data.test_idx))


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


# -- names kept importable from here (they moved to semcom.simulator.scenario) --------------

_Findings = Findings
_check_names, _known_settings, _check_settings, _positive = check_names, known_settings, check_settings, check_positive
_check_model, _build_check, _warn_small_test_set = check_model, build_check, warn_small_test_set


def _errors_from_pydantic(exc: ValidationError | list) -> list[ScenarioError]:
    """:func:`~semcom.simulator.scenario.errors.errors_from_pydantic` of a link scenario."""
    return errors_from_pydantic(exc, Scenario, LINK_SECTIONS)


def _error_from_pydantic(exc: ValidationError | list) -> ScenarioError:
    return error_from_pydantic(exc, Scenario, LINK_SECTIONS)
