"""Check that no internal link is broken and no image is missing, offline.

    python docs/scripts/check_links.py            # the sources: README.md, docs/**/*.md, notebooks
    python docs/scripts/check_links.py --site build/docs   # also the built HTML site

Sources: every Markdown link and image (``[text](target)``, ``![alt](target)``,
``<img src=...>``) outside code, in the README, the docs pages (the issue notes excepted)
and the tutorials' Markdown cells, must name a file of the repository; a ``#fragment``
on a Markdown page must name one of its headings (GitHub's and MyST's slugs). Site: every
``href``/``src`` of every HTML page must name a file of the site, and its fragment an
``id`` of that page. Links to other hosts are not followed (the build is offline).
Exit status 1 with one line per broken link.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMG = re.compile(r"<img[^>]*\ssrc=[\"']([^\"']+)[\"']", re.I)


def sources() -> list[Path]:
    """README.md, the docs pages (not the issue notes) and the tutorial notebooks."""
    pages = [p for p in DOCS.rglob("*.md") if p.relative_to(DOCS).parts[0] != "notes"]
    return [ROOT / "README.md"] + sorted(pages) + sorted((DOCS / "tutorials").glob("*.ipynb"))


def markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text()


def slug(heading: str) -> str:
    """The anchor GitHub and MyST give a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    text = _FENCE.sub("", markdown_of(path))
    return {slug(m.group(2)) for m in re.finditer(r"^(#{1,6})\s+(.+?)\s*#*\s*$", text, re.M)}


def links_in(text: str) -> list[str]:
    text = _COMMENT.sub("", _CODE.sub("", _FENCE.sub("", text)))
    return [m.group(1) for m in _LINK.finditer(text)] + [m.group(1) for m in _IMG.finditer(text)]


def _rel(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _external(target: str) -> bool:
    return bool(urlsplit(target).scheme) or target.startswith("//")


def check_sources(paths: list[Path] | None = None) -> list[str]:
    """One line per broken link or missing image in ``paths`` (default: :func:`sources`)."""
    problems = []
    for path in sources() if paths is None else paths:
        for target in links_in(markdown_of(path)):
            if _external(target):
                continue
            parts = urlsplit(target)
            dest = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            where = f"{_rel(path)}: {target}"
            if not dest.exists():
                problems.append(f"{where}: no such file {_rel(dest)}")
            elif parts.fragment and dest.suffix == ".md" and parts.fragment not in anchors_of(dest):
                problems.append(f"{where}: {_rel(dest)} has no heading '#{parts.fragment}'")
    return problems


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src") and not (
                tag == "link" and name == "href" and value.startswith("http")
            ):
                self.refs.append(html.unescape(value))
            if name in ("id", "name"):
                self.ids.add(value)


def check_site(site: Path) -> list[str]:
    """One line per ``href``/``src`` of the built site that names no file or no ``id``."""
    pages = {}
    for page in site.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(errors="replace"))
        pages[page.resolve()] = parser
    problems = []
    for page, parser in sorted(pages.items()):
        for ref in parser.refs:
            if _external(ref) or ref.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(ref)
            dest = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if dest.is_dir():
                dest = dest / "index.html"
            where = f"{page.relative_to(site.resolve())}: {ref}"
            if not dest.exists():
                problems.append(f"{where}: no such file")
            elif parts.fragment and dest in pages and parts.fragment not in pages[dest].ids:
                problems.append(f"{where}: no id '{parts.fragment}'")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site to check too (e.g. build/docs)")
    args = parser.parse_args(argv)
    problems = check_sources()
    checked = f"{len(sources())} source files"
    if args.site:
        if not (args.site / "index.html").exists():
            parser.error(f"--site {args.site}: no index.html there; run `make docs` first")
        problems += check_site(args.site)
        checked += f" and {sum(1 for _ in args.site.rglob('*.html'))} HTML pages"
    for line in problems:
        print(line)
    print(f"links: {checked} checked, {len(problems)} broken", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
