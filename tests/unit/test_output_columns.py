"""docs/guide/outputs.md describes every column of every CSV a study writes: each section names
its files (``<!-- files: ... -->``) and defines their columns in a table; the columns are read
from the lists the code writes the files with, so a column added, renamed or removed in the code
fails here until the page says what it means (and a description of a column that no longer
exists fails too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from semcom.simulator.abstraction.tableset import VALIDATION_COLUMNS
from semcom.simulator.kinds import STUDY_KINDS
from semcom.simulator.link.points import POINT_COLUMNS
from semcom.simulator.link.rows import COLUMNS as REPLICATE_COLUMNS
from semcom.simulator.network.alignment import ALIGNMENT_COLUMNS
from semcom.simulator.network.metrics import NETWORK_COLUMNS
from semcom.simulator.stitch.runner import CKA_COLUMNS, COLLAPSE_COLUMNS, STITCH_COLUMNS
from semcom.simulator.system import aggregate, metrics
from semcom.simulator.system.calibrated import INNER_LOOP_COLUMNS
from semcom.simulator.system.user_rows import USER_COLUMNS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "outputs.md"

#: Every CSV a study writes, with the column list the code writes it with.
FILES = {
    "results.csv": POINT_COLUMNS,
    "replicates.csv": REPLICATE_COLUMNS,
    "stitching.csv": STITCH_COLUMNS,
    "collapse.csv": COLLAPSE_COLUMNS,
    "cka.csv": CKA_COLUMNS,
    "network_results.csv": NETWORK_COLUMNS,
    "alignment_cost.csv": ALIGNMENT_COLUMNS,
    "system_results.csv": aggregate.SUMMARY_COLUMNS,
    "system_drops.csv": metrics.NETWORK_COLUMNS,
    "system_cells.csv": metrics.CELL_COLUMNS,
    "system_users.csv": USER_COLUMNS,
    "system_calibration.csv": aggregate.CALIBRATION_COLUMNS,
    "system_trace.csv": metrics.TRACE_COLUMNS,
    "abstraction_validation.csv": VALIDATION_COLUMNS,
    "inner_loop_calibration.csv": INNER_LOOP_COLUMNS,
}


def defined_names(cell: str) -> set[str]:
    """The column names a table row's first cell defines: every `name`, and `name` (`_low`,
    `_high`) as the name with each suffix."""
    names: set[str] = set()
    last = None
    for token in re.findall(r"`([^`]+)`", cell):
        if token.startswith("_") and last:
            names.add(last + token)
        else:
            names.add(token)
            last = token
    return names


def sections() -> list[tuple[list[str], set[str]]]:
    """(files, column names defined) of every section of the page that names its files."""
    out = []
    for block in PAGE.read_text().split("<!-- files: ")[1:]:
        files, body = block.split("-->", 1)
        body = body.split("\n## ", 1)[0]
        rows = [line.split("|")[1] for line in body.splitlines() if line.startswith("| `")]
        out.append((files.split(), set().union(*map(defined_names, rows))))
    return out


def test_the_suffix_rule_reads_a_metric_with_its_interval():
    assert defined_names("`accuracy` (`_low`, `_high`), `bits`") == {
        "accuracy",
        "accuracy_low",
        "accuracy_high",
        "bits",
    }


def test_the_page_names_every_file_once_and_every_kind_s_results():
    named = [f for files, _ in sections() for f in files]
    assert sorted(named) == sorted(FILES)
    for name in STUDY_KINDS:
        assert STUDY_KINDS.get(name).results_csv in named, name


@pytest.mark.parametrize("files,defined", sections(), ids=lambda v: v[0] if isinstance(v, list) else "")
def test_every_column_is_described_and_every_description_is_a_column(files, defined):
    written = set().union(*(FILES[f] for f in files))
    assert not written - defined, f"{files}: columns the page does not describe: {sorted(written - defined)}"
    assert not defined - written, (
        f"{files}: the page describes columns no file has: {sorted(defined - written)}"
    )
