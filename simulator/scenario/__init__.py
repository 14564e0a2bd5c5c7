"""The scenario core every kind of study builds on (kind-agnostic).

Modules, one concept each: :mod:`~.reading` (the safe YAML reader), :mod:`~.specs`
(data, agents, channels, schemes, sweep axes, :class:`~.specs.StudyBase`),
:mod:`~.errors` (validation failures as one line each), :mod:`~.checks` (semantic
checks shared by the kinds) and :mod:`~.jsonschema` (``semcom schema``). The kinds
themselves (link, network, stitch) live in :mod:`semcom.simulator.kinds`; their
scenario models in :mod:`semcom.simulator.schema` and :mod:`semcom.simulator.network.schema`.
Nothing here loads torch.
"""

from .errors import Findings, errors_from_pydantic
from .jsonschema import MODEL_KEYS, json_schema
from .reading import DEFAULT_KIND, raw_kind, read_scenario_yaml
from .specs import (ChannelSpec, CommonSweepAxes, DataSpec, FigureSpec, FloatAxis, IntAxis, ModelSpec, NameAxis,
                    Range, SchemeSpec, StudyBase)

__all__ = ["read_scenario_yaml", "raw_kind", "DEFAULT_KIND", "Range", "DataSpec", "ModelSpec", "ChannelSpec",
           "SchemeSpec", "FigureSpec", "FloatAxis", "IntAxis", "NameAxis", "CommonSweepAxes", "StudyBase",
           "errors_from_pydantic", "Findings", "MODEL_KEYS", "json_schema"]
