"""The ``semcom`` command line."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from semcom.core.registry import UnknownNameError
from semcom.core.errors import SemcomInputError

__all__ = ["main"]


def _print_run(name: str, result) -> None:
    print(f"{name}: {result.units_run} of {result.units_total} units run "
          f"({result.units_total - result.units_run} already done) in {result.seconds:.1f} s")
    print(f"results: {result.csv}")
    for p in result.plots:
        print(f"plot:    {p}")


def _scenario(args, network: bool = False):
    """The scenario file with its ``--set KEY=VALUE`` overrides applied, parsed."""
    from semcom.core.overrides import apply_overrides, parse_set_options
    from .network.schema import parse_network_scenario
    from .schema import parse_scenario, read_scenario_yaml

    raw = apply_overrides(read_scenario_yaml(args.scenario), parse_set_options(args.set or []))
    return (parse_network_scenario if network else parse_scenario)(raw, str(args.scenario))


def _cmd_run(args) -> int:
    from .network.schema import scenario_kind
    from .runner import run_study

    if scenario_kind(args.scenario) == "network":
        return _run_network(args)
    sc = _scenario(args)
    result = run_study(sc, args.out, workers=args.workers, scheduler=args.scheduler,
                       quiet=args.quiet, force=args.force, plots=not args.no_plots)
    if not args.quiet:
        _print_run(sc.name, result)
    return 0


def _run_network(args) -> int:
    """`semcom run` of a `kind: network` scenario (SimPy engine; inline, --workers or --scheduler)."""
    from .network.runner import run_network_study

    sc = _scenario(args, network=True)
    result = run_network_study(sc, args.out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                               force=args.force, plots=not args.no_plots)
    if not args.quiet:
        _print_run(sc.name, result)
    return 0


def _validate_network(args) -> int:
    from .network.engine import expand_network_units
    from .network.schema import check_network_scenario

    sc = _scenario(args, network=True)
    check_network_scenario(sc, check_data=not args.no_data)
    print(f"{args.scenario}: ok (network: {len(expand_network_units(sc))} units, "
          f"{sum(t.count for t in sc.network.transmitters.values())} transmitters, "
          f"{len(sc.network.receivers)} receivers)")
    return 0


def _cmd_validate(args) -> int:
    from .network.schema import scenario_kind
    from .schema import check_scenario
    from .sweep import expand_units

    if scenario_kind(args.scenario) == "network":
        return _validate_network(args)
    sc = _scenario(args)
    check_scenario(sc, check_data=not args.no_data)
    units = expand_units(sc)
    e2e = sum(u.channel_uses is not None for u in units)   # jscc: one trained model, no equalizers
    print(f"{args.scenario}: ok ({len(units) - e2e} units x {len(sc.axis('snr_db'))} SNR points x "
          f"{len(sc.axis('semantic_equalizer'))} semantic equalizers" +
          (f", {e2e} jscc units x {len(sc.axis('snr_db'))} SNR points)" if e2e else ")"))
    for note in _cost_notes(sc, None if args.no_data else _num_test(sc)):
        print(f"note: {note}")
    return 0


def _num_test(sc) -> int:
    from .context import study_data

    return len(study_data(sc).test_idx)


def _cost_notes(sc, num_test: int | None) -> list[str]:
    """What makes a unit expensive: LDPC codewords a digital scheme decodes per unit (at the largest K)."""
    import math

    from semcom.transceivers.schemes.digital import codeword_layout
    from .runner import scheme_settings

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
        per_unit = (f"{math.ceil(num_test / layout.samples_per_codeword) * layout.codewords_per_sample * n_snr:,}"
                    f" codewords of {layout.k} bits per unit ({num_test} test samples x {n_snr} SNR points)"
                    if num_test else f"{per_sample:.3g} codewords of {layout.k} bits per test sample and SNR point")
        notes.append(f"scheme '{name}' decodes LDPC ({s['num_iter']} belief-propagation iterations) at K = {k}, "
                     f"{bits} bits: about {per_unit}; expect digital units to take far longer than analog ones")
    return notes


def _cmd_schema(args) -> int:
    from .schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _cmd_results(args) -> int:
    from .stitch import is_stitch_rows, stitch_summary_table
    from .summary import summary_table
    from .store import read_rows

    rows = read_rows(args.dir)
    print(stitch_summary_table(rows) if is_stitch_rows(rows) else summary_table(rows))
    return 0


def _cmd_plot(args) -> int:
    from .plots import plot_all
    from .store import read_rows

    for p in plot_all(read_rows(args.dir), Path(args.dir) / "plots"):
        print(f"plot: {p}")
    return 0


def _cmd_report(args) -> int:
    from .report import write_report

    print(f"report: {write_report(args.dir)}")
    return 0


def _cmd_stitch(args) -> int:
    from .network.schema import scenario_kind
    from .schema import load_scenario
    from .stitch import run_stitch

    if scenario_kind(args.scenario) == "network":
        print(f"semcom: error: {args.scenario}: stitch needs a link scenario (this one says kind: network); "
              "give a link scenario such as scenarios/stitching.yaml", file=sys.stderr)
        return 2
    sc = load_scenario(args.scenario)
    result = run_stitch(sc, args.out, snr_db=args.snr_db, force=args.force)
    print(f"{sc.name}: stitching table of {len(result.rows)} rows")
    print(f"results: {result.csv}")
    for p in result.plots:
        print(f"plot:    {p}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from semcom import __version__

    parser = argparse.ArgumentParser(prog="semcom", description="Semantic communication between "
                                     "heterogeneous AI agents over simulated wireless channels.")
    parser.add_argument("--version", action="version", version=f"semcom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run (or resume) a study")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", required=True, help="output directory (results store, CSV, plots)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1: inline)")
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--force", action="store_true", help="discard results of a different study in --out")
    p.add_argument("--no-plots", action="store_true", help="skip the plots (draw them later: semcom plot DIR)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a scenario value by its dotted key, e.g. --set sweep.snr_db=[0,10] (repeatable)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("stitch", help="transmitter x receiver accuracy matrix of every semantic equalizer")
    p.add_argument("scenario", help="scenario YAML file (its models, anchors, channel and equalizers)")
    p.add_argument("--out", required=True, help="output directory (results store, stitching.csv, scenario, manifest, plots)")
    p.add_argument("--snr-db", type=float, default=None,
                   help="SNR of the noisy matrix (default: the highest SNR of the sweep)")
    p.add_argument("--force", action="store_true", help="discard results of a different study in --out")
    p.set_defaults(func=_cmd_stitch)

    p = sub.add_parser("validate", help="check a scenario without running it")
    p.add_argument("scenario")
    p.add_argument("--no-data", action="store_true", help="skip checks that load the dataset")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a scenario value by its dotted key, e.g. --set sweep.snr_db=[0,10] (repeatable)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("results", help="summary table of a run's results")
    p.add_argument("dir")
    p.set_defaults(func=_cmd_results)

    p = sub.add_parser("plot", help="(re)draw a run's plots from its results store")
    p.add_argument("dir")
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser("report", help="write DIR/report.html: plots, summary, scenario, manifest in one file")
    p.add_argument("dir")
    p.set_defaults(func=_cmd_report)
    return parser


def _one_line(message: str) -> str:
    return " ".join(str(message).split())     # always one line, whatever the message holds


def _show_warning(message, category, *_args, **_kw) -> None:
    print(f"semcom: warning: {_one_line(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    # Only argparse, pydantic and YAML load before a command needs more: `--help`, `--version`,
    # `schema` and `validate` of a malformed file never import torch or Sionna.
    args = None
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "workers", 1) is not None and getattr(args, "workers", 1) < 1:
            print(f"semcom: error: --workers: must be >= 1 (got {args.workers})", file=sys.stderr)
            return 2
        with warnings.catch_warnings():   # warnings (tiny test set, --force) as one line each, as they come
            warnings.showwarning = _show_warning
            return args.func(args)
    except (SemcomInputError, UnknownNameError) as exc:
        for error in getattr(exc, "errors", None) or [exc]:    # every problem found, one line each
            print(f"semcom: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except BrokenPipeError:   # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        resumable = getattr(args, "command", None) == "run"
        print("semcom: interrupted" + ("; finished units are saved, run the same command again to resume"
                                       if resumable else ""), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
