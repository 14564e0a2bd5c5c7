"""The error-rate figure says what it draws: "by scheme" only over several schemes, and the
legend's "no error seen" entry only where a point without errors was left out."""

import matplotlib.pyplot as plt
import pytest

from semcom.simulator.figures.style import FigureStyle
from semcom.simulator.link.error_plots import error_rates_figure


def _rows(schemes=(("ldpc", 2),), errors=(40, 12, 3)) -> list[dict]:
    return [
        dict(
            scheme=scheme,
            bits=bits,
            channel="rayleigh",
            semantic_equalizer="relative",
            num_anchors=64,
            snr_db=snr,
            codewords=1000,
            block_errors=e,
            bler=e / 1000,
            ber=e / 20000,
        )
        for scheme, bits in schemes
        for snr, e in zip((0.0, 5.0, 10.0), errors)
    ]


def _texts(fig) -> tuple[str, list[str]]:
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    return fig.get_suptitle(), legend


@pytest.mark.parametrize(
    "schemes, errors, title, no_error_entry",
    [
        ((("ldpc", 2),), (40, 12, 3), "ldpc, 2 bits", False),
        ((("ldpc", 2),), (40, 12, 0), "ldpc, 2 bits", True),
        ((("ldpc", 2), ("ldpc", 4)), (40, 12, 3), "by scheme", False),
    ],
)
def test_title_and_legend_name_what_is_drawn(schemes, errors, title, no_error_entry):
    fig = error_rates_figure(_rows(schemes, errors), FigureStyle())
    try:
        suptitle, legend = _texts(fig)
        assert title in suptitle and ("by scheme" in suptitle) == (len(schemes) > 1)
        assert any(t.startswith("no error seen") for t in legend) == no_error_entry
    finally:
        plt.close(fig)


def test_too_few_snr_points_draw_nothing():
    assert error_rates_figure(_rows()[:2], FigureStyle()) is None
