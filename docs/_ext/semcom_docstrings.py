"""Render semcom's Sionna-style docstrings without rewriting them.

The docstrings give every tensor as ``:input x: [batch_size, *input_shape], torch.float32``
and every output as ``:output y: ...``. This extension

* registers ``:input:`` and ``:output:`` as grouped fields of the Python domain (shown as
  "Inputs" and "Outputs", like ``:param:``);
* escapes what reST would misread in shape notation: ``*`` and ``|`` inside square
  brackets (``[*x.shape]``, ``E[|h|^2]``) and a name ending in ``_`` (``np.bool_``);
* indents a line that continues a field without indentation, so the field list does not
  end early.

Literal blocks (``::``, ``.. code-block::``), ``>>>`` lines and text in backticks are left
as they are.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r"^(\s*):[A-Za-z_][^:`]*:(?=\s|$)")  # a field, not a role (:class:`x`)
_TICKS = re.compile(r"(`+)(?:(?!\1).)+\1")


def _escape_plain(text: str) -> str:
    """Escape shape notation in text outside backticks."""
    out, depth = [], 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        if depth and ch in "*|" and (i == 0 or text[i - 1] != "\\"):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return re.sub(r"(?<=\w)_(?=[\s,.;:)]|$)", r"\\_", "".join(out))


def escape_line(line: str) -> str:
    """``line`` with shape notation escaped outside inline literals and roles."""
    pieces, last = [], 0
    for m in _TICKS.finditer(line):
        pieces.append(_escape_plain(line[last : m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(_escape_plain(line[last:]))
    return "".join(pieces)


def normalise(lines: list[str]) -> list[str]:
    """The docstring's lines as reST reads them correctly (see the module docstring)."""
    out: list[str] = []
    literal_indent = None  # indentation of the line that opened a literal block
    in_field = None  # indentation of the field whose body we are in
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                out.append(line)
                continue
        if stripped.startswith(">>>") or stripped.startswith("..."):
            out.append(line)
            in_field = None
            continue
        if not stripped:
            in_field = None
            out.append(line)
            continue
        if _FIELD.match(line):
            in_field = indent
        elif in_field is not None and indent <= in_field:
            line = " " * (in_field + 3) + line.lstrip()  # a field's continuation, not indented
        if (
            stripped.endswith("::")
            or stripped.startswith(".. code-block::")
            or stripped.startswith(".. code::")
        ):
            literal_indent = indent
            out.append(line if stripped.startswith("..") else escape_line(line))
            in_field = None
            continue
        out.append(escape_line(line))
    return out


def _process_docstring(app, what, name, obj, options, lines):
    lines[:] = normalise(lines)


def setup(app):
    # Sphinx is imported here, not at the top: the normaliser is tested without the docs extra
    from sphinx.domains.python import PyObject
    from sphinx.util.docfields import GroupedField

    fields = list(PyObject.doc_field_types)
    names = {f.name for f in fields}
    for name, label in (("input", "Inputs"), ("output", "Outputs")):
        if name not in names:
            fields.append(GroupedField(name, label=label, names=(name,), can_collapse=False))
    PyObject.doc_field_types = fields
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
