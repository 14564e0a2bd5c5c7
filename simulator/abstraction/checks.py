"""Semantic checks of an abstraction spec: every link-level check of its table study and of
its calibration and validation channels, and the spec's own cross-field rules; one line
per problem, fields named ``abstraction.*``. The spec itself (:mod:`.spec`) only parses.
"""

from __future__ import annotations

from semcom.core.errors import ScenarioError, ScenarioErrors
from ..link.checks import check_scenario

__all__ = ["check_abstraction_spec"]


def check_abstraction_spec(spec) -> None:
    """Every link-level check of the table study of a resolved spec (:meth:`AbstractionSpec.inherit`)
    and of its calibration and validation channels (one line per problem, fields named
    ``abstraction.*``)."""
    errors = []
    try:
        sc = spec.link_scenario()
        check_scenario(sc)
    except ScenarioError as exc:
        errors += [_prefixed(e) for e in getattr(exc, "errors", None) or [exc]]
    for what, run in (("calibration", spec.calibration), ("validation", spec.validation)):
        if run is None or (what == "calibration" and run.beta is not None):
            continue
        for cname, ch in run.channels.items():
            try:
                check_scenario(spec.link_scenario(ch.model_dump(), run.snr_values()), check_data=False)
            except ScenarioError as exc:
                for e in getattr(exc, "errors", None) or [exc]:
                    if not e.field.startswith("channels.table"):
                        continue  # a problem of the tables themselves: reported once above
                    errors.append(
                        ScenarioError(
                            f"abstraction.{what}.channels.{cname}",
                            None,
                            str(e).replace("channels.table", "").lstrip(".: "),
                        )
                    )
    for name in spec.scheme_sinr_db:
        if name not in spec.schemes:
            errors.append(
                ScenarioError(
                    f"abstraction.scheme_sinr_db.{name}",
                    None,
                    "names no scheme of `schemes`",
                    f"use one of {', '.join(spec.schemes)}",
                )
            )
    for name, s in spec.schemes.items():
        if s.kind == "jscc":
            errors.append(
                ScenarioError(
                    f"abstraction.schemes.{name}.kind",
                    "jscc",
                    "has no anchors to tabulate",
                    "use analog or digital",
                )
            )
    if errors:
        raise ScenarioErrors.of(errors)


def _prefixed(e: ScenarioError) -> ScenarioError:
    text = str(e)
    field = e.field.replace("sweep.", "").replace("channels.table", "channel")
    rest = text[len(e.field) + 2 :] if text.startswith(e.field + ": ") else text
    out = ScenarioError(f"abstraction.{field}", None, rest)
    return out
