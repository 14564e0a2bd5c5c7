"""The tutorial notebooks run, top to bottom, in a fresh kernel, as a reader would run them
(docs/scripts/notebooks.py, nbclient): a cell that raises fails the test and names the cell.
The first tutorial and the system-level one run in the default suite; the others (30-60 s
each on 2 busy cores) with `make test-slow`. `make docs-notebooks` stores a run's outputs for the site."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "scripts"))
import notebooks  # noqa: E402

FAST = {"01_first_study", "05_system_level"}


def _param(path: Path):
    marks = [] if path.stem in FAST else [pytest.mark.slow]
    return pytest.param(path, id=path.stem, marks=marks)


def test_there_are_at_least_five_tutorials():
    assert len(notebooks.tutorials()) >= 5


@pytest.mark.parametrize("path", [_param(p) for p in notebooks.tutorials()])
def test_tutorial_runs(path):
    nb = notebooks.execute(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)  # every cell ran
    assert not any(o.output_type == "error" for c in code for o in c.outputs)


def test_a_cell_that_raises_fails_the_run(tmp_path):
    import nbformat
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise ValueError('tutorial broke')"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(CellExecutionError, match="tutorial broke"):
        notebooks.execute(path)
