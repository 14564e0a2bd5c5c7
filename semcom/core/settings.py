"""Typed settings (torch-free), for scenario sections and for the Blocks that declare their
settings once, in a spec.

:class:`Strict` refuses unknown keys and booleans where a number or a name belongs (YAML
reads ``yes``/``no`` as booleans); :func:`setting_error` is a validation error that
carries its own fix, read back by :mod:`semcom.simulator.scenario.errors`; :func:`number`
is a real setting that keeps the type the user wrote (``3`` stays an int, so a study's
identity, which hashes the settings as written, does not change when a setting becomes
typed); :class:`WrittenSettings` and :func:`registry_union` make the channel and scheme
specs (:mod:`semcom.channels.specs`, :mod:`semcom.transceivers.schemes.specs`);
:func:`settings_of` validates a Block's keyword settings through its spec, as one
:class:`SettingError`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal, Optional, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_serializer,
)
from pydantic_core import PydanticCustomError, core_schema

from .errors import SemcomInputError
from .registry import Registry, names_registered_so_far, suggest

__all__ = [
    "NoBool",
    "Strict",
    "setting_error",
    "bounds_validator",
    "is_number",
    "number",
    "WrittenSettings",
    "registry_union",
    "user_spec_config",
    "spec_for_tag",
    "SettingError",
    "settings_of",
]


class SettingError(SemcomInputError):
    """A Block's setting with a bad value: names the setting, the value and the fix (a kind's
    semantic checks turn it into a one-line error under the scenario's field)."""

    def __init__(self, setting: str, value: Any, problem: str, fix: str):
        self.setting, self.value, self.problem, self.fix = setting, value, problem, fix
        super().__init__(f"{setting}: {problem} (got {value!r}); {fix}")


def settings_of(
    spec: type[BaseModel],
    values: dict,
    error: type[SettingError] = SettingError,
    *,
    block: str = "",
    known: list[str] | None = None,
) -> BaseModel:
    """``values`` (a Block's keyword settings) validated by its ``spec``: the first problem as
    one ``error`` naming the setting; an unknown one gets a did-you-mean over ``known``."""
    try:
        return spec.model_validate(values)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # of a union's branches (a number kept as written: int or float), the bound it breaks, not the type
        first = min(errors, key=lambda e: e["type"].endswith(("_type", "_parsing", "_from_float")))
        name = str(first["loc"][0]) if first["loc"] else "settings"
        value = first.get("input")
        known = sorted(known if known is not None else (f for f in spec.model_fields if f != "model"))
        if first["type"] == "extra_forbidden":
            raise error(
                name,
                value,
                f"unknown setting of {block or spec.__name__}{suggest(name, known)}",
                f"remove it or use one of: {', '.join(known)}",
            ) from None
        ctx = first.get("ctx") or {}
        problem = ctx.get("problem") or first["msg"][:1].lower() + first["msg"][1:]
        raise error(name, value, problem, ctx.get("fix") or _example(spec, name)) from None


def _example(spec: type[BaseModel], name: str) -> str:
    field = spec.model_fields.get(name)
    examples = (field.examples or []) if field is not None else []
    if examples:
        return f"use e.g. {' or '.join(map(str, examples[:2]))}"
    if field is not None and get_origin(field.annotation) is Literal:
        return f"use one of: {', '.join(map(str, get_args(field.annotation)))}"
    return f"see {spec.__name__}"


def setting_error(problem: str, fix: str) -> PydanticCustomError:
    """A validation error that carries its own fix (read back by :func:`~.errors.error_from_pydantic`)."""
    return PydanticCustomError("semcom", "{problem}", {"problem": problem, "fix": fix})


def bounds_validator(*fields: str, example: str):
    """A validator of ``(low, high)`` bounds in ``fields`` around 0, where a loop's value starts
    and is clipped to them: finite, low <= 0 <= high (low > high would clip every value to high)."""

    def check(cls, v):
        if not (math.isfinite(v[0]) and math.isfinite(v[1]) and v[0] <= 0.0 <= v[1]):
            raise setting_error(
                f"({v[0]:g}, {v[1]:g}) must be finite bounds (low, high) with low <= 0 <= high", example
            )
        return v

    return field_validator(*fields)(classmethod(check))


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class NoBool(BaseModel):
    """YAML reads ``yes``/``true`` as booleans: never let one pass as a number or a name."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool(cls, v, info):
        if isinstance(v, bool):
            field = cls.model_fields.get(info.field_name)
            if field is not None and "bool" not in str(field.annotation):
                raise setting_error(
                    f"{str(v).lower()} is not a valid value here",
                    "give a number or a name (YAML reads yes/no/true/false as booleans)",
                )
        return v


class Strict(NoBool):
    model_config = ConfigDict(extra="forbid", validate_default=True)


_JSON_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def number(**bounds: float) -> Any:
    """A finite real setting within ``bounds`` (``gt``, ``ge``, ``lt``, ``le``) that keeps
    the type written (an int stays an int); JSON Schema ``number``."""
    # the same bounds for whole numbers (n < 0.5 is n < 1): pydantic's int takes whole bounds only
    rounding = {"gt": math.floor, "ge": math.ceil, "lt": math.ceil, "le": math.floor}
    int_bounds = {k: int(rounding[k](v)) for k, v in bounds.items()}
    return Annotated[
        Union[Annotated[int, Field(**int_bounds)], Annotated[float, Field(allow_inf_nan=False, **bounds)]],
        WithJsonSchema({"type": "number", **{_JSON_BOUNDS[k]: v for k, v in bounds.items()}}),
    ]


class WrittenSettings:
    """A Block's typed settings that dump as *written*: the keys in :attr:`always` and
    those the scenario gave, as the untyped specs did (a study's identity hashes the dump,
    so folders run before the settings were typed still resume); :meth:`settings` gives
    every setting, defaults included."""

    #: The key that selects the Block (``model``, ``kind``).
    selector: ClassVar[str] = ""
    #: Keys dumped even at their defaults.
    always: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _as_written(self, handler):
        dumped = handler(self)
        keep = (self.selector, *self.always)
        return {k: v for k, v in dumped.items() if k in keep or k in self.model_fields_set}

    def settings(self) -> dict[str, Any]:
        """Every setting of the Block (the selector left out), defaults included."""
        extra = self.__pydantic_extra__ or {}
        return {
            **{name: getattr(self, name) for name in type(self).model_fields if name != self.selector},
            **extra,
        }


#: The unions built by :func:`registry_union`, by tag prefix: (the registry of specs, the user spec).
_UNIONS: dict[str, tuple[Any, type]] = {}


def user_spec_config(selector: str, specs: Registry, blocks: tuple[str, str], description: str) -> ConfigDict:
    """The config of the ``user`` spec of :func:`registry_union` (a Block registered without a
    spec): its extra settings are allowed (the Block checks them), and in the JSON Schema its
    ``selector`` is one of the names registered in the Blocks' registry ``blocks`` (module,
    attribute) without a spec in the process building the schema (a user's; none: the branch
    matches nothing)."""

    def schema(schema: dict, cls: type) -> None:
        user = set(names_registered_so_far(*blocks)) - set(specs.names())
        schema.setdefault("properties", {})[selector] = {
            "type": "string",
            "enum": sorted(user),
            "description": description,
        }

    return ConfigDict(extra="allow", json_schema_extra=schema)


def registry_union(selector: str, specs: Registry, user: type, default: str) -> Any:
    """A type that validates a mapping as the spec registered in ``specs`` under its
    ``selector`` key (``default`` when it has none), looked up when it is validated: a spec
    registered after import (a user's channel model) is taken like a built-in one. A name
    without a spec (a Block the user registered without one, or a misspelling the semantic
    checks name) validates as ``user``. An error's location reads ``<selector>=<name>`` at the
    union (:func:`spec_for_tag` maps it back to its spec), as pydantic's discriminated unions
    write it; the JSON Schema is a ``oneOf`` over the specs registered when it is made."""
    prefix = selector + "="
    _UNIONS[prefix] = (specs, user)

    def spec_of(value: Any) -> tuple[str, type]:
        name = value.get(selector, default) if isinstance(value, dict) else None
        if isinstance(name, str) and name in specs:
            return name, specs.get(name)
        return "user", user

    def validate(value: Any) -> Any:
        if isinstance(value, BaseModel) and (type(value) is user or type(value) in specs.values()):
            return value
        if not isinstance(value, dict):
            raise setting_error(
                f"{type(value).__name__} is not a mapping of settings",
                f"give a mapping such as {{{selector}: {default}}}",
            )
        name, cls = spec_of(value)
        try:
            return cls.model_validate(value)
        except ValidationError as exc:  # located under the tag, as a discriminated union does
            errors = [{**e, "loc": (prefix + name, *e["loc"])} for e in exc.errors(include_url=False)]
            raise ValidationError.from_exception_data(exc.title, errors) from None

    def json_schema(_core, handler) -> dict:
        branches = [handler(cls.__pydantic_core_schema__) for cls in (*specs.values(), user)]
        return {"oneOf": [handler.resolve_ref_schema(b) if "$ref" not in b else b for b in branches]}

    class _Union:
        @classmethod
        def __get_pydantic_core_schema__(cls, source, handler):
            return core_schema.no_info_plain_validator_function(
                validate,
                serialization=core_schema.plain_serializer_function_ser_schema(
                    lambda v, info: v.model_dump(mode=info.mode), info_arg=True
                ),
            )

        @classmethod
        def __get_pydantic_json_schema__(cls, core, handler):
            return json_schema(core, handler)

    return Annotated[Any, _Union]


def spec_for_tag(part: Any) -> Optional[type]:
    """The spec class of a union's tag in an error location (``model=rayleigh``), else None."""
    if isinstance(part, str):
        for prefix, (specs, user) in _UNIONS.items():
            if part.startswith(prefix):
                name = part[len(prefix) :]
                return specs.get(name) if name in specs else user
    return None
