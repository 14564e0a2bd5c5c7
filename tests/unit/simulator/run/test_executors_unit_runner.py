"""The executors know no kind of study: they run the unit runner they are handed, on the
scenario re-parsed from its JSON, and call ``prepare`` once before a pool starts."""

from pydantic import BaseModel

from semcom.simulator.run.executors import run_units

PREPARED: list[int] = []


class Toy(BaseModel):
    offset: int


def square_plus_offset(sc: Toy, unit: int) -> list[dict]:
    """A unit runner at module level (picklable by reference, as a kind's is)."""
    return [{"unit": unit, "value": unit * unit + sc.offset, "parsed": type(sc).__name__}]


def prepare(sc: Toy) -> None:
    PREPARED.append(sc.offset)


def test_inline_runs_the_given_unit_runner_in_study_order():
    out = [(unit, rows) for unit, rows, _ in run_units(Toy(offset=3), [1, 2, 5], square_plus_offset)]
    assert out == [(u, [{"unit": u, "value": u * u + 3, "parsed": "Toy"}]) for u in (1, 2, 5)]


def test_a_pool_gives_the_same_rows_and_prepares_once_before_it_starts():
    PREPARED.clear()
    units = [1, 2, 3, 4]
    pooled = {unit: rows for unit, rows, _ in run_units(Toy(offset=7), units, square_plus_offset, workers=2,
                                                        num_threads=1, prepare=prepare)}
    inline = {unit: rows for unit, rows, _ in run_units(Toy(offset=7), units, square_plus_offset)}
    assert pooled == inline and PREPARED == [7]
