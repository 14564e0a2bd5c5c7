"""The progress bar: ``tqdm.auto`` without its warning when ipywidgets is absent.

In a notebook ``tqdm.auto`` draws a widget if ipywidgets is installed and otherwise falls
back to the text bar, warning "IProgress not found" on import. semcom does not require
ipywidgets, so the fallback is expected and the warning is dropped.
"""

from __future__ import annotations

import warnings


def tqdm_auto():
    """The ``tqdm.auto.tqdm`` class (a widget in a notebook with ipywidgets, else a text bar)."""
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm
