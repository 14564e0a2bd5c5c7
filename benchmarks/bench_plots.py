"""Figures fast enough to iterate: ``semcom plot`` and ``semcom report`` of the quickstart
study (six figures, each a PNG at 300 dpi and a PDF) as a user runs them, a fresh process
each, imports included; beside them where the time goes: the imports of the plotting path,
the drawing of the figures without saving them, and the floor (a process that imports the CLI).

Targets: ``semcom plot`` of the quickstart's figures (five: it compares one anchor strategy) within
6 s and ``semcom report`` within 1.5 s of it (it draws the same figures and embeds them), on a
quiet machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ROOT, best_of

#: A fresh process that imports what `semcom plot` imports, and draws nothing.
_IMPORTS = (
    "import semcom.simulator.cli, semcom.simulator.kinds.plots, semcom.simulator.link.plots, "
    "semcom.simulator.link.points"
)
#: Draws every figure of a folder without writing it (save_figure closes the figure instead).
_DRAW_ONLY = """
import sys, time
from pathlib import Path
import matplotlib.pyplot as plt
from semcom.simulator.figures import plotting
from semcom.simulator.kinds.plots import plot_run
import semcom.simulator.link.plots, semcom.simulator.link.points
def drop(fig, out_dir, name):
    plt.close(fig)
    return [Path(out_dir) / f"{name}.png"]
plotting.save_figure = drop
t0 = time.perf_counter()
plot_run(sys.argv[1])
print(time.perf_counter() - t0)
"""


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "semcom.simulator", *args], check=True, capture_output=True)


def run() -> dict:
    import semcom

    out = Path(tempfile.mkdtemp(prefix="bench_plots-")) / "quickstart"
    semcom.run(ROOT / "scenarios" / "quickstart.yaml", out, quiet=True, plots=False)
    floor, _ = best_of(
        lambda: subprocess.run([sys.executable, "-c", "import semcom.simulator.cli"], check=True)
    )
    imports, _ = best_of(lambda: subprocess.run([sys.executable, "-c", _IMPORTS], check=True))
    draw = min(
        float(
            subprocess.run(
                [sys.executable, "-c", _DRAW_ONLY, str(out)], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    )
    plot, _ = best_of(lambda: _cli("plot", str(out)))
    figures = len(list((out / "plots").glob("*.png")))
    report, _ = best_of(lambda: _cli("report", str(out)))
    return {
        "figures": figures,
        "semcom_plot_s": plot,
        "semcom_report_s": report,
        "process_floor_s": floor,
        "plotting_imports_s": imports,
        "drawing_without_saving_s": draw,
        "saving_png_pdf_s": max(0.0, plot - imports - draw),
        "plot_per_figure_s": plot / max(1, figures),
        "report_over_plot": report / plot,
        "targets": {
            "plot of the quickstart <= 6 s": plot <= 6.0,
            "report <= plot + 1.5 s": report <= plot + 1.5,
        },
    }
