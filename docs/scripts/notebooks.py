"""Execute the tutorial notebooks (docs/tutorials/*.ipynb) with nbclient.

``python docs/scripts/notebooks.py`` executes every tutorial top to bottom and stores its
outputs in the file (``make docs-notebooks``): the docs site renders those stored outputs
and never executes anything. ``python docs/scripts/notebooks.py NAME --check`` executes
without writing (the test suite does the same through :func:`execute`). A cell that
raises stops the run with the cell's traceback.

Each notebook runs in a fresh temporary working folder, on the machine's semcom cache
($SEMCOM_CACHE or ~/.cache/semcom). ``main`` sets ``OMP_NUM_THREADS=1`` unless it is set
(the stored outputs do not depend on it: semcom fixes its own thread counts).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = ROOT / "docs" / "tutorials"


def tutorials() -> list[Path]:
    """The tutorial notebooks, in reading order."""
    return sorted(TUTORIALS.glob("*.ipynb"))


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """``path`` executed top to bottom in a fresh kernel and temporary folder; raises
    ``nbclient.exceptions.CellExecutionError`` naming the cell when one raises."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="semcom_nb_") as cwd:
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}
        ).execute()
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all), e.g. 01_first_study")
    parser.add_argument("--check", action="store_true", help="execute without storing the outputs")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    paths = [p for p in tutorials() if not args.names or p.stem in args.names or p.name in args.names]
    if not paths:
        print(f"no tutorial named {args.names} in {TUTORIALS}", file=sys.stderr)
        return 2
    for path in paths:
        start = time.perf_counter()
        nb = execute(path)
        if not args.check:
            nbformat.write(nb, path)
        print(
            f"{path.relative_to(ROOT)}: executed in {time.perf_counter() - start:.0f} s"
            + ("" if args.check else ", outputs stored")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
