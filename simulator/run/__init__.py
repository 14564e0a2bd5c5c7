"""Running: the kind-agnostic lifecycle of a study's run. No module here knows a kind.

* :mod:`~.lifecycle`: the store cycle every kind's runner goes through (open, skip the units
  already done, write rows as they come, export) and the run's manifest.
* :mod:`~.stopping`: the stopping rule of adaptive Monte Carlo (how many more replicates a
  point needs; the lifecycle runs the rounds a kind asks for).
* :mod:`~.executors`: inline, local processes, Dask; each receives the kind's unit runner.
  :mod:`~.pool` is the local process pool (supervised workers, kept for the whole study).
* :mod:`~.context`: what every unit of every kind shares in a process (the study's data, the
  agents' latent spaces, the anchors they agree on).
* :mod:`~.randomness`: the one owner of randomness (:func:`~.randomness.derive_rng`,
  :func:`~.randomness.derive_seed`): every draw derives from the scenario's seed and what it
  is for, so results are identical whatever the executor.

A kind's own runner (what it prepares, how it expands to units) lives with the kind
(``link/runner.py``, ``network/runner.py``, ``system/runner.py``, ``stitch/runner.py``).

The map of the whole layout (where a new piece goes): ``docs/design.md``.
"""
