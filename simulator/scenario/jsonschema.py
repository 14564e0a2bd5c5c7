"""The JSON Schema of a scenario file (``semcom schema``), for editors and validators.

One ``oneOf`` branch per kind of study a scenario file can be (``kind: link``, the
default, ``kind: network``, ``kind: system``; see :mod:`semcom.simulator.kinds`); agents
list the settings their model kinds take (:data:`MODEL_KEYS`). Every name a scenario
selects by registry (semantic equalisers, anchor strategies, agents' kinds, datasets,
training heads, channel models, schemes, schedulers) is an enum of the names registered
when the schema is built (:mod:`~.names`). A section a scenario model keeps as a mapping
to validate later (a system study's ``abstraction:``) is described by the model that
validates it, named in the scenario class's ``SECTION_SCHEMAS``.
"""

from __future__ import annotations

from .names import registered_names

__all__ = ["MODEL_KEYS", "json_schema", "NAMES_RULE"]

#: How the schema's enums of registered names come about (its description says it).
NAMES_RULE = (
    "Registered names (semantic equalisers, anchor strategies, model kinds, datasets, channel models, "
    "schemes, schedulers) are enums of the package's names and of those registered in the process that "
    "built the schema: register yours, then call semcom.schema() to list them too."
)

#: Settings an agent may carry besides kind/latent_dim/seed, by model kind (for editors;
#: :func:`check_scenario` checks them against the encoders themselves).
MODEL_KEYS = {
    "width": ("integer", "mlp: hidden layer width (default 128)"),
    "depth": ("integer", "mlp: hidden layers (default 2)"),
    "channels": ("integer", "cnn: channels of the first convolution (default 16)"),
    "epochs": ("integer", "mlp/cnn: training epochs (default: about 50,000 sample passes)"),
    "batch_size": ("integer", "mlp/cnn/torch: training (or encoding) batch size"),
    "lr": ("number", "mlp/cnn: Adam learning rate (default 0.001)"),
    "weight_decay": ("number", "mlp/cnn: Adam weight decay (default 0.0001; 0 allowed)"),
    "head": ("string", "mlp/cnn: training head, linear (default, plain cross-entropy) or cosine"),
    "head_scale": ("number", "mlp/cnn with head: cosine: logit scale (default 10)"),
    "variant": ("integer", "efficientnet_lite: 0, 1 or 2 (default 0)"),
    "image_size": ("integer", "efficientnet_lite: side the images are resized to (default 64)"),
    "path": ("string", "npz: latent file, one row per dataset sample"),
    "import": ("string", "torch: 'module:callable' building the user's encoder"),
    "kwargs": ("object", "torch: keyword arguments of the callable"),
    "cache": ("boolean", "torch: cache the encoded latents (default true)"),
}


def json_schema(kinds: list) -> dict:
    """JSON Schema of a scenario file of one of ``kinds`` (the registered scenario kinds:
    :func:`semcom.simulator.kinds.scenario_kinds`), for editors; agents list their
    model-specific keys (:data:`MODEL_KEYS`), names are enums (:data:`NAMES_RULE`). The
    scenario core knows no kind: the caller passes them."""
    template = "#/$defs/{model}"
    classes = {kind.name: kind.scenario_class() for kind in kinds}
    branches = {name: cls.model_json_schema(ref_template=template) for name, cls in classes.items()}
    defs: dict = {}
    for name, branch in branches.items():
        defs.update(branch.pop("$defs", {}))
        for section, model in getattr(classes[name], "SECTION_SCHEMAS", {}).items():
            described = {
                k: v for k, v in branch["properties"][section].items() if k in ("description", "default")
            }
            section_schema = model.model_json_schema(ref_template=template)
            defs.update(section_schema.pop("$defs", {}))
            defs[model.__name__] = section_schema
            branch["properties"][section] = {
                "anyOf": [{"$ref": template.format(model=model.__name__)}, {"type": "null"}],
                **described,
            }
    defs["ModelSpec"]["properties"].update(
        {key: {"type": kind, "description": text} for key, (kind, text) in MODEL_KEYS.items()}
    )
    defs["ModelSpec"]["properties"]["head"]["enum"] = registered_names("training head")
    titles = {name: f"{name.capitalize()}Scenario" for name in branches}
    for name, branch in branches.items():
        defs[titles[name]] = branch
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "semcom scenario",
        "description": ", or ".join(kind.describe for kind in kinds) + ". " + NAMES_RULE,
        "oneOf": [{"$ref": f"#/$defs/{titles[name]}"} for name in branches],
        "$defs": defs,
    }
