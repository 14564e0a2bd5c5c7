"""Results: what a run leaves behind and what is read back from it, for every kind.

* :mod:`~.store`: the resumable SQLite results store (one row per unit and point), the
  CSV export and the reading back (:func:`~.store.read_rows`, :func:`~.store.study_kind`);
  :mod:`~.store_sql` holds its SQL.
* :mod:`~.rows`: the typed result row of a link study (its columns are ``results.csv``'s).
* :mod:`~.metrics`: the statistics of a result (accuracy counts, Wilson and mean intervals,
  reciprocal ranks). **A new metric of a link** goes here and into the engine's row
  (:mod:`semcom.simulator.results.rows`).
* :mod:`~.summary`: the summary tables (``semcom results``), :mod:`~.report`: the Markdown
  report (``semcom report``).
"""
