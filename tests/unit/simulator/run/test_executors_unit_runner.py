"""The executors know no kind of study: they run the unit runner they are handed, on the
scenario re-parsed from its JSON, and call ``prepare`` once before a pool starts."""

import pytest
from pydantic import BaseModel

from semcom.core.errors import ScenarioError
from semcom.simulator.run.executors import run_units

PREPARED: list[int] = []


class Toy(BaseModel):
    offset: int


def square_plus_offset(sc: Toy, unit: int) -> list[dict]:
    """A unit runner at module level (picklable by reference, as a kind's is)."""
    return [{"unit": unit, "value": unit * unit + sc.offset, "parsed": type(sc).__name__}]


def refuse_unit_three(sc: Toy, unit: int) -> list[dict]:
    if unit == 3:
        raise ScenarioError("system.grid", None, f"unit {unit} does not fit", "use more PRBs")
    return square_plus_offset(sc, unit)


def prepare(sc: Toy) -> None:
    PREPARED.append(sc.offset)


def test_inline_runs_the_given_unit_runner_in_study_order():
    out = [(unit, rows) for unit, rows, _ in run_units(Toy(offset=3), [1, 2, 5], square_plus_offset)]
    assert out == [(u, [{"unit": u, "value": u * u + 3, "parsed": "Toy"}]) for u in (1, 2, 5)]


def test_a_pool_gives_the_same_rows_and_prepares_once_before_it_starts():
    PREPARED.clear()
    units = [1, 2, 3, 4]
    pooled = {
        unit: rows
        for unit, rows, _ in run_units(
            Toy(offset=7), units, square_plus_offset, workers=2, num_threads=1, prepare=prepare
        )
    }
    inline = {unit: rows for unit, rows, _ in run_units(Toy(offset=7), units, square_plus_offset)}
    assert pooled == inline and PREPARED == [7]


def test_a_unit_refused_in_a_worker_is_the_same_one_line_error():
    """A worker sends its unit's ScenarioError back pickled: the parent raises it whole (field, message),
    never a traceback from rebuilding it."""
    with pytest.raises(ScenarioError) as err:
        list(run_units(Toy(offset=0), [1, 2, 3, 4], refuse_unit_three, workers=2, num_threads=1))
    assert (
        err.value.field == "system.grid"
        and str(err.value) == "system.grid: unit 3 does not fit; use more PRBs"
    )


def thread_count(sc: Toy, unit: int) -> list[dict]:
    import torch

    return [{"unit": unit, "threads": torch.get_num_threads()}]


def test_inline_units_run_on_their_threads_and_the_caller_keeps_its_own():
    import torch

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        rows = [r for _, rs, _ in run_units(Toy(offset=0), [1, 2], thread_count, num_threads=2) for r in rs]
        assert [r["threads"] for r in rows] == [2, 2]
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)
