"""The link-level scenario schema (``kind: link``, the default): what a link study's YAML
may say, validated before anything runs.

Parsing and typing only (types, ranges, unknown keys: pydantic); the semantic checks
(a receiver that names no model, an unknown channel, K larger than the anchor pool)
are :func:`semcom.simulator.link.checks.check_scenario`. Every failure becomes one
:class:`ScenarioError` whose message names the field path, the bad value and the fix.
The pieces every kind of study shares (the YAML reader, data, agents, channels,
schemes, sweep axes, error wording) live in :mod:`semcom.simulator.scenario`.
Importing this module loads no torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field

from ..scenario.errors import validate_mapping
from ..scenario.reading import read_scenario_yaml
from ..scenario.specs import CommonSweepAxes, FloatAxis, NameAxis, SchemeSpec, StudyBase, axis_validator
from semcom.core.settings import Strict
from ..scenario.stop import StopSpec
from .units import replicate_seeds

__all__ = ["Scenario", "SweepSpec", "CompressionSpec", "load_scenario", "parse_scenario", "LINK_SECTIONS"]

#: Sections a misplaced top-level key of a link scenario is looked up in ("did you mean ... under `sweep`?").
LINK_SECTIONS = ("sweep", "data")


class CompressionSpec(Strict):
    """Message compression besides K and b: top-k sparsification (transceivers/compression.py)."""

    top_k: Optional[int] = Field(
        None,
        ge=1,
        description="send only the k largest-magnitude entries of each "
        "relative representation (k <= every sweep.num_anchors); their positions cost "
        "ceil(log2 C(K, k)) bits per sample (in bits_per_sample); absolute messages "
        "(none, aligned) are sent whole",
    )


class SweepSpec(CommonSweepAxes):
    """Sweep axes of a link-level study."""

    snr_db: FloatAxis = Field(..., description="Es/N0 per complex channel use [dB]")
    transmitter: NameAxis = Field(..., description="model name(s) from `models`")
    receiver: NameAxis = Field(..., description="model name(s) from `models`")
    channel: NameAxis = Field("awgn", description="name(s) from `channels`")
    scheme: Union[NameAxis, None] = Field(None, description="name(s) from `schemes` (default: all of them)")

    _float_axis = axis_validator("snr_db", kind="float")
    _link_name_axis = axis_validator("transmitter", "receiver", "channel", kind="name")
    _optional_name_axis = axis_validator("scheme", kind="name", optional=True)


class Scenario(StudyBase):
    """A link-level study."""

    kind: Literal["link"] = "link"
    chunk_size: int = Field(65536, ge=1, description="test samples per batched pass (bounds memory)")
    schemes: Optional[dict[str, SchemeSpec]] = Field(
        None,
        min_length=1,
        description="named schemes to compare, e.g. {analog: {kind: analog}, ldpc: "
        "{kind: digital, code_rate: 0.5}}; selected by sweep.scheme (replaces `scheme`)",
    )
    compression: CompressionSpec = Field(default_factory=CompressionSpec)
    retrieval: bool = Field(
        False,
        description="also compute the mean reciprocal rank (mrr column): the rank of "
        "each test sample's own receiver representation among the test set's, by cosine to "
        "the equalised message; costs num_snr x n_test^2 similarities per equaliser",
    )
    passes: int = Field(
        1,
        ge=1,
        le=10_000,
        description="channel passes over the test set per replicate: each "
        "pass draws new noise and fading for every test sample (anchors and heads stay those of "
        "the replicate), so a fading point sees passes x codewords channel draws",
        examples=[1, 20],
    )
    stop: Optional[StopSpec] = Field(
        None,
        description="adaptive Monte Carlo: replicates per point until its "
        "interval is tight enough, e.g. {ci_half_width: 0.01, min_replicates: 3, "
        "max_replicates: 30}; without it, the replicates are the seeds of sweep.seed",
    )
    sweep: SweepSpec

    def scheme_specs(self) -> dict[str, SchemeSpec]:
        """Named schemes: ``schemes``, or the one ``scheme`` under its kind's name."""
        return dict(self.schemes) if self.schemes else {self.scheme.kind: self.scheme}

    def axis(self, name: str) -> list:
        if name == "scheme" and self.sweep.scheme is None:
            return list(self.scheme_specs())
        if name == "seed" and self.stop is not None:  # the first round's replicates
            return replicate_seeds(super().axis(name), self.stop.min_replicates)
        return super().axis(name)


def parse_scenario(raw: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping (parsed YAML) into a :class:`Scenario`."""
    return validate_mapping(Scenario, raw, source, "start from scenarios/quickstart.yaml", LINK_SECTIONS)


def load_scenario(path: str | Path) -> Scenario:
    """Read (safe loader), parse and structurally validate a link-level scenario file."""
    return parse_scenario(read_scenario_yaml(path), str(path))
