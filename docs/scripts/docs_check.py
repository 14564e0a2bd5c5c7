"""Re-run every documented study and print each documented number beside the fresh one, exactly.

The tables live in the README or in the docs pages (docs/**/*.md); each follows a marker
``<!-- NAME-table: command -->`` (readme_tables.py finds it wherever it is).

    python docs/scripts/docs_check.py [--out build/docs-check] [--reuse] [TABLE ...]

A maintainer's check (``make docs-check``), not part of ``make test``: on the machine that
wrote the README every number should be identical; on another CPU accuracies move by a
few test decisions (the tests accept that within each number's statistical interval).
Exit status 1 when any number differs, 0 when all are identical.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_tables import ROOT, TABLES, readme_table, table_location  # noqa: E402


def _run(command: str, out: Path) -> None:
    argv = shlex.split(command.format(out=out))
    if argv[0] == "semcom":  # the semcom of this interpreter's environment
        argv = [sys.executable, "-m", "semcom"] + argv[1:]
    print("  $", " ".join(argv[2:] if argv[0] == sys.executable else argv), flush=True)
    subprocess.run(argv, cwd=ROOT, check=True)


def compare(name: str, readme: list[list[str]], fresh: list[list[str]], label_cells: int) -> tuple[int, int]:
    """Print the two tables row by row; return (identical numbers, numbers)."""
    same = total = 0
    if len(readme) != len(fresh):
        print(f"  {name}: the documented table has {len(readme)} rows, the fresh run {len(fresh)}")
    for old, new in zip(readme, fresh):
        label = " | ".join(old[:label_cells])
        pairs = list(zip(old[label_cells:], new[label_cells:]))
        total += len(pairs)
        same += sum(a == b for a, b in pairs)
        cells = "  ".join(a if a == b else f"{a} -> {b}" for a, b in pairs)
        mark = "  " if all(a == b for a, b in pairs) else "!!"
        print(f"  {mark} {label:<34} {cells}")
    return same, total


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tables", nargs="*", help=f"tables to check (default: all): {', '.join(TABLES)}")
    p.add_argument("--out", type=Path, default=ROOT / "build" / "docs-check")
    p.add_argument("--reuse", action="store_true", help="keep earlier runs in --out (the store resumes them)")
    args = p.parse_args(argv)
    unknown = set(args.tables) - set(TABLES)
    if unknown:
        p.error(f"unknown table(s) {sorted(unknown)}; choose from {', '.join(TABLES)}")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    same = total = 0
    ran = set()  # folders run in this call: a study behind two tables runs once
    for name in args.tables or list(TABLES):
        table = TABLES[name]
        out = args.out / (table.folder or name)
        print(f"{name} ({table_location(name).relative_to(ROOT)}):")
        if out not in ran:
            if out.exists() and not args.reuse:
                shutil.rmtree(out)
            for command in table.commands:
                _run(command, out)
            ran.add(out)
        s, t = compare(name, readme_table(name), table.rows(out), table.label_cells)
        print(f"  {s} of {t} numbers identical\n")
        same, total = same + s, total + t
    print(f"all tables: {same} of {total} documented numbers identical to the fresh runs")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
