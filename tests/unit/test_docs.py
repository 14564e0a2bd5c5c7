"""The documentation's structure, checked without building it: the README stays an overview,
every internal link and image resolves, every documented results table is in one place,
the API reference lists every public module, the docstring normaliser of the Sphinx build
does what it says, and the tutorials store the outputs of one complete run.
(`make docs` builds the site itself, warnings as errors, and checks the built HTML's links.)"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "scripts"))
sys.path.insert(0, str(DOCS / "_ext"))
import check_links  # noqa: E402
import readme_tables  # noqa: E402


def test_readme_is_an_overview_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 300
    setup = re.search(r"## Set up and run\s*```bash\n(.*?)```", text, re.S)
    assert setup, "the README lost its set-up block"
    commands = [ln.split("#")[0].strip() for ln in setup.group(1).strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_internal_links_and_images_resolve():
    assert check_links.check_sources() == []


def test_the_link_check_finds_broken_links_missing_images_and_anchors(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A section: with punctuation\n")
    good = tmp_path / "good.md"
    good.write_text(
        "[ok](other.md#a-section-with-punctuation) [self](#title) ![img](other.md)\n"
        "# Title\n`[not a link](missing.md)`\n```\n![in code](missing.png)\n```\n"
        "[web](https://example.org/x.md)\n"
    )
    bad = tmp_path / "bad.md"
    bad.write_text(
        "[gone](missing.md) ![no image](images/none.png) [anchor](other.md#no-such-heading)\n"
        '<img src="nope.png" alt="x">\n'
    )
    assert check_links.check_sources([good]) == []
    problems = check_links.check_sources([bad])
    assert len(problems) == 4, problems
    assert any("missing.md" in p for p in problems) and any("none.png" in p for p in problems)
    assert any("no heading '#no-such-heading'" in p for p in problems) and any(
        "nope.png" in p for p in problems
    )


def test_the_site_check_finds_a_missing_file_and_id(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="page.html#here">x</a><img src="_images/a.png">'
        '<a href="page.html#gone">y</a><a href="https://example.org">z</a>'
    )
    (tmp_path / "page.html").write_text('<h1 id="here">Page</h1>')
    problems = check_links.check_site(tmp_path)
    assert sorted(p.split(": ", 1)[1] for p in problems) == [
        "_images/a.png: no such file",
        "page.html#gone: no id 'gone'",
    ]


def test_every_documented_table_is_in_exactly_one_file(tmp_path, monkeypatch):
    for name in readme_tables.TABLES:
        assert readme_tables.readme_table(name), name  # found, with rows
    page = "<!-- quickstart-table: cmd -->\n| a | b |\n| --- | --- |\n| x | 1 |\n"
    (tmp_path / "a.md").write_text(page)
    (tmp_path / "b.md").write_text(page)
    monkeypatch.setattr(readme_tables, "table_sources", lambda: [tmp_path / "a.md", tmp_path / "b.md"])
    with pytest.raises(LookupError, match="keep it in one of them"):
        readme_tables.readme_table("quickstart-table")
    monkeypatch.setattr(readme_tables, "table_sources", lambda: [tmp_path / "a.md"])
    assert readme_tables.readme_table("quickstart-table") == [["x", "1"]]


def _api_reference_modules() -> set[str]:
    """Full names of the modules the API pages document (autosummary entries and automodule)."""
    names = set()
    for page in (DOCS / "api").glob("*.md"):
        current = ""
        block = False
        for line in page.read_text().splitlines():
            if m := re.match(r"\.\. (?:py:)?(?:current)?module:: (\S+)", line.strip()):
                current = m.group(1)
            if m := re.match(r"\.\. automodule:: (\S+)", line.strip()):
                names.add(m.group(1))
                current = m.group(1)
            if line.strip().startswith(".. autosummary::"):
                block = True
                continue
            if block:
                entry = line.strip()
                if not entry or entry.startswith(":"):  # options and blank lines
                    continue
                if line.startswith("   ") and re.fullmatch(r"[\w.]+", entry):
                    names.add(f"{current}.{entry}" if current else entry)
                else:
                    block = False
    return names


def _modules_under(folder: str, package: str) -> set[str]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        parts = path.relative_to(ROOT / folder).with_suffix("").parts
        if any(p.startswith("_") for p in parts[:-1]) or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        elif parts[-1].startswith("_"):
            continue
        found.add(".".join((package,) + parts))
    return found


def test_the_api_reference_lists_every_public_module():
    """Every module of semcom.channels and semcom.transceivers (and the Python API) has its
    page; a module added without one fails here (add it to docs/api/*.md)."""
    documented = _api_reference_modules()
    expected = (
        _modules_under("channels", "semcom.channels")
        | _modules_under("transceivers", "semcom.transceivers")
        | {"semcom", "semcom.api"}
    )
    assert sorted(expected - documented) == []
    for name in documented:  # and every page names a module that exists
        importlib.util.find_spec(name) or pytest.fail(f"docs/api names {name}, which is not a module")


def test_the_docstring_normaliser_escapes_shapes_and_leaves_code_alone():
    from semcom_docstrings import normalise

    lines = [
        ":input x: [batch_size, *input_shape], torch.float32.",
        "",
        "Capacity E[log2(1 + |h|^2 snr)] and ``[*x.shape]`` and :class:`~a.b_` np.bool_.",
        ":output y: [n], np.bool_, continued",
        "on a line without indentation.",
        "",
        ":class:`Foo` starts a paragraph line",
        "not a field continuation.",
        "",
        "Example::",
        "",
        "    y = f(*args)[|a|]",
        ">>> g(*[1, 2])",
    ]
    out = normalise(list(lines))
    assert out[0] == r":input x: [batch_size, \*input_shape], torch.float32."
    assert out[2] == r"Capacity E[log2(1 + \|h\|^2 snr)] and ``[*x.shape]`` and :class:`~a.b_` np.bool\_."
    assert out[4] == "   on a line without indentation."  # the field goes on
    assert out[7] == "not a field continuation."  # a role is not a field
    assert out[9:] == lines[9:]  # literal block and doctest untouched


@pytest.mark.parametrize("path", sorted((DOCS / "tutorials").glob("*.ipynb")), ids=lambda p: p.stem)
def test_tutorials_store_the_outputs_of_one_clean_run(path):
    """The site renders the stored outputs, so they must be one complete top-to-bottom run
    (`make docs-notebooks`): execution counts 1, 2, ... in order, no error, nothing on stderr."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        f"{path.name}: not one complete run; `make docs-notebooks` re-executes it"
    )
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: a cell stored an error"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"{path.name}: stderr output {''.join(out['text'])[:200]!r}"
            )


def test_the_docs_build_fetches_nothing():
    conf = (DOCS / "conf.py").read_text()
    assert "sphinx.ext.intersphinx" not in conf and 'nb_execution_mode = "off"' in conf
