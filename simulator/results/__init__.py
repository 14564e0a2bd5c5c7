"""Results: what a run leaves behind and what is read back from it, for every kind.

* :mod:`~.store`: the resumable SQLite results store (one row per unit and point), the
  CSV export and the reading back (:func:`~.store.read_rows`, :func:`~.store.study_kind`);
  :mod:`~.store_sql` holds its SQL.
* :mod:`~.cells`: a result value as the store and the CSVs keep it.
* :mod:`~.metrics`: the intervals every kind reports (Wilson, normal mean).
* :mod:`~.intervals`: the Student-t interval over replicates (what a re-run would show).
* :mod:`~.summary`: what every kind's summary table shares (set-up columns, layout, the note);
  :mod:`~.tables` renders a table as text, Markdown or LaTeX.

A kind's own result row, metrics and summary live with the kind (``link/rows.py``, …); the
HTML report (``semcom report``) and any run's figures are dispatched through the kinds
(:mod:`semcom.simulator.kinds.report`, :mod:`semcom.simulator.kinds.plots`).

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
