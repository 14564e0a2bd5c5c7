"""Stitching studies (``kind: stitch``, ``semcom stitch``): the transmitter × receiver
accuracy table of every semantic equaliser, noise-free and through the channel.

Modules: :mod:`~.runner` (the table's run, on the link-level engine, and the latent
geometry behind it), :mod:`~.summary` (its summary table), :mod:`~.plots` (its heat maps). The scenario is a link scenario
(:mod:`semcom.simulator.link.schema`, checked by :mod:`semcom.simulator.link.checks`).
"""
