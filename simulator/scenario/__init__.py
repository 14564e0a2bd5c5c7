"""The scenario core every kind of study builds on (kind-agnostic, parsing and typing).

Modules, one concept each: :mod:`~.reading` (the safe YAML reader), :mod:`~.specs` (data,
agents, sweep axes, :class:`~.specs.StudyBase`; a channel's and a scheme's settings are
typed by the Block's own spec, :mod:`semcom.channels.specs`,
:mod:`semcom.transceivers.schemes.specs`, on :mod:`semcom.core.settings`),
:mod:`~.errors` (validation failures as one line each), :mod:`~.checks` (semantic
checks the kinds share; they load the registries) and :mod:`~.jsonschema` (``semcom
schema``, over the kinds the caller passes). A setting every kind's scenario takes goes
into :mod:`~.specs`; a kind's own sections go into its scenario model
(:mod:`semcom.simulator.link.schema`, :mod:`semcom.simulator.network.schema`,
:mod:`semcom.simulator.system.schema`). Nothing here imports a kind, and importing the
package loads no torch.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""

from .errors import Findings, errors_from_pydantic
from .jsonschema import MODEL_KEYS, json_schema
from .reading import DEFAULT_KIND, raw_kind, read_scenario_yaml
from .specs import (
    ChannelSpec,
    CommonSweepAxes,
    DataSpec,
    FigureSpec,
    FloatAxis,
    IntAxis,
    ModelSpec,
    NameAxis,
    Range,
    SchemeSpec,
    StudyBase,
)

__all__ = [
    "read_scenario_yaml",
    "raw_kind",
    "DEFAULT_KIND",
    "Range",
    "DataSpec",
    "ModelSpec",
    "ChannelSpec",
    "SchemeSpec",
    "FigureSpec",
    "FloatAxis",
    "IntAxis",
    "NameAxis",
    "CommonSweepAxes",
    "StudyBase",
    "errors_from_pydantic",
    "Findings",
    "MODEL_KEYS",
    "json_schema",
]
