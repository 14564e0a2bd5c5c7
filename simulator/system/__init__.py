"""System-level studies (``kind: system``): multicell geometry, interference, power control,
scheduling and semantic link adaptation on Sionna's system-level blocks, decisions drawn from
semantic PHY abstraction tables (:mod:`semcom.simulator.abstraction`).

Modules, one concept each: :mod:`~.schema` (scenario, parsing only), :mod:`~.checks`
(names, overlaps, table coverage), :mod:`~.units`, :mod:`~.tables` (the tables a study
reads), :mod:`~.geometry` (drops), :mod:`~.radio` (arrivals, power, EESM decisions,
interference), :mod:`~.link_adaptation` (a new policy goes here), :mod:`~.engine` (one
unit, vectorised), :mod:`~.linklevel` (the link-level check of a run), :mod:`~.metrics`,
:mod:`~.summary`, :mod:`~.plots`, :mod:`~.runner` (store, exports). The conventional 5G NR
bit pipe (policy ``conventional_5g``): :mod:`~.conventional` (MCS, outer loop, TB outcomes),
:mod:`~.transport_blocks` (NR TBS), :mod:`~.harq` (retransmissions, soft combining),
:mod:`~.payload` (what it carries, what a delivered payload is worth, Sionna's MCS tables).
"""
