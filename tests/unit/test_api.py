"""The Python API: the README's notebook-style example runs, and what it returns is the
store's rows aggregated over replicates (``frame``), the rows themselves (``replicates``)
and the table of every SNR point with its interval (``table``)."""

import json
import re
import sqlite3
from pathlib import Path

import pytest

import semcom
from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.simulator.link.points import POINT_COLUMNS
from semcom.simulator.link.rows import COLUMNS

README = Path(__file__).resolve().parents[2] / "README.md"

SYNTHETIC = dict(
    name="api",
    data={"dataset": "synthetic", "limit": 300},
    models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    sweep={
        "snr_db": [0.0],
        "num_anchors": 8,
        "transmitter": "a",
        "receiver": "b",
        "semantic_equalizer": ["relative", "none"],
    },
)


def _example() -> str:
    text = README.read_text()
    block = re.search(r"<!-- api-example[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert block, "the README lost its API example"
    return block.group(1)


def test_readme_example_runs_and_its_frame_is_the_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    exec(compile(_example(), str(README), "exec"), ns)
    frame, result = ns["frame"], ns["result"]
    # 2 receivers x 1 K x 2 SNR points x 3 semantic equalisers, results.csv's columns in order
    assert len(frame) == 2 * 1 * 2 * 3 and list(frame.columns) == POINT_COLUMNS
    assert sorted(frame.snr_db.unique()) == [0.0, 10.0] and set(frame.num_anchors) == {8}
    assert (frame.replicates == 3).all()
    assert ((frame.accuracy_low <= frame.accuracy) & (frame.accuracy <= frame.accuracy_high)).all()
    # the frame is what the SQL table holds, read independently: per point, the mean of its 3 seeds
    db = sqlite3.connect(result.out / "results.sqlite")
    sql = {}
    for key, acc in db.execute(
        "select rx_model || '/' || semantic_equalizer || '/' || snr_db, accuracy from results"
    ):
        sql.setdefault(key, []).append(acc)
    for r in frame.itertuples():
        assert sum(sql[f"{r.rx_model}/{r.semantic_equalizer}/{r.snr_db}"]) / 3 == pytest.approx(
            r.accuracy, abs=1e-6
        )
    replicates = result.replicates
    assert list(replicates.columns) == COLUMNS and len(replicates) == 3 * len(frame)
    assert ns["again"].frame.equals(frame) and ns["again"].kind == "link"
    table = ns["table"]
    assert list(table.columns) == ["tx", "rx", "equalizer", "K", "uses/sample", "acc @ 0 dB", "acc @ 10 dB"]
    cnn = frame[
        (frame.rx_model == "cnn") & (frame.semantic_equalizer == "relative") & (frame.snr_db == 10.0)
    ].iloc[0]
    cell = table[(table.rx == "cnn") & (table.equalizer == "relative")]["acc @ 10 dB"].iloc[0]
    assert cell == f"{100 * cnn.accuracy:.1f} [{100 * cnn.accuracy_low:.1f}, {100 * cnn.accuracy_high:.1f}]"
    # the figure draws the frame's means: a panel per link, a curve per equaliser, points at the SNRs
    fig = ns["fig"]
    assert len(fig.axes) == 2
    ax = fig.axes[0]
    tx, rx = ax.get_title().split(" → ")
    part = frame[(frame.tx_model == tx) & (frame.rx_model == rx)]
    curves = [line for line in ax.lines if line.get_gid() == "curve"]
    assert len(curves) == part.semantic_equalizer.nunique() == 3
    for line in curves:
        expect = part[part.semantic_equalizer == line.get_label()].groupby("snr_db").accuracy.mean()
        assert list(line.get_xdata()) == list(expect.index)
        assert list(line.get_ydata()) == pytest.approx(list(expect.values))


def test_run_takes_a_mapping_resumes_and_defaults_to_a_new_folder(tmp_path):
    first = semcom.run(SYNTHETIC, tmp_path / "a", quiet=True)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    again = semcom.run(SYNTHETIC, tmp_path / "a", quiet=True)  # resumes: same rows, nothing rerun
    assert again.frame.equals(first.frame) and len(first) == 2
    # a rerun that ran nothing keeps the manifest of the run that computed the rows
    assert (
        json.loads((tmp_path / "a" / "manifest.json").read_text())["finished_at"] == manifest["finished_at"]
    )
    assert manifest["units_run"] == 1
    auto = semcom.run(SYNTHETIC, quiet=True, **{"sweep.snr_db": [0.0, 20.0]})
    assert auto.out.is_dir() and auto.out != first.out and len(auto) == 4
    # the override reached the study (noise of all SNR points is one batched draw, so the
    # 0 dB accuracies need not repeat the first run's)
    assert sorted(auto.frame.snr_db.unique()) == [0.0, 20.0]


def test_bad_input_is_one_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"sweep.snr_db"):
        semcom.run(SYNTHETIC, tmp_path / "b", **{"sweep.snr_db": "loud"})
    with pytest.raises(ScenarioError, match=r"name: is not a mapping"):
        semcom.run(SYNTHETIC, tmp_path / "b", **{"name.x": 1})
    with pytest.raises(SemcomInputError, match="expected a YAML path"):
        semcom.run(42)
    with pytest.raises(SemcomInputError, match="holds no semcom results"):
        semcom.load(tmp_path / "nothing")
    result = semcom.run(SYNTHETIC, tmp_path / "c", quiet=True)
    with pytest.raises(SemcomInputError, match="column 'loudness' is not in the results"):
        result.plot(x="loudness")


def test_load_reads_a_network_store_with_its_columns_and_default_axes(tmp_path):
    from semcom.simulator.network.metrics import NETWORK_COLUMNS
    from semcom.simulator.results.store import ResultsStore

    rows = [
        dict(
            scenario="n",
            scheduler="fifo",
            semantic_equalizer=eq,
            offered_load=load,
            accuracy=acc,
            goodput=1.0,
            unit=f"u{load}",
        )
        for eq, load, acc in (
            ("relative", 0.5, 0.8),
            ("relative", 1.0, 0.6),
            ("aligned", 0.5, 0.9),
            ("aligned", 1.0, 0.7),
        )
    ]
    with ResultsStore(tmp_path, "h", kind="network") as store:
        for i, load in enumerate((0.5, 1.0)):
            store.commit_unit(f"u{load}", i, [r for r in rows if r["offered_load"] == load])
    result = semcom.load(tmp_path)
    assert result.kind == "network" and list(result.frame.columns) == [
        c for c in NETWORK_COLUMNS if c in rows[0]
    ]
    with pytest.raises(SemcomInputError, match="a network study has no table of SNR points"):
        result.table()
    lines = {
        line.get_label(): list(line.get_ydata())
        for line in result.plot().axes[0].lines
        if line.get_gid() == "curve"
    }
    assert lines == {"relative": [0.8, 0.6], "aligned": [0.9, 0.7]}
    assert result.plot().axes[0].get_xlabel() == "offered load"
