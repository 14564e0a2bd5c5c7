"""System-level studies (``kind: system``): multicell geometry, interference, power control,
scheduling and semantic link adaptation on Sionna's system-level blocks, decisions drawn from
semantic PHY abstraction tables (:mod:`semcom.simulator.abstraction`).

Modules, one concept each: :mod:`~.schema` (scenario, parsing only), :mod:`~.checks`
(names, overlaps, table coverage), :mod:`~.units`, :mod:`~.tables` (the tables a study
reads), :mod:`~.geometry` (drops), :mod:`~.radio` (arrivals, power, EESM decisions,
interference), :mod:`~.link_adaptation` (a new policy goes here), :mod:`~.engine` (one
unit, vectorised), :mod:`~.linklevel` (the link-level check of a run), :mod:`~.metrics`,
:mod:`~.summary`, :mod:`~.plots`, :mod:`~.runner` (store, exports).
"""
