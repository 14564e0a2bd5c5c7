"""The strict pydantic base every scenario section is typed with, and its one-line errors.

:class:`Strict` refuses unknown keys and booleans where a number or a name belongs (YAML
reads ``yes``/``no`` as booleans); :func:`setting_error` is a validation error that
carries its own fix, read back by :mod:`semcom.simulator.scenario.errors`; :func:`number`
is a real setting that keeps the type the user wrote (``3`` stays an int, so a study's
identity, which hashes the settings as written, does not change when a setting becomes
typed); :class:`WrittenSettings` and :func:`tagged_union` make the typed channel and
scheme specs (:mod:`~.channel_specs`, :mod:`~.scheme_specs`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, WithJsonSchema, field_validator, model_serializer
from pydantic_core import PydanticCustomError

__all__ = ["NoBool", "Strict", "setting_error", "is_number", "number", "WrittenSettings", "tagged_union", "spec_for_tag"]


def setting_error(problem: str, fix: str) -> PydanticCustomError:
    """A validation error that carries its own fix (read back by :func:`~.errors.error_from_pydantic`)."""
    return PydanticCustomError("semcom", "{problem}", {"problem": problem, "fix": fix})


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
                raise setting_error(f"{str(v).lower()} is not a valid value here",
                                    "give a number or a name (YAML reads yes/no/true/false as booleans)")
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
    return Annotated[Union[Annotated[int, Field(**int_bounds)], Annotated[float, Field(allow_inf_nan=False, **bounds)]],
                     WithJsonSchema({"type": "number", **{_JSON_BOUNDS[k]: v for k, v in bounds.items()}})]


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
        return {**{name: getattr(self, name) for name in type(self).model_fields if name != self.selector}, **extra}


#: Tagged unions built by :func:`tagged_union`, by tag prefix: (typed specs by name, the user spec).
_UNIONS: dict[str, tuple[dict[str, type], type]] = {}


def tagged_union(selector: str, specs: dict[str, type], user: type, default: str) -> Any:
    """A pydantic discriminated union of ``specs`` (typed settings by registered name),
    selected by the ``selector`` key (``default`` when a mapping has none); a name without
    a typed spec (a Block the user registered, or a misspelling the semantic checks name)
    parses as ``user``. Branch tags read ``<selector>=<name>``; :func:`spec_for_tag` maps
    one in an error's location back to its spec."""
    prefix = selector + "="
    _UNIONS[prefix] = (specs, user)

    def tag(value: Any) -> str:
        name = value.get(selector, default) if isinstance(value, dict) else getattr(value, selector, None)
        return prefix + (name if isinstance(name, str) and name in specs else "user")

    branches = tuple(Annotated[cls, Tag(prefix + name)] for name, cls in specs.items())
    return Annotated[Union[branches + (Annotated[user, Tag(prefix + "user")],)], Discriminator(tag)]


def spec_for_tag(part: Any) -> Optional[type]:
    """The spec class of a union branch tag in an error location (``model=rayleigh``), else None."""
    if isinstance(part, str):
        for prefix, (specs, user) in _UNIONS.items():
            if part.startswith(prefix):
                return specs.get(part[len(prefix):], user)
    return None
