"""The semantic PHY abstraction: accuracy against (effective) SINR per link configuration.

The system level never decodes symbols: it reads these tables, built by the link-level
engine on a SINR grid (:func:`build_table_set`), maps a message's per-RE SINRs to one
effective SINR with Sionna's EESM (:func:`effective_sinr_db`, β calibrated per table on
frequency-selective link-level runs) and draws the decision with the table's accuracy.
The tables are validated against the link level on held-out channel realisations
(:func:`write_validation` writes the check of the tables a study used).

Modules: :mod:`.spec` (what to build), :mod:`.table` (tables and their file format),
:mod:`.eesm`, :mod:`.build`, :mod:`.calibration`, :mod:`.validation`.
"""

from .table import TABLE_FORMAT_VERSION, AbstractionTable, TableConfig, TableSet, TableSetError
from .spec import AbstractionSpec, CalibrationSpec, ValidationSpec, parse_abstraction_spec
from .eesm import effective_sinr_db
from .build import build_table_set, table_key
from .validation import VALIDATION_COLUMNS, validation_summary, write_validation

__all__ = ["TABLE_FORMAT_VERSION", "AbstractionTable", "TableConfig", "TableSet", "TableSetError",
           "AbstractionSpec", "CalibrationSpec", "ValidationSpec", "parse_abstraction_spec", "effective_sinr_db",
           "build_table_set", "table_key", "write_validation", "validation_summary", "VALIDATION_COLUMNS"]
