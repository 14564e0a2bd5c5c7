"""The semantic PHY abstraction: accuracy against (effective) SINR per link configuration.

The system level never decodes symbols: it reads these tables, built by the link-level
engine on a SINR grid (:func:`~.build.build_table_set`), maps a message's per-RE SINRs
to one effective SINR with the table's mapping (:mod:`~.mappings`: ``mean_noise`` for
analog messages, EESM with a fitted β for digital ones, both evaluated stably) and draws the
decision with the table's accuracy there. A system study calibrates and validates its tables
on its own messages (:mod:`~.regime`, run by :mod:`semcom.simulator.system.own_regime`): the
engine's per-RE SINRs decoded by the link-level blocks (:mod:`~.reference`), predictions of
the held-out half of the test set (:mod:`~.folds`), β-free baselines beside them; the
inner loop's fading-averaged expectation comes from the same runs (:mod:`~.inner_loop`).

Modules, one concept each (import from them; this package imports nothing, so a system
scenario parses its ``abstraction`` section without torch): :mod:`.spec` (what to build),
:mod:`.table` (one table), :mod:`.tableset` (a set of tables and its file format),
:mod:`.folds` (the test set's halves), :mod:`.grid` (an adaptive SINR grid), :mod:`.eesm`,
:mod:`.mappings`, :mod:`.fitting` (a mapping's parameter and whether it is identifiable),
:mod:`.observe` (link-level runs observed per sample), :mod:`.build`, :mod:`.calibration`
(on channel families), :mod:`.predictors` and :mod:`.rows` (a prediction and its controls, the
rows of the checks), :mod:`.validation` (the held-out check and its summary), :mod:`.patterns`
(messages as the system sends them), :mod:`.reference` (their link-level decoding),
:mod:`.regime` (calibration and validation in a system's regime), :mod:`.inner_loop`.
"""
