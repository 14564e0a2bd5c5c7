"""Ready-to-run YAML studies, shipped as package data.

>>> from semcom.scenarios import scenario_path
>>> scenario_path("quickstart").name
'quickstart.yaml'
"""

from pathlib import Path

__all__ = ["scenario_path", "scenario_names"]

_HERE = Path(__file__).resolve().parent


def scenario_names() -> list[str]:
    """Names of the shipped scenarios (file stems)."""
    return sorted(p.stem for p in _HERE.glob("*.yaml"))


def scenario_path(name: str) -> Path:
    """Path of the shipped scenario ``name`` (with or without ``.yaml``)."""
    path = _HERE / (name if name.endswith(".yaml") else f"{name}.yaml")
    if not path.is_file():
        raise FileNotFoundError(f"no shipped scenario '{name}'; choose one of: {', '.join(scenario_names())}")
    return path
