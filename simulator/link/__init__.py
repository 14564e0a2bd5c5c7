"""Link-level studies (``kind: link``, the default): a sweep of point-to-point links.

Modules, one concept each, in the same shape as :mod:`semcom.simulator.network` and
:mod:`semcom.simulator.system`: :mod:`~.schema` (the scenario: parsing and typing only, no
torch), :mod:`~.checks` (its semantic checks: registered names, the data), :mod:`~.units`
(the sweep expanded to units; torch-free), :mod:`~.context` (the study's data and latent
spaces), :mod:`~.resolved` (a unit resolved against its data), :mod:`~.engine` (one unit:
every SNR point and equaliser in one batched pass), :mod:`~.jscc_engine` (the end-to-end
JSCC unit), :mod:`~.runner` (a study's run: store, exports, figures), :mod:`~.plots` and
:mod:`~.compare_plots` (its figures).

A new channel, scheme or semantic equaliser is not here (see :mod:`semcom.channels`,
:mod:`semcom.transceivers.schemes`, :mod:`semcom.transceivers.semantic`); a new metric of
a link goes into :mod:`semcom.simulator.results.metrics` and the engine's row.
"""
