"""Every shipped link scenario's figures, drawn from synthetic rows shaped like its
results, read back from the drawn data (Line2D x/y data, axes sharing, texts): compared
curves share one axis, methods that do not depend on K are horizontal lines, a chance
line is drawn, SNR ticks sit at simulated points, and the figure is printed at an
IEEE column width with text of at least 7 pt."""

import math
from pathlib import Path

import pytest
from matplotlib.lines import Line2D

from semcom.simulator.figures import plotting
from semcom.simulator.kinds import plots
from semcom.simulator.link.schema import load_scenario
from semcom.simulator.link.units import expand_units
from semcom.transceivers.semantic import resolve_equalizer

ROOT = Path(__file__).resolve().parents[4]
LINK_SCENARIOS = sorted(
    p.name
    for p in (ROOT / "scenarios").glob("*.yaml")
    if not any(f"kind: {k}" in p.read_text() for k in ("network", "system", "abstraction"))
    and "stitching" not in p.name
)  # link studies only (stitch tables: heat maps)


def _synthetic_rows(sc) -> list[dict]:
    """Rows with the study's axes: relative messages cost K/2 uses, absolute ones a fixed
    latent size; accuracy rises with SNR (and with K for relative messages), varies by seed."""
    rows = []
    for u in expand_units(sc):
        if u.channel_uses is not None:  # a jscc unit: no anchors, no equaliser
            for snr in sc.axis("snr_db"):
                acc = min(0.99, 0.2 + 0.5 / (1 + math.exp(-float(snr) / 5)))
                rows.append(
                    dict(
                        scenario=sc.name,
                        tx_model=u.transmitter,
                        rx_model=u.receiver,
                        channel=u.channel,
                        snr_db=float(snr),
                        num_anchors=None,
                        anchor_selection=None,
                        scheme=u.scheme,
                        bits=None,
                        semantic_equalizer="jscc",
                        seed=u.seed,
                        channel_uses=float(u.channel_uses),
                        bits_per_sample=None,
                        n_samples=500,
                        accuracy=acc,
                        accuracy_low=acc - 0.04,
                        accuracy_high=acc + 0.04,
                        native_accuracy=0.95,
                        unit=f"{u.key}",
                    )
                )
            continue
        for snr in sc.axis("snr_db"):
            for eq in sc.axis("semantic_equalizer"):
                absolute, pilots = _absolute(sc, eq), _pilots(sc, eq)
                # aligned fits its map on K pilots: better with K although its rate is not
                k_gain = (
                    0.03 * math.log2(u.num_anchors)
                    if pilots
                    else 0.0
                    if absolute
                    else 0.05 * math.log2(u.num_anchors)
                )
                acc = min(0.99, 0.1 + 0.5 / (1 + math.exp(-float(snr) / 5)) + k_gain + 0.01 * (u.seed % 3))
                rows.append(
                    dict(
                        scenario=sc.name,
                        tx_model=u.transmitter,
                        rx_model=u.receiver,
                        channel=u.channel,
                        snr_db=float(snr),
                        num_anchors=u.num_anchors,
                        anchor_selection=u.anchor_selection,
                        scheme=u.scheme,
                        bits=u.bits,
                        semantic_equalizer=eq,
                        seed=u.seed,
                        channel_uses=16.0 if absolute else u.num_anchors / 2,
                        bits_per_sample=None,
                        n_samples=500,
                        accuracy=acc,
                        accuracy_low=acc - 0.04,
                        accuracy_high=acc + 0.04,
                        native_accuracy=0.95,
                        setup_channel_uses=16.0 * u.num_anchors if pilots else None,
                        unit=f"{u.key}",
                    )
                )
    return rows


def _absolute(sc, eq: str) -> bool:
    """Whether equaliser ``eq`` (registered or a named receiver) takes the absolute latent."""
    return resolve_equalizer(eq, sc.semantic_equalizers.get(eq))[0].message == "absolute"


def _pilots(sc, eq: str) -> bool:
    """Whether receiver ``eq`` is an ``aligned`` one (its K anchor pairs are sent as pilots)."""
    from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS

    return resolve_equalizer(eq, sc.semantic_equalizers.get(eq))[0] is SEMANTIC_EQUALIZERS.get("aligned")


def _render(tmp_path, name: str, width: str = "double"):
    sc = load_scenario(ROOT / "scenarios" / name)
    run = tmp_path / "run"
    run.mkdir()
    spec = sc.model_dump(mode="json")
    spec["figure"] = {"width": width}
    spec.pop("channels")  # no Shannon reference lines
    rows = _synthetic_rows(sc)
    plots.plot_all(rows, run / "plots", "link", spec)
    return sc, rows


def _lines(ax) -> list[Line2D]:
    return [ln for ln in ax.get_lines() if ln.get_gid() not in ("chance", "native")]


def _chance(ax) -> list:
    """The hatched region below chance (a patch: dots mean an SNR level)."""
    return [p for p in ax.patches if p.get_gid() == "chance"]


# the zoo's figures (many panels) take the longest to draw: they run with the slow tests
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n == "alignment_zoo.yaml" else n for n in LINK_SCENARIOS],
)
def test_each_figure_tells_one_story(tmp_path, drawn, name):
    sc, rows = _render(tmp_path, name)
    if len(sc.axis("num_anchors")) >= 2:  # two rates make a rate-accuracy figure
        assert "rate_accuracy" in drawn, list(drawn)
    assert drawn, name
    snrs = {float(s) for s in sc.axis("snr_db")}
    absolute = {eq for eq in sc.axis("semantic_equalizer") if _absolute(sc, eq)}
    for fig_name, fig in drawn.items():
        axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_lines()]
        assert fig.get_size_inches()[0] == pytest.approx(plotting.FIGURE_WIDTHS["double"])
        for ax in axes[1:]:  # every compared panel on one x and one y axis
            assert ax.get_shared_x_axes().joined(axes[0], ax), fig_name
            assert ax.get_shared_y_axes().joined(axes[0], ax), fig_name
        for ax in axes:
            chance = _chance(ax)
            assert len(chance) == 1 and chance[0].get_bbox().y1 == pytest.approx(0.1), fig_name
            dashed = {ln.get_linestyle() for ln in ax.get_lines() if ln.get_gid() in ("native", "chance")}
            assert dashed <= {"-"}, fig_name  # dashes and dots mean SNR levels only
            if ax.get_xlabel().startswith("SNR"):
                assert {float(t) for t in ax.get_xticks()} <= snrs, (fig_name, ax.get_xticks())
            for ln in _lines(ax):
                gid = ln.get_gid() or ""
                if gid.startswith("k_independent:"):
                    assert len(set(ln.get_ydata())) == 1, (fig_name, gid)  # a horizontal line
        texts = [
            t
            for t in fig.findobj(lambda o: hasattr(o, "get_fontsize") and hasattr(o, "get_text"))
            if t.get_text() and t.get_visible()
        ]
        assert min(t.get_fontsize() for t in texts) >= 7, fig_name
    # K-independent equalisers: a point at their own rate per SNR level in each panel, never a line over K
    rate_axes = (
        [ax for ax in drawn["rate_accuracy"].axes if ax.get_lines()] if "rate_accuracy" in drawn else []
    )
    for ax in rate_axes:
        refs = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("own_rate:")]
        assert {ln.get_gid().split(":", 1)[1] for ln in refs} == absolute, ax.get_title()
        assert all(list(ln.get_xdata()) == [16.0] for ln in refs)  # the absolute latent's own rate
        curves = [ln for ln in _lines(ax) if ln.get_gid() is None and len(ln.get_xdata()) > 1]
        assert all(len(set(ln.get_xdata())) > 1 for ln in curves)


def test_compared_schemes_share_one_axis(tmp_path, drawn):
    sc, rows = _render(tmp_path, "digital_vs_analog.yaml")
    fig = drawn["compare_scheme"]
    ax = next(ax for ax in fig.axes if ax.get_lines())
    curves = [ln for ln in _lines(ax) if len(ln.get_xdata()) > 1]
    # analog and every (digital scheme, bits) pair: one curve each, on one SNR axis
    units = {(u.scheme, u.bits) for u in expand_units(sc)}
    assert len(curves) == len(units)
    assert {tuple(ln.get_xdata()) for ln in curves} == {tuple(sorted(float(s) for s in sc.axis("snr_db")))}


def test_single_column_width_and_too_few_points_skip_the_figure(tmp_path, drawn):
    _render(tmp_path, "anchors_random_vs_prototypical.yaml", width="single")
    assert all(fig.get_size_inches()[0] == pytest.approx(3.5) for fig in drawn.values())
    assert "accuracy_vs_snr" not in drawn  # 2 SNR points: no curve over SNR
    assert "accuracy_vs_anchors" in drawn


def test_aligned_is_a_point_at_its_own_rate_but_a_curve_over_k(tmp_path, drawn):
    """`aligned` sends one latent per sample whatever K (a point at its own rate on the rate
    axis, at its accuracy with the most pilots), but fits its map on the K anchor pairs, so
    against K it is a curve; `none`, which uses no anchors, is a line against K."""
    sc, rows = _render(tmp_path, "channel_aware_receivers.yaml")
    k_max = max(sc.axis("num_anchors"))
    rate_ax = next(ax for ax in drawn["rate_accuracy"].axes if ax.get_lines())
    snr = max(float(s) for s in sc.axis("snr_db"))
    ref = max(
        (ln for ln in rate_ax.get_lines() if ln.get_gid() == "own_rate:aligned"),
        key=lambda ln: ln.get_ydata()[0],
    )  # the highest SNR's point
    channel = next(c for c in sc.axis("channel") if c in rate_ax.get_title())
    expect = [
        r["accuracy"]
        for r in rows
        if r["semantic_equalizer"] == "aligned"
        and r["num_anchors"] == k_max
        and r["snr_db"] == snr
        and r["channel"] == channel
    ]
    levels = set(ref.get_ydata())
    assert len(levels) == 1 and levels.pop() == pytest.approx(sum(expect) / len(expect))
    for ax in drawn["equalizers_vs_anchors"].axes:
        gids = {ln.get_gid() for ln in ax.get_lines()}
        assert not any(g and g.startswith("k_independent:aligned") for g in gids), ax.get_title()
