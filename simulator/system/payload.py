"""What the conventional bit pipe carries and what a delivered payload is worth, read from the
system study's tables (:class:`~.tables.LinkTables`), and the MCS tables it may use.

* :func:`payload_bits`: a message's bits on the air before the PHY: the digital table's
  ``bits_per_sample`` (K coordinates × b bits, plus any side information the link counted)
  plus the protocol headers of one SDU.
* :func:`delivered_accuracy`: the accuracy of a decision on a payload that arrived intact,
  i.e. the digital table's *clean* accuracy (quantisation only, no bit errors): its accuracy
  at the top of its SINR grid, refused where the table is still rising there.
* :func:`sionna_mcs_tables` / :func:`parse_mcs_table`: the MCS tables Sionna ships BLER tables
  *and* EESM β for (read from its package files, without importing it).

Example:

.. code-block:: python

    from semcom.simulator.system.payload import parse_mcs_table, sionna_mcs_tables
    print(sorted(sionna_mcs_tables()))     # PDSCH_table1, PDSCH_table2, PUSCH_table1, PUSCH_table2
    print(parse_mcs_table("PDSCH_table2"))  # (1, 2): Sionna's category (0 PUSCH, 1 PDSCH), table index
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from semcom.core.errors import ScenarioError

__all__ = [
    "sionna_mcs_tables",
    "parse_mcs_table",
    "mcs_table_problem",
    "bler_table_file",
    "payload_bits",
    "delivered_accuracy",
]

_CATEGORY = {"PUSCH": 0, "PDSCH": 1}


def _sionna_sys() -> Path:
    spec = importlib.util.find_spec("sionna")
    return Path(next(iter(spec.submodule_search_locations))) / "sys"


def bler_table_file(name: str) -> Path:
    """The file of Sionna's BLER table ``name`` (a name of :func:`sionna_mcs_tables`)."""
    parse_mcs_table(name)
    return _sionna_sys() / "bler_tables" / f"{name}.json"


@lru_cache(maxsize=1)
def sionna_mcs_tables() -> dict[str, tuple[int, int]]:
    """``{name: (category, table index)}`` for every ``<PUSCH|PDSCH>_table<i>`` that Sionna ships a
    BLER table for and whose index its EESM has β parameters for."""
    root = _sionna_sys()
    betas = json.loads((root / "esm_params" / "eesm_beta_table.json").read_text())["index"]
    out = {}
    for path in sorted((root / "bler_tables").glob("*_table*.json")):
        cat, _, idx = path.stem.partition("_table")
        if cat in _CATEGORY and idx.isdigit() and idx in betas:
            out[path.stem] = (_CATEGORY[cat], int(idx))
    return out


def mcs_table_problem(name: str, direction: str | None = None) -> tuple[str, str] | None:
    """``(problem, fix)`` when ``name`` is not an MCS table Sionna has (or, given ``direction``,
    not one of its physical channel: PUSCH uplink, PDSCH downlink); None when it is fine."""
    tables = sionna_mcs_tables()
    if name not in tables:
        close = difflib.get_close_matches(str(name), list(tables), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return (
            f"{name!r} is not an MCS table Sionna has BLER tables and EESM beta for",
            f"{hint}use one of {', '.join(sorted(tables))}",
        )
    channel = {"uplink": "PUSCH", "downlink": "PDSCH"}.get(direction)
    if channel is not None and not name.startswith(channel):
        return (
            f"{name} is not a table of the {direction} ({channel})",
            f"use {channel}_table1 or {channel}_table2",
        )
    return None


def parse_mcs_table(name: str) -> tuple[int, int]:
    """(category, table index) of an MCS table name; a name Sionna lacks is one line with the fix."""
    problem = mcs_table_problem(name)
    if problem is not None:
        raise ValueError(f"mcs_table: {problem[0]}; {problem[1]}")
    return sionna_mcs_tables()[name]


def payload_bits(tables, header_bits: int) -> np.ndarray:
    """[G, C] np.int64 bits one message hands the PHY: ``ceil(bits_per_sample) + header_bits``
    for a digital configuration, 0 for an analog one (it has no bit payload); ``header_bits`` is
    the study's ``system.conventional.header_bits``."""
    out = np.zeros((len(tables.tables), len(tables.labels)), dtype=np.int64)
    for g, row in enumerate(tables.tables):
        for c, t in enumerate(row):
            bits = getattr(t.config, "bits_per_sample", None)
            if bits is not None:
                out[g, c] = int(math.ceil(float(bits) - 1e-9)) + int(header_bits)
    return out


def delivered_accuracy(tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clean accuracy of a delivered payload per group and configuration.

    :output accuracy, low, high: [G, C] np.float64, the digital table's accuracy at the top of its
        grid and its 95% Wilson bounds; NaN for analog configurations.
    A digital table not yet flat at its top (its last points outside the top point's interval)
    would understate the clean accuracy: that is one :class:`ScenarioError` naming the grid.
    """
    from .tables import flat_at_end  # lazy: the schema reads this module and loads no torch

    shape = (len(tables.tables), len(tables.labels))
    acc, low, high = (np.full(shape, np.nan) for _ in range(3))
    for g, row in enumerate(tables.tables):
        for c, t in enumerate(row):
            if getattr(t.config, "bits_per_sample", None) is None:
                continue
            if not flat_at_end(t, -1):
                raise ScenarioError(
                    "abstraction.sinr_db",
                    f"top {float(t.sinr_db[-1]):g} dB",
                    f"the digital table {tables.labels[c]} is still rising at the top of its "
                    "grid, so its clean accuracy (a delivered payload's) is not reached",
                    "extend abstraction.sinr_db upwards until the digital tables are flat",
                )
            acc[g, c] = float(t.accuracy[-1])
            low[g, c] = float(getattr(t, "accuracy_low", t.accuracy)[-1])
            high[g, c] = float(getattr(t, "accuracy_high", t.accuracy)[-1])
    return acc, low, high
