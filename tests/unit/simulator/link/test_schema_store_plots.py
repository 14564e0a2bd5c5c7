"""Unit tests of the study machinery: sweep axes, the results store, summary and plots."""

import sqlite3

import pytest

from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.core.outputs import mark_output_dir
from semcom.simulator.kinds.plots import plot_all
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.results.store import ResultsStore, StoreError, read_rows
from semcom.simulator.figures.plot_rows import accuracy_curve
from semcom.simulator.kinds import get_kind
from semcom.simulator.link.units import expand_units

BASE = dict(
    name="u",
    seed=4,
    models=dict(a=dict(kind="pca", latent_dim=8)),
    sweep=dict(snr_db=0, num_anchors=4, transmitter="a", receiver="a"),
)


def _sc(**sweep):
    return parse_scenario({**BASE, "sweep": {**BASE["sweep"], **sweep}})


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"start": -10, "stop": 20, "step": 5}, [-10, -5, 0, 5, 10, 15, 20]),
        ({"start": 0, "stop": 1, "step": 0.1}, [round(0.1 * i, 10) for i in range(11)]),
        ([3, -1.5], [3, -1.5]),
        (7, [7]),
    ],
)
def test_snr_axis_forms(value, expected):
    assert _sc(snr_db=value).axis("snr_db") == pytest.approx(expected)


def test_integer_range_axis_and_default_seed():
    sc = _sc(num_anchors={"start": 2, "stop": 8, "step": 2})
    assert sc.axis("num_anchors") == [2, 4, 6, 8] and all(isinstance(k, int) for k in sc.axis("num_anchors"))
    assert sc.axis("seed") == [4]  # the scenario seed
    assert _sc(seed=[1, 2]).axis("seed") == [1, 2]


def test_units_are_the_product_of_the_unit_axes_and_a_repeated_value_is_refused():
    units = expand_units(_sc(num_anchors=[4, 8], seed=[1, 2], receiver=["a"]))
    assert len(units) == 4 and len({u.key for u in units}) == 4
    for sweep in (dict(num_anchors=[4, 8, 4]), dict(snr_db=[0, 10, 0.0])):  # two rows for one point
        with pytest.raises(ScenarioError) as exc:
            _sc(**sweep)
        assert exc.value.field == f"sweep.{next(iter(sweep))}" and "repeats entry [0]" in str(exc.value)


@pytest.mark.parametrize(
    "sweep, field",
    [
        (dict(num_anchors={"start": 8, "stop": 2, "step": 2}), "sweep.num_anchors"),
        (dict(snr_db=[0, True]), "sweep.snr_db"),
        (dict(receiver=[]), "sweep.receiver"),
        (dict(receiver=[1]), "sweep.receiver"),
    ],
)
def test_bad_axes_raise_scenario_errors_naming_the_field(sweep, field):
    with pytest.raises(ScenarioError) as exc:
        _sc(**sweep)
    assert exc.value.field == field


def _row(unit, snr, acc, seed=1, **kw):
    return dict(
        scenario="u",
        tx_model="a",
        rx_model="b",
        channel="awgn",
        snr_db=snr,
        num_anchors=4,
        anchor_selection="random",
        scheme="analog",
        semantic_equalizer="relative",
        seed=seed,
        channel_uses=2.0,
        accuracy=acc,
        accuracy_low=acc - 0.05,
        accuracy_high=acc + 0.05,
        native_accuracy=0.9,
        unit=unit,
        **kw,
    )


def test_store_commit_is_atomic_and_rows_follow_the_unit_order(tmp_path):
    with ResultsStore(tmp_path, "h1") as store:
        store.commit_unit("u2", 1, [_row("u2", 0, 0.5)])
        store.commit_unit("u1", 0, [_row("u1", 0, 0.4), _row("u1", 10, 0.8)])
        with pytest.raises(RuntimeError):
            store.commit_unit("u3", 2, ({**_row("u3", 0, 0.1)} if i == 0 else _boom() for i in range(2)))
        assert store.finished_units() == {"u1", "u2"}  # u3: nothing, not half
        store.set_unit_order(["u2", "u1"])
    assert [r["unit"] for r in read_rows(tmp_path)] == ["u2", "u1", "u1"]


def _boom():
    raise RuntimeError("crash while producing rows")


def test_store_refuses_another_study_and_a_second_writer(tmp_path):
    with ResultsStore(tmp_path, "h1") as store:
        store.commit_unit("u1", 0, [_row("u1", 0, 0.4)])
        with pytest.raises(StoreError, match="in use"):
            ResultsStore(tmp_path, "h1")
    with pytest.raises(StoreError, match="different study"):
        ResultsStore(tmp_path, "h2")
    with ResultsStore(tmp_path, "h2", force=True) as store:
        assert store.finished_units() == set()


def test_corrupt_store_is_a_one_line_error_or_replaced_with_force(tmp_path):
    """semcom's own store, damaged (its folder's marker lists it), is replaced on --force;
    an unreadable file semcom cannot tell it wrote is never replaced."""
    mark_output_dir(tmp_path, ["results.sqlite"])
    (tmp_path / "results.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a readable results store"):
        ResultsStore(tmp_path, "h")
    with pytest.raises(StoreError, match="not a readable results store"):
        read_rows(tmp_path)
    with (
        pytest.warns(UserWarning, match="--force: replacing semcom's unreadable results store"),
        ResultsStore(tmp_path, "h", force=True) as store,
    ):
        assert store.finished_units() == set()
    assert (
        sqlite3.connect(tmp_path / "results.sqlite").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    )
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "results.sqlite").write_bytes(b"this is not sqlite" * 100)
    for force in (False, True):
        with pytest.raises(SemcomInputError, match="results.sqlite"):
            ResultsStore(foreign, "h", force=force)
    assert (foreign / "results.sqlite").read_bytes() == b"this is not sqlite" * 100


def test_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SemcomInputError, match="is a file, not a folder"):
        ResultsStore(tmp_path / "file", "h")


def test_curve_band_is_the_t_interval_over_seeds_or_the_wilson_interval():
    one = [_row("u", 0, 0.5)]
    x, y, lo, hi = accuracy_curve(one, "snr_db")
    assert (lo[0], y[0], hi[0]) == pytest.approx((0.45, 0.5, 0.55))
    seeds = [_row("u", 0, 0.5, seed=1), _row("v", 0, 0.6, seed=2), _row("w", 0, 0.7, seed=3)]
    x, y, lo, hi = accuracy_curve(seeds, "snr_db")
    # 95% t-interval of the mean of 0.5, 0.6, 0.7: sd 0.1, t(0.975, 2 dof) = 4.3027
    half = 4.3027 * 0.1 / 3**0.5
    assert (lo[0], y[0], hi[0]) == pytest.approx((0.6 - half, 0.6, 0.6 + half), abs=1e-4)


def test_plots_keep_receivers_apart_and_summary_sorts_k_numerically(tmp_path):
    rows = [_row("u", s, 0.2 + 0.01 * s) for s in (0, 10, 20)]
    rows += [{**r, "rx_model": "c", "accuracy": 0.9} for r in rows]
    rows += [{**r, "num_anchors": k, "channel_uses": k / 2} for r in rows for k in (16, 64)]
    paths = plot_all(rows, tmp_path, "link")
    # receivers are compared on one axis (compare_rx_model), never averaged together
    assert {p.stem for p in paths} == {
        "rate_accuracy",
        "accuracy_vs_snr",
        "accuracy_vs_anchors",
        "compare_rx_model",
    }
    assert all(p.stat().st_size > 10_000 and p.with_suffix(".pdf").is_file() for p in paths)
    table = get_kind("link").summary_table(rows).splitlines()
    ks = [line.split()[3] for line in table[2:-1]]
    assert ks == ["4", "16", "64", "4", "16", "64"]
