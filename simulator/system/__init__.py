"""System-level studies (``kind: system``): an NR uplink/downlink over Sionna's 38.901 multicell
geometry (resource grid, correlated fast fading, interference, power control, scheduling,
semantic link adaptation), decisions drawn from semantic PHY abstraction tables
(:mod:`semcom.simulator.abstraction`).

Modules, one concept each: :mod:`~.schema` and :mod:`~.schema_radio` (scenario, parsing
only), :mod:`~.checks`, :mod:`~.units`, :mod:`~.tables` (the tables a study reads),
:mod:`~.grid` (PRBs and the RE mapping of messages), :mod:`~.geometry` (drops),
:mod:`~.traffic`, :mod:`~.radio` (power, fading, SINR, estimates), :mod:`~.scheduler`
(priority, placement), :mod:`~.link_adaptation` (a new policy goes here), :mod:`~.packing`,
:mod:`~.decisions` (effective SINR, decisions, record mode), :mod:`~.engine` (one unit),
:mod:`~.metrics` and :mod:`~.user_rows` (rows of a unit), :mod:`~.aggregate` (over drops),
:mod:`~.own_regime` (the tables calibrated and validated on the study's own messages) and
:mod:`~.calibrated` (that result, cached, and the tables with it), :mod:`~.summary`, :mod:`~.plots`,
:mod:`~.runner` (store, exports). The conventional 5G NR
bit pipe (policy ``conventional_5g``): :mod:`~.conventional` (MCS, outer loop, TB outcomes),
:mod:`~.transport_blocks` (NR TBS), :mod:`~.harq` (retransmissions, soft combining),
:mod:`~.payload` (what it carries, what a delivered payload is worth, Sionna's MCS tables).
"""
