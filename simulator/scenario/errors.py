"""Validation failures as one-line :class:`~semcom.core.errors.ScenarioError`, for every kind of study.

pydantic reports a wrong field once per union branch it tried; :func:`errors_from_pydantic`
keeps one error per field (the most specific one) and words it as ``<field>: <problem>;
<fix>``, with did-you-mean hints for unknown keys taken from the scenario model of the
study's kind. :class:`Findings` collects the errors of independent semantic checks so
that one pass reports them all.
"""

from __future__ import annotations

import types
import typing
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError

from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError
from semcom.core.limits import check_bounded
from semcom.core.registry import suggest
from semcom.core.settings import spec_for_tag

__all__ = ["errors_from_pydantic", "error_from_pydantic", "Findings", "validate_mapping", "as_scenario_error"]

#: union-branch tags pydantic puts into an error location (never shown to users)
_BRANCHES = ("Range", "float", "int", "str", "none", "list[float]", "list[int]", "list[str]")

_TYPE_MISMATCH = {
    "list_type",
    "model_type",
    "dict_type",
    "model_attributes_type",
    "float_type",
    "int_type",
    "float_parsing",
    "int_parsing",
    "string_type",
    "none_required",
    "int_from_float",
}


def _model_in(ann: Any) -> type[BaseModel] | None:
    """The model a field holds: itself, the one model of a union (``Range`` of a sweep
    axis, ``DistanceRange`` of a distance), else None (a tagged union's branch is found
    from the tag in the error's location instead)."""
    if typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return None


def _fields_of(model: type[BaseModel], loc: tuple) -> list[str]:
    """Known field names at ``loc`` (for did-you-mean suggestions); a ``dict[str, Model]``
    field (e.g. a network's transmitters) is looked into past its key."""
    return list(getattr(_model_at(model, loc), "model_fields", {}) or [])


def _example_fix(model: type[BaseModel], loc: tuple) -> str | None:
    """``use e.g. 16 or [4, 8]`` from the ``examples`` of the field at ``loc``, if it has any."""
    while loc and isinstance(loc[-1], int):  # an entry of a list: the list's field
        loc = loc[:-1]
    field = getattr(_model_at(model, loc), "model_fields", {}).get(loc[-1]) if loc else None
    examples = getattr(field, "examples", None)
    return f"use e.g. {' or '.join(str(e) for e in examples)}" if examples else None


def _model_at(model: type[BaseModel], loc: tuple) -> Any:
    """The model holding the last part of ``loc`` (None where the walk leaves the models)."""
    current: Any = model
    skip_key = False
    for part in loc[:-1]:
        if skip_key:
            skip_key = False
            continue
        if isinstance(part, int):
            continue
        if spec_for_tag(part) is not None:  # the branch of a tagged union (a channel's model)
            current = spec_for_tag(part)
            continue
        if current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            current = None
            break
        ann = field.annotation
        if typing.get_origin(ann) is dict:
            current, skip_key = _model_in(typing.get_args(ann)[-1]), True
            continue
        current = _model_in(ann)
    return current


def _format_loc(loc: tuple) -> str:
    """``channels.awgn.csi``, ``sweep.snr_db[2]`` from a location without branch tags."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "scenario"


def _is_branch(part: Any) -> bool:
    """A union-branch tag in a pydantic error location (``Range``, ``list[float]``,
    ``constrained-int`` of a :func:`semcom.core.settings.number` ...); a tagged union's branch
    (``model=rayleigh``) is not one: its errors are the spec's own."""
    return isinstance(part, str) and ("[" in part or part in _BRANCHES or part.startswith("constrained-"))


def _shown(part: Any) -> bool:
    """Whether a location part names a field (not a union branch or a tagged union's tag)."""
    return not (_is_branch(part) or spec_for_tag(part) is not None)


def errors_from_pydantic(
    exc: ValidationError | list, model: type[BaseModel], sections: tuple[str, ...] = ()
) -> list[ScenarioError]:
    """One :class:`ScenarioError` per wrong field (the most specific of its union branches).

    :param exc: the ValidationError, or a list of its errors.
    :param model: the scenario model the input was validated against (for did-you-mean hints).
    :param sections: sections a misplaced top-level key is also looked up in (``sweep``, ``data``).
    """
    groups: dict[tuple, list] = {}
    for err in list(exc) if isinstance(exc, list) else exc.errors():
        loc = err["loc"]
        cut = next((i for i, part in enumerate(loc) if _is_branch(part)), len(loc))
        groups.setdefault(tuple(loc[:cut]), []).append(err)
    return [error_from_pydantic(errs, model, sections) for errs in groups.values()]


def error_from_pydantic(
    exc: ValidationError | list, model: type[BaseModel], sections: tuple[str, ...] = ()
) -> ScenarioError:
    """The most specific error of ``exc`` (a ValidationError or a list of its errors) as one line."""
    errors = list(exc) if isinstance(exc, list) else exc.errors()
    # the most specific error first: our own checks, unknown keys, missing keys, then
    # the rest; a union branch whose *type* does not match the input is least specific
    errors.sort(
        key=lambda e: (
            e["type"] != "semcom",
            e["type"] != "extra_forbidden",
            e["type"] != "missing",
            e["type"] in _TYPE_MISMATCH,
            len(e["loc"]),
            e["type"].startswith("int"),
        )
    )  # a real setting's "valid number" over "integer"
    err = errors[0]
    # an unknown key is a key even when it reads like a branch tag (`none: 1` at the top)
    *path, last = err["loc"] if err["loc"] else ("scenario",)
    key = (last,) if err["type"] == "extra_forbidden" else ()
    path = path if key else [*path, last]
    field = _format_loc((*(p for p in path if _shown(p)), *key))
    loc = (*(p for p in path if not _is_branch(p)), *key)  # tags kept: _fields_of follows them
    if err["type"] == "semcom":
        return ScenarioError(field, None, err["ctx"]["problem"], err["ctx"]["fix"])
    if err["type"] == "extra_forbidden":
        known = _fields_of(model, loc)
        hint = suggest(str(loc[-1]), known)
        if not hint and len(loc) == 1:  # a key at the wrong level, e.g. `num_anchors` at the top
            for section in sections:
                inner = suggest(str(loc[-1]), _fields_of(model, (section, "x")))
                if inner:
                    hint = f"{inner[:-2]} under `{section}`?)"
                    break
        return ScenarioError(
            field,
            None,
            "unknown setting" + hint
            if spec_for_tag(loc[-2] if len(loc) > 1 else None)
            else "unknown key" + hint,
            f"remove it or use one of: {', '.join(known)}" if known else "remove it",
        )
    if err["type"] == "missing":
        return ScenarioError(field, None, "is required", "add it (see `semcom schema`)")
    if err["type"] in ("model_type", "dict_type", "model_attributes_type"):
        return ScenarioError(
            field,
            err.get("input"),
            "must be a mapping of keys to values",
            "write it as `key: value` lines (see `semcom schema`)",
        )
    limit = {
        "greater_than_equal": ">= {ge}",
        "greater_than": "> {gt}",
        "less_than_equal": "<= {le}",
        "less_than": "< {lt}",
    }.get(err["type"])
    if limit:
        bound = limit.format(**err.get("ctx", {}))
        return ScenarioError(
            field, err.get("input"), f"must be {bound}", _example_fix(model, loc) or f"use a value {bound}"
        )
    msg = err["msg"].replace("Value error, ", "")
    msg = msg[0].lower() + msg[1:] if msg else msg
    fix = _example_fix(model, loc) or "fix the value (see `semcom schema`)"
    return ScenarioError(field, err.get("input"), msg, fix)


def as_scenario_error(exc: SemcomInputError) -> ScenarioError:
    """A one-line input error as a :class:`ScenarioError` (its field the text before the first
    ``": "``), so it can join the others of one pass."""
    if isinstance(exc, ScenarioError):
        return exc
    field, sep, rest = str(exc).partition(": ")
    return (
        ScenarioError(field, None, rest)
        if sep and " " not in field
        else ScenarioError("scenario", None, str(exc))
    )


class Findings:
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
        except SemcomInputError as exc:  # a block's or a source's own one line (``field: problem; fix``)
            self.errors.append(as_scenario_error(exc))

    def raise_all(self) -> None:
        if self.errors:
            raise ScenarioErrors.of(self.errors)


def validate_mapping(
    model: type[BaseModel],
    raw: Any,
    source: str,
    start_from: str,
    sections: tuple[str, ...] = (),
    prefix: str = "",
) -> BaseModel:
    """``raw`` (parsed YAML) validated into ``model``, or one line per problem.

    :param source: what ``raw`` is, named when it is not a mapping.
    :param start_from: the fix offered then (e.g. "start from scenarios/quickstart.yaml").
    :param sections: see :func:`errors_from_pydantic`.
    :param prefix: put before every field name (e.g. "abstraction" for a study's section).
    """
    if not isinstance(raw, dict):
        raise ScenarioError(
            source, type(raw).__name__, "must be a YAML mapping of keys to values", start_from
        )
    check_bounded(raw, prefix or source)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = errors_from_pydantic(exc, model, sections)
        if prefix:
            errors = [
                ScenarioError(f"{prefix}.{e.field}", None, str(e)[len(e.field) + 2 :])
                if str(e).startswith(e.field + ": ")
                else e
                for e in errors
            ]
        raise ScenarioErrors.of(errors) from None
