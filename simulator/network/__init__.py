"""Network-level studies (``kind: network``): many heterogeneous agents sharing one
wireless medium, simulated with SimPy and decoded with the link-level blocks.

Modules, one concept each: :mod:`~.schema` (scenario), :mod:`~.traffic` (arrivals),
:mod:`~.medium` (resource blocks, schedulers), :mod:`~.links` (SNR, fading, batched
decoding), :mod:`~semcom.simulator.network.engine` (the SimPy simulation), :mod:`~.metrics`,
:mod:`~.alignment` (cost of making agents understand each other), :mod:`~.plots`,
:mod:`~semcom.simulator.network.runner` (store, exports).
"""
