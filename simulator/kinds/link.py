"""The link-level study (``kind: link``, the default): a sweep of point-to-point links.

Scenario :class:`~semcom.simulator.link.schema.Scenario`, checks
:func:`~semcom.simulator.link.checks.check_scenario`, units
:func:`~semcom.simulator.link.units.expand_units`, one unit
:func:`~semcom.simulator.link.engine.run_unit` (every SNR point and equaliser in one batched
pass), its run :class:`~semcom.simulator.link.runner.LinkRunner`, columns
:data:`~semcom.simulator.link.rows.COLUMNS`, summary :mod:`semcom.simulator.link.summary`, figures
:mod:`semcom.simulator.link.plots`.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..link.schema import Scenario
from ..link.units import UNIT_AXES, expand_units
from ..results.summary import with_note
from ..results.tables import render_table
from ..scenario.work import WorkEstimate, named_product, with_data
from .base import StudyKind, register_kind

__all__ = ["LinkKind", "cost_notes"]


class LinkKind(StudyKind):
    name = "link"
    describe = "a link-level study"
    error_sections = ("sweep", "data")
    results_csv = "results.csv"
    default_x = "snr_db"
    plot_panels = ("tx_model", "rx_model")
    captions = {
        "rate_accuracy": "Rate–accuracy: top-1 accuracy vs complex channel uses per sample (set by the "
        "number of anchors K), a colour per semantic equaliser, a line style per SNR. A method "
        "whose rate does not depend on K (the absolute latent: none, aligned) is a point at its "
        "own rate with its interval; aligned also sends its K pilot pairs once per link.",
        "accuracy_vs_snr": "Accuracy vs SNR (Es/N0 per complex channel use), a curve per number of "
        "anchors K; a panel per link and semantic equaliser.",
        "equalizers_vs_snr": "Accuracy vs SNR at the largest K, a curve per semantic equaliser.",
        "accuracy_vs_anchors": "Accuracy vs number of anchors K at the highest SNR, a curve per anchor "
        "selection strategy.",
        "equalizers_vs_anchors": "Accuracy vs number of anchors K, a curve per semantic equaliser, at low, "
        "middle and high SNR of the sweep (its quartiles).",
        "compare_rx_model": "Accuracy of each receiver on one axis (vs SNR at the largest K, or vs K), a panel "
        "per semantic equaliser; each receiver's native accuracy in its colour.",
        "compare_scheme": "Accuracy of each transmission scheme on one axis (vs SNR at the largest K, or vs K), "
        "a panel per semantic equaliser.",
        "compare_channel": "Accuracy over each channel model on one axis (vs SNR at the largest K, or vs K), "
        "a panel per semantic equaliser.",
        "error_rates_vs_snr": "Block and bit error rates of the digital schemes vs SNR (log axis), a panel per "
        "channel.",
    }

    def scenario_class(self) -> type:
        return Scenario

    def check(self, sc, check_data: bool = True) -> None:
        from ..link.checks import check_scenario  # lazy: keeps the kinds registry torch-free

        check_scenario(sc, check_data=check_data)

    def expand(self, sc) -> list:
        return expand_units(sc)

    def estimate_work(self, sc, check_data: bool = False) -> WorkEstimate:
        """Units from the sweep's unit axes; with the data, messages (test samples x SNR
        points x equalisers per unit), a unit's memory (data, latents, training, batched
        passes) and the training of the zoo encoders."""
        axes = {f"sweep.{a}": len(sc.axis(a)) for a in UNIT_AXES}
        if sc.stop is not None:  # the budget: a point may get up to max_replicates seeds
            del axes["sweep.seed"]
            axes["stop.max_replicates"] = sc.stop.max_replicates
        units, unit_axes = named_product(axes)
        estimate = WorkEstimate(int(units), drivers={"units": unit_axes})
        data = self.data_work(sc) if check_data else None
        if data is None:
            return estimate
        messages, driver = named_product(
            {
                unit_axes: units,
                "sweep.snr_db": len(sc.axis("snr_db")),
                "sweep.semantic_equalizer": len(sc.axis("semantic_equalizer")),
                "data.test_fraction": data.num_test,
                "passes": sc.passes,
            }
        )
        estimate = WorkEstimate(
            int(units),
            messages=messages,
            memory_bytes=PASS_BYTES,
            drivers={"units": unit_axes, "messages": driver},
        )
        return with_data(estimate, data)

    def runner(self):
        from ..link.runner import LinkRunner  # lazy: keeps the kinds registry torch-free

        return LinkRunner()

    def columns(self) -> list[str]:
        from ..link.rows import COLUMNS  # lazy: keeps the kinds registry free of numpy-heavy engine modules

        return COLUMNS

    def result_columns(self) -> list[str]:
        from ..link.points import POINT_COLUMNS  # lazy: the interval math loads scipy

        return POINT_COLUMNS

    def summary_rows(self, rows: list[dict]):
        from ..link.points import point_rows  # lazy: the interval math loads scipy
        from ..link.summary import point_table  # lazy: as above

        return point_table(point_rows(rows))

    def point_table(self, rows: list[dict], snr="all", interval: bool = True, native: bool = False):
        """:func:`~semcom.simulator.link.summary.point_table` of the points of ``rows``."""
        from ..link.points import point_rows  # lazy: the interval math loads scipy
        from ..link.summary import point_table  # lazy: as above

        return point_table(point_rows(rows), snr=snr, interval=interval, native=native)

    def summary_table(
        self, rows: list[dict], fmt: str = "text", snr="ends", interval: bool = True, native: bool = False
    ) -> str:
        """The table of :mod:`semcom.simulator.link.summary` in ``fmt``: ``snr`` ("ends", "all"
        or values in dB), ``interval``, ``native`` as :func:`~semcom.simulator.link.summary.point_table`."""
        from ..link.points import point_rows  # lazy: the interval math loads scipy
        from ..link.summary import point_table, table_note  # lazy: as above

        if not rows:
            return "no results yet"
        points = point_rows(rows)
        header, body = point_table(points, snr=snr, interval=interval, native=native)
        return with_note(render_table(header, body, fmt), table_note(points, interval), fmt)

    def result_rows(self, rows: list[dict], out_dir: Path | None = None) -> list[dict]:
        """``results.csv``'s rows: a row per point, aggregated over replicates (``target_met``
        from the ``stop`` of the run's ``scenario.yaml`` in ``out_dir``)."""
        from ..link.points import point_rows, stored_stop  # lazy: the interval math loads scipy

        return point_rows(rows, stored_stop(out_dir) if out_dir is not None else None)

    def point_axes(self, rows: list[dict]) -> tuple[str, ...]:
        from ..link.points import POINT_AXES  # lazy: keeps the kinds registry free of the point math

        return POINT_AXES

    def figures(self, rows: list[dict], plots_dir: Path, style, scenario: dict) -> list[Path]:
        from ..link.plots import link_figures, shannon_references  # lazy: matplotlib only to draw
        from ..link.points import point_rows  # lazy: the interval math loads scipy

        return link_figures(point_rows(rows), plots_dir, style, shannon_references(scenario))

    def validate_lines(self, sc, source: str, check_data: bool = True) -> list[str]:
        units = self.expand(sc)
        e2e = sum(u.channel_uses is not None for u in units)  # jscc: one trained model, no equalizers
        snrs = len(sc.axis("snr_db"))
        line = (
            f"{source}: ok ({len(units) - e2e} units x {snrs} SNR points x "
            f"{len(sc.axis('semantic_equalizer'))} semantic equalizers"
            + (f", {e2e} jscc units x {snrs} SNR points)" if e2e else ")")
        )
        notes = cost_notes(sc, _num_test(sc) if check_data else None)
        if sc.stop is not None:
            notes.append(
                f"stop: the units above are the first round ({sc.stop.min_replicates} replicates per "
                f"point); points whose interval is wider than the target get more, up to "
                f"{sc.stop.max_replicates} replicates ({sc.stop.max_replicates / sc.stop.min_replicates:g} "
                "times the first round at most)"
            )
        return [line] + [f"note: {note}" for note in notes]


#: A unit's batched passes: a few [num_snr, chunk, message_dim] float32 tensors of
#: :data:`~semcom.simulator.link.engine.PASS_ELEMENTS` (2^22) elements at once.
PASS_BYTES = 16 * 4 * (1 << 22)


def _num_test(sc) -> int:
    from ..run.context import study_data  # lazy: keeps the kinds registry torch-free

    return len(study_data(sc).test_idx)


def cost_notes(sc, num_test: int | None) -> list[str]:
    """What makes a unit expensive: LDPC codewords a digital scheme decodes per unit (at the largest K)."""
    # lazy: keeps the kinds registry torch-free
    from semcom.transceivers.schemes.digital import codeword_layout

    from ..link.runner import scheme_settings  # lazy: keeps the kinds registry torch-free

    notes = []
    settings = scheme_settings(sc)
    k = max(int(x) for x in sc.axis("num_anchors"))
    for name in sc.axis("scheme"):
        s = settings[name]
        if s.get("kind") != "digital":
            continue
        bits = max([int(b) for b in sc.axis("bits") if b is not None] or [int(s["bits"])])
        layout = codeword_layout(k * bits, int(s["block_length"]), float(s["code_rate"]), 2)
        per_sample = layout.codewords_per_sample / layout.samples_per_codeword
        n_snr = len(sc.axis("snr_db"))
        passes = f" x {sc.passes} passes" if sc.passes > 1 else ""
        words = (
            math.ceil(num_test / layout.samples_per_codeword)
            * layout.codewords_per_sample
            * n_snr
            * sc.passes
        )
        per_unit = (
            f"{words:,} codewords of {layout.k} bits per unit ({num_test} test samples x {n_snr} SNR "
            f"points{passes})"
            if num_test
            else f"{per_sample * sc.passes:.3g} codewords of {layout.k} bits per test sample and SNR point"
        )
        notes.append(
            f"scheme '{name}' decodes LDPC ({s['num_iter']} belief-propagation iterations) at K = {k}, "
            f"{bits} bits: about {per_unit}; expect digital units to take far longer than analog ones"
        )
    return notes


LINK = register_kind(LinkKind())
