"""The ``semcom`` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

from pydantic import ValidationError

from semcom.core.version import __version__
from semcom.core.clock import command_started
from semcom.core.errors import SemcomInputError
from semcom.core.overrides import apply_overrides, parse_set_options
from semcom.core.registry import UnknownNameError
from semcom.core.trust import ALLOW_CODE_ENV
from .abstraction.fitting import describe_fit
from .abstraction.spec import spec_from_file_content
from .kinds import get_kind, kind_of, parse_study, scenario_kinds
from .results.store import read_rows, study_kind
from .scenario.jsonschema import json_schema
from .scenario.reading import SCENARIO_HELP, read_scenario_yaml
from .results.folders import check_output_dir, claim_output_dir, require_output_dir

__all__ = ["main"]


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def _scenario(args):
    """The scenario file with its ``--set KEY=VALUE`` overrides applied, parsed into the
    scenario of the kind it names (``kind:``)."""
    raw = apply_overrides(read_scenario_yaml(args.scenario), parse_set_options(args.set or []))
    if isinstance(raw, dict) and raw.get("kind") == "abstraction":
        raise SemcomInputError(f"kind: {args.scenario} is an abstraction spec, not a study; build its tables with "
                               f"`semcom abstraction build {args.scenario} --out DIR`")
    return parse_study(raw, str(args.scenario))


def _allow_code(kind, sc, args) -> None:
    """The scenario's user code refused unless ``--allow-code``, which then holds for this
    process and the workers it starts."""
    kind.check_code(sc, allow_code=args.allow_code)
    if args.allow_code:
        os.environ[ALLOW_CODE_ENV] = "1"


def _cmd_run(args) -> int:
    sc = _scenario(args)
    kind = kind_of(sc)
    _allow_code(kind, sc, args)
    kind.check_work(sc, allow_large=args.allow_large, workers=args.workers, check_data=True)
    check_output_dir(args.out, force=args.force)      # refused before anything is computed
    result = kind.run(sc, args.out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                      force=args.force, plots=not args.no_plots, started=args.started)
    if not args.quiet:
        _print(kind.run_lines(sc, result))
    return 0


def _cmd_validate(args) -> int:
    raw = read_scenario_yaml(args.scenario)
    if isinstance(raw, dict) and raw.get("kind") == "abstraction":
        return _validate_abstraction(args, raw)

    from .kinds.validation import check_study, validation_lines  # lazy: only validate parses in two passes

    raw = apply_overrides(raw, parse_set_options(args.set or []))
    sc, kind, work = check_study(raw, str(args.scenario), check_data=not args.no_data, allow_large=args.allow_large)
    _print(validation_lines(sc, kind, work, args.scenario, check_data=not args.no_data))
    return 0


def _cmd_schema(args) -> int:
    print(json.dumps(json_schema(scenario_kinds()), indent=2))
    return 0


def _run_kind(directory: str):
    """The stored rows of the run in ``directory`` and the kind its store records."""
    rows = read_rows(directory)
    return rows, get_kind(study_kind(directory))


def _cmd_results(args) -> int:
    rows, kind = _run_kind(args.dir)
    given = {"snr": args.snr, "interval": False if args.no_interval else None, "native": args.native or None}
    print(kind.summary_table(rows, fmt=args.format, **{k: v for k, v in given.items() if v is not None}))
    return 0


def _cmd_plot(args) -> int:
    from .kinds.plots import plot_run  # lazy: matplotlib loads only for `semcom plot`

    require_output_dir(args.dir)      # plots go only into a folder semcom wrote
    for p in plot_run(args.dir):
        print(f"plot: {p}")
    return 0


def _cmd_report(args) -> int:
    from .kinds.report import write_report  # lazy: matplotlib loads only for `semcom report`

    require_output_dir(args.dir)      # the report goes only into a folder semcom wrote
    print(f"report: {write_report(args.dir)}")
    return 0


def _cmd_stitch(args) -> int:
    kind = get_kind("stitch")
    raw = apply_overrides(read_scenario_yaml(args.scenario), parse_set_options(args.set or []))
    sc = kind.parse(raw, str(args.scenario))
    _allow_code(get_kind("link"), sc, args)
    check_output_dir(args.out, force=args.force)
    result = kind.run(sc, args.out, snr_db=args.snr_db, force=args.force, started=args.started)
    _print(kind.run_lines(sc, result))
    return 0


def _validate_abstraction(args, raw) -> int:
    raw = apply_overrides(raw, parse_set_options(args.set or []))
    spec = spec_from_file_content(raw, str(args.scenario)).inherit()
    if args.no_data:
        sc = spec.link_scenario()
    else:
        from .abstraction.checks import check_abstraction_spec  # lazy: the checks load torch and Sionna
        check_abstraction_spec(spec)
        sc = spec.link_scenario()
    units = get_kind("link").expand(sc)   # an abstraction spec's measurement is a link study
    print(f"{args.scenario}: ok (abstraction spec: {len(units)} unit(s) x {len(sc.axis('semantic_equalizer'))} "
          f"equalizer(s), {len(sc.axis('snr_db'))} SINR points; build it with `semcom abstraction build`)")
    return 0


def _cmd_abstraction_build(args) -> int:
    from .abstraction.build import build_table_set  # lazy: torch and Sionna load only to build tables
    from .abstraction.validation import describe_summary, validation_summary  # lazy: loads the link engine

    raw = apply_overrides(read_scenario_yaml(args.scenario), parse_set_options(args.set or []))
    spec = spec_from_file_content(raw, str(args.scenario))
    claim_output_dir(args.out)
    say = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    ts = build_table_set(spec, workers=args.workers, progress=say, use_cache=not args.no_cache)
    out = ts.save(args.out)
    print(f"abstraction: {len(ts)} table(s) in {out} (key {ts.key})")
    for i, t in enumerate(ts):
        print(f"  table {i}: {t.config.describe()}: {describe_fit(t.eesm_beta, t.beta_fit or {})}")
    for line in describe_summary(validation_summary(ts.validation)):
        print(f"  {line}")
    return 0


def _add_overrides(parser, example: str) -> None:
    """``--set KEY=VALUE`` (repeatable), with an example of a dotted key for this command."""
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help=f"override a scenario value by its dotted key, e.g. --set {example} (repeatable)")


def _add_allow_code(parser) -> None:
    parser.add_argument("--allow-code", action="store_true",
                        help="let the scenario import and run user code (`import:` encoders): such a scenario is "
                             "a program, run it only if you trust it")


def _add_allow_large(parser) -> None:
    parser.add_argument("--allow-large", action="store_true",
                        help="accept a study beyond the work budget (units, messages, slots, memory) that "
                             "`semcom validate` estimates")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="semcom", description="Semantic communication between "
                                     "heterogeneous AI agents over simulated wireless channels.")
    parser.add_argument("--version", action="version", version=f"semcom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run (or resume) a study")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--out", required=True, help="output directory (results store, CSV, plots)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1: inline)")
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--force", action="store_true", help="discard results of a different study in --out")
    p.add_argument("--no-plots", action="store_true", help="skip the plots (draw them later: semcom plot DIR)")
    _add_allow_large(p)
    _add_allow_code(p)
    _add_overrides(p, "sweep.snr_db=[0,10]")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("stitch", help="transmitter x receiver accuracy matrix of every semantic equalizer")
    p.add_argument("scenario", help=SCENARIO_HELP + " (its models, anchors, channel and equalizers)")
    p.add_argument("--out", required=True,
                   help="output directory (results store, stitching.csv, scenario, manifest, plots)")
    p.add_argument("--snr-db", type=float, default=None,
                   help="SNR of the noisy matrix (default: the highest SNR of the sweep)")
    p.add_argument("--force", action="store_true", help="discard results of a different study in --out")
    _add_allow_code(p)
    _add_overrides(p, "sweep.num_anchors=16")
    p.set_defaults(func=_cmd_stitch)

    p = sub.add_parser("abstraction", help="semantic PHY abstraction tables (accuracy vs SINR) for system studies")
    abs_sub = p.add_subparsers(dest="abstraction_command", required=True)
    q = abs_sub.add_parser("build", help="build (or read from the cache) the tables, EESM beta and validation")
    q.add_argument("scenario", help="YAML: an abstraction spec, or a study with an `abstraction:` section")
    q.add_argument("--out", required=True, help="folder for abstraction.json, tables.csv, calibration.csv, "
                   "abstraction_validation.csv")
    q.add_argument("--workers", type=int, default=1, help="local worker processes for the grid runs")
    q.add_argument("--no-cache", action="store_true", help="rebuild even if the cache holds the tables")
    q.add_argument("--quiet", action="store_true", help="no progress lines")
    _add_overrides(q, "abstraction.num_anchors=[8,16]")
    q.set_defaults(func=_cmd_abstraction_build)

    p = sub.add_parser("validate", help="check a scenario without running it")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--no-data", action="store_true", help="skip checks that load the dataset")
    _add_allow_large(p)
    _add_overrides(p, "sweep.snr_db=[0,10]")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("results", help="summary table of a run's results")
    p.add_argument("dir")
    p.add_argument("--snr", help="link studies: SNR columns: ends (lowest and highest, default), all, or values "
                                 "such as 0,10,20")
    p.add_argument("--no-interval", action="store_true", help="link studies: accuracies without their 95%% interval")
    p.add_argument("--native", action="store_true", help="link studies: add the receiver's native accuracy")
    p.add_argument("--format", choices=["text", "markdown", "latex"], default="text",
                   help="plain text (default), Markdown or LaTeX (booktabs)")
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
    try:   # `started`: a run's manifest times the whole command, interpreter start and imports included
        args = build_parser().parse_args(argv, argparse.Namespace(started=command_started(argv)))
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
    except ValidationError as exc:    # settings validated inside a run (a scenario's own are worded at parsing)
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or exc.title
        print(f"semcom: error: {_one_line(field)}: {_one_line(first['msg'])}; fix the value (see `semcom schema`)",
              file=sys.stderr)
        return 2
    except MemoryError:
        print("semcom: error: out of memory: the study needs more than this machine has; `semcom validate` "
              "estimates a unit's memory: sweep fewer points, use less data or fewer --workers", file=sys.stderr)
        return 2
    except BrokenPipeError:   # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except SystemExit as exc:   # code a scenario runs called sys.exit: never a silent exit 0
        if args is None:        # argparse's own: --help, --version, a usage error
            raise
        print(f"semcom: error: the study's code called sys.exit({exc.code!r}); finished units are saved",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        resumable = getattr(args, "command", None) == "run"
        print("semcom: interrupted" + ("; finished units are saved, run the same command again to resume"
                                       if resumable else ""), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
