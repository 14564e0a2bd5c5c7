"""Fixtures the simulator's figure tests share."""

from pathlib import Path

import pytest

from semcom.simulator.figures import plotting


@pytest.fixture
def drawn(monkeypatch):
    """Figures that plot_all would save, kept open for inspection."""
    figures = {}

    def keep(fig, out_dir, name):
        figures[name] = fig
        return [Path(out_dir) / f"{name}.png"]

    monkeypatch.setattr(plotting, "save_figure", keep)  # every figure saves through the scaffolding
    yield figures
    import matplotlib.pyplot as plt

    for fig in figures.values():
        plt.close(fig)
