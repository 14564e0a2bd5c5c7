"""Network-level studies (``kind: network``): many heterogeneous agents sharing one
wireless medium, simulated with SimPy and decoded with the link-level blocks.

Modules, one concept each: :mod:`~.schema` (scenario, parsing only), :mod:`~.checks`
(its semantic checks), :mod:`~.units` (one SimPy run per sweep point), :mod:`~.traffic`
(arrivals), :mod:`~.medium` (resource blocks; a new scheduler registers in
:data:`~.medium.SCHEDULERS`), :mod:`~.links` (SNR, fading, batched decoding),
:mod:`~semcom.simulator.network.engine` (the SimPy simulation of a unit), :mod:`~.metrics`
(a unit's row; a new network metric goes here and into ``NETWORK_COLUMNS``),
:mod:`~.alignment` (cost of making agents understand each other),
:mod:`~semcom.simulator.network.summary`,
:mod:`~semcom.simulator.network.plots`, :mod:`~semcom.simulator.network.runner` (store, exports).

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
