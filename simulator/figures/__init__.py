"""Figures: the scaffolding every kind's figures share, and the drawing of any run's figures.

* :mod:`~.plotting`: the style, the figure context (headless backend, fonts), markers and
  colours, the curve and reference-line helpers, saving.
* :mod:`~.plot_rows`: what figures read from result rows (curves, groupings, numbers).
* :mod:`~.curves`: one figure of any column against another that never averages over a
  study axis it does not show (``Result.plot``).

Any run's figures are drawn through its kind by :func:`semcom.simulator.kinds.plots.plot_all`
(``semcom plot``).

A kind's own figures live with the kind (``link/plots.py``, ``network/plots.py``,
``system/plots.py``, ``stitch/plots.py``); a new figure of a kind goes there.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
