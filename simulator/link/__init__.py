"""Link-level studies (``kind: link``, the default): a sweep of point-to-point links.

Modules, one concept each, in the same shape as :mod:`semcom.simulator.network` and
:mod:`semcom.simulator.system`: :mod:`~.schema` (the scenario: parsing and typing only, no
torch), :mod:`~.checks` (its semantic checks: registered names, the data), :mod:`~.units`
(the sweep expanded to units; torch-free), :mod:`~.resolved` (a unit resolved against its data),
:mod:`~.engine` (one unit:
every SNR point and equaliser in one batched pass), :mod:`~.jscc_engine` (the end-to-end
JSCC unit), :mod:`~.accumulator` (a unit's sums over chunks and passes), :mod:`~.rows` (a
replicate's result row: the store's and ``replicates.csv``'s columns), :mod:`~.metrics` (what a
link's decisions count), :mod:`~.points` (``results.csv``: replicate rows aggregated per point,
the interval over replicates), :mod:`~.replicates` (the rounds of adaptive Monte Carlo),
:mod:`~.summary` (its table: every SNR point with its interval), :mod:`~.runner` (a study's
run: store, exports, figures), :mod:`~.plots`, :mod:`~.compare_plots` and
:mod:`~.error_plots` (its figures).

A new channel, scheme or semantic equaliser is not here (see :mod:`semcom.channels`,
:mod:`semcom.transceivers.schemes`, :mod:`semcom.transceivers.semantic`); a new metric of
a link goes into :mod:`~.metrics` and the row (:mod:`~.rows`); the study's data and the agents'
latent spaces every kind shares are :mod:`semcom.simulator.run.context`.

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
