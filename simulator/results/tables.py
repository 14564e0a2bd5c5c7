"""A table (a header and rows of strings) as plain text, Markdown or LaTeX, for the terminal
(``semcom results DIR --format ...``), a README or a paper.

Example::

    >>> print(render_table(["rx", "acc @ 20 dB"], [["cnn", "78.1% [72.0, 84.2]"]], "markdown"))
    | rx | acc @ 20 dB |
    | --- | --- |
    | cnn | 78.1% [72.0, 84.2] |
"""

from __future__ import annotations

from semcom.core.errors import SemcomInputError

__all__ = ["TABLE_FORMATS", "render_table", "aligned_text", "markdown_table", "latex_table"]

#: The formats :func:`render_table` writes.
TABLE_FORMATS = ("text", "markdown", "latex")


def aligned_text(header: list[str], body: list[list[str]]) -> str:
    """Columns left-aligned two spaces apart, a dashed line under the header."""
    table = [header] + body
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""

    def line(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header))] + [line(row) for row in body])


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "→": r"$\rightarrow$",
    "±": r"$\pm$",
    "–": "--",
}


def _latex(cell: str) -> str:
    return "".join(_LATEX_SPECIAL.get(c, c) for c in cell)


def latex_table(header: list[str], body: list[list[str]]) -> str:
    """A ``tabular`` with booktabs rules (``\\usepackage{booktabs}``), special characters escaped."""
    lines = [
        r"\begin{tabular}{" + "l" * len(header) + "}",
        r"\toprule",
        " & ".join(_latex(c) for c in header) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(_latex(c) for c in row) + r" \\" for row in body]
    return "\n".join(lines + [r"\bottomrule", r"\end{tabular}"])


def render_table(header: list[str], body: list[list[str]], fmt: str = "text") -> str:
    """The table in ``fmt``: ``text`` (aligned columns), ``markdown`` or ``latex``."""
    writers = {"text": aligned_text, "markdown": markdown_table, "latex": latex_table}
    if fmt not in writers:
        raise SemcomInputError(f"table format '{fmt}' is unknown; use one of {', '.join(TABLE_FORMATS)}")
    return writers[fmt](header, body)
