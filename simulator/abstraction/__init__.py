"""The semantic PHY abstraction: accuracy against (effective) SINR per link configuration.

The system level never decodes symbols: it reads these tables, built by the link-level
engine on a SINR grid (:func:`~.build.build_table_set`), maps a message's per-RE SINRs
to one effective SINR with the EESM (Sionna's formula evaluated stably,
:func:`~.eesm.effective_sinr_db`; β calibrated per table on link-level runs) and draws the decision with the table's
accuracy. The tables are validated against the link level on held-out channel
realisations (:func:`~.validation.write_validation` writes the check of the tables a
study used).

Modules, one concept each (import from them; this package imports nothing, so a system
scenario parses its ``abstraction`` section without torch): :mod:`.spec` (what to build),
:mod:`.table` (one table), :mod:`.tableset` (a set of tables and its file format),
:mod:`.eesm`, :mod:`.observe` (link-level runs observed per sample), :mod:`.build`,
:mod:`.calibration` (β), :mod:`.validation` (the held-out check).
"""
