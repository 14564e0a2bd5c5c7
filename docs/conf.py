"""Sphinx configuration of the semcom documentation (``make docs`` builds it into build/docs).

The build is offline: no intersphinx inventories are fetched, the theme (furo) ships its
own assets, and notebooks are rendered with the outputs stored in them (``make
docs-notebooks`` re-executes them; the test suite executes them too). Warnings are errors
(``sphinx-build -W``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "semcom"
author = "the semcom authors"
copyright = "2026, the semcom authors"
try:
    from importlib.metadata import version as _version

    release = _version("semcom")
except Exception:  # building from a tree that is not installed: autodoc would fail anyway
    release = "0+unknown"
version = release

extensions = [
    "myst_nb",  # Markdown pages (MyST) and Jupyter notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "semcom_docstrings",  # Sionna-style :input:/:output: fields, shape notation
]

root_doc = "index"
exclude_patterns = ["notes/**", "scripts/**", "_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
html_static_path = ["_static"]

# --- Markdown (MyST) ---------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links resolve, and are checked

# --- notebooks: rendered with the outputs stored in them, never executed here ---------
nb_execution_mode = "off"
nb_merge_streams = True

# --- API reference ---------------------------------------------------------------------
autosummary_generate = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_inherit_docstrings = False  # a member without its own docstring (e.g. Sionna's build) is not repeated
autodoc_mock_imports: list[str] = []
add_module_names = False

# --- HTML ------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"semcom {release}"
html_copy_source = False
html_show_sourcelink = False
html_css_files = ["custom.css"]
