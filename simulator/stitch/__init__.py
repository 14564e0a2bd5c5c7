"""Stitching studies (``kind: stitch``, ``semcom stitch``): the transmitter × receiver
accuracy table of every semantic equaliser, noise-free and through the channel.

Modules: :mod:`~.units` (the one unit: the whole table), :mod:`~.runner` (the table's rows, on
the link-level engine, the latent geometry behind them, and the run's hooks),
:mod:`~.summary` (its summary table), :mod:`~.plots` (its heat maps). The scenario is a
link scenario (:mod:`semcom.simulator.link.schema`, checked by :mod:`semcom.simulator.link.checks`).

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
