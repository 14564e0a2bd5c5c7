"""The registered names a scenario may give, for its JSON Schema (``semcom schema``).

A scenario selects blocks by registered name (a semantic equaliser, an anchor strategy,
an agent's kind, a dataset, a training head). The registries live beside their blocks,
which load torch and Sionna; the schema must not (``semcom schema`` answers at once). So
:data:`BUILT_IN` lists, per registry, where it lives and the names the package registers
(a test holds each list equal to its registry), and :func:`registered_names` adds every
name registered so far in this process: a name a user registers before building the
schema (``semcom.schema()``) is in it; ``semcom schema``, a fresh process, lists the
package's names.

:func:`name_enum` turns a field's strings into an enum of those names, at the time the
schema is built (a ``json_schema_extra`` of the field); it never changes what parses.

Example::

    from semcom.simulator.scenario.names import registered_names
    print(registered_names("anchor selection"))   # ['class_balanced', ..., 'random', 'stratified']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from semcom.core.registry import names_registered_so_far

__all__ = ["BUILT_IN", "registered_names", "name_enum", "enum_schema"]

#: registry -> (module, attribute of its Registry, the names the package registers)
BUILT_IN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "semantic equalizer": (
        "semcom.transceivers.semantic.base",
        "SEMANTIC_EQUALIZERS",
        (
            "aligned",
            "cca",
            "inverse",
            "kernel_ridge",
            "mlp_aligner",
            "none",
            "oracle",
            "relative",
            "residual_kernel",
            "svcca",
            "whitened_procrustes",
        ),
    ),
    "anchor selection": (
        "semcom.transceivers.anchors.base",
        "ANCHOR_STRATEGIES",
        ("class_balanced", "farthest_point", "kernel_herding", "prototypical", "random", "stratified"),
    ),
    "model kind": (
        "semcom.transceivers.agents",
        "LATENT_SOURCES",
        ("cnn", "efficientnet_lite", "mlp", "npz", "pca", "rotation", "torch"),
    ),
    "dataset": (
        "semcom.transceivers.datasets",
        "DATASETS",
        ("cifar10", "digits", "latents", "mnist", "synthetic"),
    ),
    "training head": ("semcom.transceivers.encoders", "TRAINING_HEADS", ("cosine", "linear")),
}


def registered_names(registry: str) -> list[str]:
    """The package's names of ``registry`` (a key of :data:`BUILT_IN`) and any registered so far."""
    module, attribute, built_in = BUILT_IN[registry]
    return sorted(set(built_in) | set(names_registered_so_far(module, attribute)))


def enum_schema(names: Iterable[str], labelled: str | None = None) -> Callable[[dict], None]:
    """A ``json_schema_extra`` limiting a name field (a string, or a list of strings, or either)
    to ``names``; ``labelled``: a description of ``name:label`` forms, then allowed beside them."""
    names = sorted(names)
    other = (
        None
        if labelled is None
        else {
            "type": "string",
            "pattern": f"^({'|'.join(re.escape(n) for n in names)}):.+$",
            "description": labelled,
        }
    )
    return _limit(lambda: names, other)


def name_enum(registry: str, other: str | None = None) -> Callable[[dict], None]:
    """A ``json_schema_extra`` limiting a name field to :func:`registered_names` of ``registry``,
    read when the schema is built; ``other``: a description of the names a scenario may
    define itself (a named receiver), which are then allowed beside them."""
    return _limit(
        lambda: registered_names(registry),
        None if other is None else {"type": "string", "description": other},
    )


def _limit(names: Callable[[], list[str]], other: dict | None) -> Callable[[dict], None]:
    def extra(schema: dict) -> None:
        choices = {"type": "string", "enum": names()}
        _replace_strings(schema, {"anyOf": [choices, other]} if other else choices)

    return extra


def _replace_strings(node: dict, choices: dict) -> None:
    """Every plain ``{"type": "string"}`` in ``node`` (itself, list items, union members)."""
    if node.get("type") == "string" and "enum" not in node:
        node.pop("type")
        node.update(choices)
        return
    for key in ("anyOf", "oneOf"):
        for member in node.get(key, []):
            _replace_strings(member, choices)
    if isinstance(node.get("items"), dict):
        _replace_strings(node["items"], choices)
