"""Result.plot and Result.table never average silently: a study axis the figure does not show
is refused in one line naming it (and its values), or picked with ``where=``; replicates of one
point are its mean with the 95% t-interval band."""

import math

import pytest

import semcom
from semcom.core.errors import SemcomInputError
from semcom.simulator.figures.curves import hidden_axes, plot_columns, select_rows

SWEPT_K = dict(
    name="api_k",
    data={"dataset": "synthetic", "limit": 300},
    models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    sweep={
        "snr_db": [0.0, 10.0],
        "num_anchors": [4, 8],
        "transmitter": "a",
        "receiver": "b",
        "semantic_equalizer": ["relative", "none"],
    },
)


@pytest.fixture(scope="module")
def swept_k(tmp_path_factory):
    return semcom.run(SWEPT_K, tmp_path_factory.mktemp("api_k") / "run", quiet=True)


def _curves(fig):
    return [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "curve"]


def test_plot_refuses_to_average_over_a_hidden_axis_and_where_picks_one(swept_k):
    with pytest.raises(SemcomInputError) as refusal:
        swept_k.plot()  # accuracy vs SNR would mix K = 4 and K = 8
    message = str(refusal.value)
    assert "\n" not in message and "num_anchors (4, 8)" in message and "where=" in message
    frame = swept_k.frame
    fig = swept_k.plot(where={"num_anchors": 8})
    for line in _curves(fig):  # each curve is the K = 8 points of its equaliser, not a mean over K
        part = frame[(frame.num_anchors == 8) & (frame.semantic_equalizer == line.get_label())]
        assert list(line.get_xdata()) == sorted(part.snr_db)
        assert list(line.get_ydata()) == pytest.approx(list(part.sort_values("snr_db").accuracy))
    shown = swept_k.plot(by="num_anchors", where={"semantic_equalizer": "relative"})
    assert sorted(ln.get_label() for ln in _curves(shown)) == ["4", "8"]
    assert "top-1 accuracy" in fig.axes[0].get_ylabel() and "SNR" in fig.axes[0].get_xlabel()


def test_where_and_table_name_bad_columns_and_values_in_one_line(swept_k):
    for where, words in (
        ({"nope": 1}, "'nope' is not a column"),
        ({"num_anchors": 5}, "its values are 4, 8"),
    ):
        with pytest.raises(SemcomInputError, match=words) as err:
            swept_k.plot(where=where)
        assert "\n" not in str(err.value)
    table = swept_k.table(where={"num_anchors": 8})
    assert set(table.K) == {"8"} and len(table) == 2


def test_replicates_of_a_point_are_a_mean_with_its_t_band_and_other_axes_are_refused():
    rows = [
        {
            "offered_load": load,
            "scheduler": "fifo",
            "seed": seed,
            "accuracy": 0.5 + 0.1 * seed + 0.01 * load,
            "semantic_equalizer": "relative",
        }
        for load in (1, 2, 3)
        for seed in (1, 2, 3)
    ]
    fig = plot_columns(rows, "offered_load", by="semantic_equalizer", axes=("scheduler",))
    (line,) = _curves(fig)
    assert list(line.get_ydata()) == pytest.approx([0.71, 0.72, 0.73])
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    half = 4.302652729911275 * 0.1 / math.sqrt(3)  # t(0.975, 2) x s / sqrt(n)
    assert min(band) == pytest.approx(0.71 - half) and max(band) == pytest.approx(0.73 + half)
    mixed = rows + [{**r, "scheduler": "pf"} for r in rows]
    assert hidden_axes(mixed, ("semantic_equalizer", "offered_load"), ("scheduler",)) == {
        "scheduler": ["fifo", "pf"]
    }
    with pytest.raises(SemcomInputError, match=r"scheduler \(fifo, pf\)"):
        plot_columns(mixed, "offered_load", axes=("scheduler",))
    assert len(select_rows(mixed, {"scheduler": ["pf"]}, ["scheduler"])) == len(rows)
