"""Sweep values given twice: one axis listing a value twice would be two units (or points) of
one key, two conflicting rows for one setting or a unit run twice; refused while parsing,
naming both entries. Kind-agnostic and torch-free, for every kind's sweep axes
(:func:`~.specs.axis_validator`).

Example::

    from pydantic_core import PydanticCustomError
    from semcom.simulator.scenario.repeats import refuse_repeats
    refuse_repeats([0, 10, 20])        # fine
    try:
        refuse_repeats([0, 10, 0.0])   # inside a validator, pydantic words it under the axis's field
    except PydanticCustomError as exc:
        print(exc.context["problem"])  # entry [2] 0.0 repeats entry [0]
"""

from __future__ import annotations

from typing import Any

from semcom.core.settings import is_number, setting_error

__all__ = ["refuse_repeats", "refuse_rounded_repeats"]


def refuse_repeats(items: list) -> None:
    """Refuse a value of ``items`` that an earlier entry already gave (``0`` and ``0.0`` are
    one SNR point)."""
    first: dict[Any, int] = {}
    for i, x in enumerate(items):
        key = float(x) if is_number(x) else x
        if key in first:
            raise setting_error(
                f"entry [{i}] {x!r} repeats entry [{first[key]}]",
                "list each value once (a repeated value gives two rows for one setting)",
            )
        first[key] = i


def refuse_rounded_repeats(values: list[float], step: Any) -> None:
    """Refuse a range of whole numbers whose ``step`` rounds two of its ``values`` to one
    (``{start: 4, stop: 5, step: 0.5}`` is 4, 4, 5), as a value listed twice is."""
    rounded = [int(round(x)) for x in values]
    if len(set(rounded)) < len(rounded):
        shown = ", ".join(map(str, rounded[:6])) + (", ..." if len(rounded) > 6 else "")
        raise setting_error(
            f"steps of {step!r} round to repeated whole numbers ({shown})", "use a step of at least 1"
        )
