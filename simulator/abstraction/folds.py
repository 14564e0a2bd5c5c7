"""The test set in two halves, so a table never predicts a decision on a sample that built it.

Every table counts its correct decisions per half (*fold*) of the test set as well as in total.
The study uses the total. Calibration and validation cross the halves: a message whose sample
is in fold ``f`` is predicted by the table of the other fold's samples
(:meth:`~.table.AbstractionTable.held_out`), and the link-level accuracy it is compared with is
that of fold ``f``'s samples. Pooling both directions is two-fold cross-validation: every
comparison is held out, and the difference between the two halves' difficulty (about
√(2·p(1−p)/N) in accuracy for N test samples, 0.03 for the 539 digits test samples at p = 0.6)
enters once with each sign instead of as a bias.

The halves are stratified by label (each class split evenly, the odd sample of a class to
alternating folds) and drawn from the study's seed.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.folds import split_folds
    folds = split_folds(np.array([0, 0, 1, 1, 1, 2]), seed=0)
    print(sorted(folds.tolist()), np.bincount(folds))        # [0, 0, 0, 1, 1, 1] [3 3]
"""

from __future__ import annotations

import numpy as np

from ..run.randomness import derive_rng

__all__ = ["split_folds", "NUM_FOLDS"]

#: Halves of the test set.
NUM_FOLDS = 2


def split_folds(labels: np.ndarray, seed: int) -> np.ndarray:
    """[N] fold (0 or 1) of each test sample, in test-set order, from its label [N] and ``seed``."""
    labels = np.asarray(labels)
    rng = derive_rng(seed, "abstraction-test-folds")
    folds = np.empty(len(labels), dtype=np.int64)
    odd = 0
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        where = where[rng.permutation(len(where))]
        folds[where] = (np.arange(len(where)) + odd) % NUM_FOLDS
        odd += len(where) % NUM_FOLDS
    return folds
