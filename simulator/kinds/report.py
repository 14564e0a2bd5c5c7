"""One self-contained HTML report of a study: ``semcom report DIR`` → ``DIR/report.html``.

Everything is inside the file (plots as base64 PNG, the scenario, the manifest and the
summary table), with no script and no external link, so it opens offline in any
browser and can be mailed or archived as is. The plots are drawn from the results
store (as ``semcom plot`` does), so a report never needs a re-run.

Example::

    from semcom.simulator.kinds.report import write_report
    write_report("runs/quickstart")        # -> runs/quickstart/report.html
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from semcom.core.errors import SemcomInputError
from semcom.core.io import write_text_atomic
from semcom.core.outputs import check_write

from ..results.folders import held_output_dir
from ..results.store import read_rows, study_kind
from .base import get_kind
from .plots import plot_run

__all__ = ["write_report", "render_report"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.meta { color: #555; } figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92em; } table { border-collapse: collapse; font-size: 0.88em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: left; white-space: nowrap; }
th { background: #f6f6f6; } tbody tr:hover { background: #fafafa; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.scroll { overflow-x: auto; }
"""


def _table(header: list[str], body: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line) + "</tr>" for line in body)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _extra_tables(tables: list[tuple[str, str, list[str], list[list[str]]]]) -> str:
    """The tables a kind adds (a stitching run's latent geometry): a section per title, each
    table under its note."""
    sections: dict[str, list[str]] = {}
    for title, note, header, body in tables:
        sections.setdefault(title, []).append(
            f'<p class="meta">{html.escape(note)}</p>' + _table(header, body)
        )
    return "".join(f"<h2>{html.escape(title)}</h2>" + "".join(parts) for title, parts in sections.items())


def render_report(out_dir: str | Path, redraw: bool = True) -> str:
    """The report of the study in ``out_dir`` as one HTML string.

    :param redraw: redraw the plots from the store first (else use ``plots/*.png`` as they are).
    """
    out_dir = Path(out_dir)
    rows = read_rows(out_dir)
    if not rows:
        raise SemcomInputError(f"'{out_dir}' holds no finished units yet; run the study first")
    kind = get_kind(study_kind(out_dir))
    pngs = plot_run(out_dir) if redraw else sorted((out_dir / "plots").glob("*.png"))
    manifest = {}
    if (out_dir / "manifest.json").is_file():
        try:
            manifest = json.loads((out_dir / "manifest.json").read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            manifest = {"note": "manifest.json is unreadable"}
    scenario_text = (
        (out_dir / "scenario.yaml").read_text()
        if (out_dir / "scenario.yaml").is_file()
        else "(scenario.yaml missing)"
    )
    name = rows[0].get("scenario") or out_dir.name
    description = (manifest.get("scenario") or {}).get("description", "")

    figures = []
    for number, png in enumerate(pngs, 1):  # captioned by what they show; the file name in the alt text
        data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
        figures.append(
            f'<figure><img alt="{html.escape(png.name)}" src="data:image/png;base64,{data}">'
            f"<figcaption><b>Figure {number}.</b> {html.escape(kind.caption(png.stem))}"
            "</figcaption></figure>"
        )
    header, body = kind.summary_rows(rows)
    seeds = len({r.get("seed") for r in rows})
    facts = [f"{len(rows)} result rows", f"{len({r.get('unit') for r in rows})} units"]
    for key in ("units_total", "executor", "wall_time_s", "finished_at"):
        if key in manifest:
            facts.append(f"{key.replace('_', ' ')}: {manifest[key]}")
    seed_note = (
        f"Accuracy is averaged over {seeds} seeds; brackets give the range over seeds."
        if seeds > 1
        else "Accuracy bands in the plots are 95% Wilson intervals."
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>semcom report: {html.escape(str(name))}</title><style>{_CSS}</style></head>
<body>
<h1>{html.escape(str(name))}</h1>
<p class="meta">{html.escape(description)}</p>
<p class="meta">{html.escape(" · ".join(facts))}</p>
<h2>Plots</h2>
{"".join(figures) or "<p>No plots.</p>"}
{_extra_tables(kind.report_tables(out_dir))}
<h2>Summary</h2>
<p class="meta">{html.escape(seed_note)}
The full results are in <code>{kind.results_csv}</code> next to this file.</p>
{_table(header, body)}
<h2>Scenario</h2>
<pre>{html.escape(scenario_text)}</pre>
<h2>Manifest</h2>
<pre>{html.escape(json.dumps({k: v for k, v in manifest.items() if k != "scenario"}, indent=2))}</pre>
</body></html>
"""


def write_report(out_dir: str | Path) -> Path:
    """Write ``out_dir/report.html`` (atomically) and return its path."""
    out_dir = Path(out_dir)
    path = out_dir / "report.html"
    with held_output_dir(out_dir):  # never while a run writes into the folder
        check_write(path)  # a refused report draws no figure either
        write_text_atomic(path, render_report(out_dir))
    return path
