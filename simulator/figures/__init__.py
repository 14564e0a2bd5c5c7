"""Figures: the scaffolding every kind's figures share, and the drawing of any run's figures.

* :mod:`~.plotting`: the style, the figure context (headless backend, fonts), markers and
  colours, the curve and reference-line helpers, saving.
* :mod:`~.plot_rows`: what figures read from result rows (curves, groupings, numbers).
* :mod:`~.plots`: :func:`~.plots.plot_all` draws any run's figures through its kind
  (``semcom plot``).

A kind's own figures live with the kind (``link/plots.py``, ``network/plots.py``,
``system/plots.py``, ``stitch/plots.py``); a new figure of a kind goes there.
"""
