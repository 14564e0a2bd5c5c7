"""Where a table's SINR grid needs its points: coarse where accuracy is flat or straight, fine
where it bends (a digital scheme's waterfall).

A table is read by linear interpolation between its points. A point the interpolation of its
neighbours already predicts within the table's own noise adds nothing but cost, and below a
digital scheme's waterfall each point is expensive (no codeword converges, so LDPC decoding
runs every iteration). :class:`AdaptiveGrid` evaluates every ``coarse_step`` of the fine grid
first, then bisects, round after round:

an interval whose ends agree (``|acc(b) − acc(a)|`` within the tolerance) is left as it is,
any other has its midpoint evaluated and its halves examined in the next round, down to the
fine grid's step. Where accuracy is monotone between two points, linear interpolation misses
it by at most the change between them, so every interval left coarse is read within the
tolerance. The tolerance of a comparison is the larger of ``tolerance`` and two standard errors
of the difference (binomial, from the counts), so noise alone does not refine; an interval is
refined when *any* table of the round needs it (the tables of one grid share their points).
Points are always on the fine grid; the check of the result against the full grid:
:mod:`benchmarks.abstraction_grid`.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.grid import AdaptiveGrid
    fine = np.arange(-6.0, 10.01, 0.5)
    acc = lambda s: 0.2 + 0.6 / (1 + np.exp(-4 * (s - 1.0)))       # a sharp waterfall at 1 dB
    grid = AdaptiveGrid(fine.tolist(), coarse_step=2.0, tolerance=0.01)
    points = grid.first()
    while points:
        points = grid.next({s: (round(acc(s) * 1e6), 10 ** 6) for s in grid.evaluated})
    print(len(grid.evaluated) < len(fine))                           # True: fewer points than the grid
"""

from __future__ import annotations

import math

__all__ = ["AdaptiveGrid"]


class AdaptiveGrid:
    """The evaluated points of one fine grid, refined round by round (see the module docstring).

    :param fine: the fine grid [dB], ascending, evenly spaced.
    :param coarse_step: the first round's spacing [dB] (`None`: every point at once, no refinement).
    :param tolerance: accuracy change across an interval above which it is bisected.
    """

    def __init__(self, fine: list[float], coarse_step: float | None, tolerance: float):
        self.fine = [float(s) for s in fine]
        self.tolerance = float(tolerance)
        n = len(self.fine)
        if coarse_step is None or n < 3:
            self._first = list(range(n))
            self._open: list[tuple[int, int]] = []
        else:
            step = self.fine[1] - self.fine[0]
            stride = max(1, int(round(coarse_step / step)))
            idx = list(range(0, n, stride))
            if idx[-1] != n - 1:
                idx.append(n - 1)
            self._first = idx
            self._open = list(zip(idx[:-1], idx[1:]))
        self._done: set[int] = set()

    @property
    def evaluated(self) -> list[float]:
        """SINRs evaluated so far, ascending."""
        return [self.fine[i] for i in sorted(self._done)]

    def first(self) -> list[float]:
        """The first round's points."""
        self._done.update(self._first)
        return [self.fine[i] for i in self._first]

    def next(self, curves) -> list[float]:
        """The next round's points, once the last round's are evaluated; [] when done.

        :param curves: one mapping per table, or one mapping: SINR → (correct, decisions) at every evaluated point.
        """
        if isinstance(curves, dict):
            curves = [curves]
        points, still = [], []
        for a, b in self._open:
            if b - a < 2 or not any(self._changes(c, a, b) for c in curves):
                continue
            m = (a + b) // 2
            still += [(a, m), (m, b)]
            if m not in self._done:
                points.append(m)
        self._open = still
        self._done.update(points)
        return [self.fine[i] for i in sorted(points)]

    def _stats(self, curve, i: int) -> tuple[float, float]:
        k, n = curve[self.fine[i]]
        p = k / n
        return p, max(p * (1.0 - p), 0.25 / n) / n

    def _changes(self, curve, a: int, b: int) -> bool:
        (pa, va), (pb, vb) = self._stats(curve, a), self._stats(curve, b)
        return abs(pb - pa) > max(self.tolerance, 2.0 * math.sqrt(va + vb))
