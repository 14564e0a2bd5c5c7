"""The JSON Schema of a scenario file (``semcom schema``), for editor completion.

One ``oneOf`` branch per kind of study a scenario file can be (``kind: link``, the
default, or ``kind: network``; see :mod:`semcom.simulator.kinds`); agents list the
settings their model kinds take (:data:`MODEL_KEYS`).
"""

from __future__ import annotations

__all__ = ["MODEL_KEYS", "json_schema"]

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
    :func:`semcom.simulator.kinds.scenario_kinds`), for editor completion; agents list
    their model-specific keys (:data:`MODEL_KEYS`). The scenario core knows no kind: the
    caller passes them."""
    template = "#/$defs/{model}"
    branches = {kind.name: kind.scenario_class().model_json_schema(ref_template=template) for kind in kinds}
    defs: dict = {}
    for branch in branches.values():
        defs.update(branch.pop("$defs", {}))
    defs["ModelSpec"]["properties"].update(
        {key: {"type": kind, "description": text} for key, (kind, text) in MODEL_KEYS.items()})
    titles = {name: f"{name.capitalize()}Scenario" for name in branches}
    for name, branch in branches.items():
        defs[titles[name]] = branch
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "semcom scenario",
            "description": ", or ".join(kind.describe for kind in kinds),
            "oneOf": [{"$ref": f"#/$defs/{titles[name]}"} for name in branches], "$defs": defs}
