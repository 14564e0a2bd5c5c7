"""A user's own torch encoder as an agent, given by import path.

.. code-block:: yaml

    models:
      mine: {kind: user_encoder, entry: "my_package.models:build_encoder", options: {width: 64}}

``entry`` is ``module:callable``; ``callable(**options)`` must return a
:class:`torch.nn.Module` that maps the dataset's inputs
``[batch_size, channels, height, width], torch.float32`` (values in [0, 1]) to latents
``[batch_size, latent_dim], torch.float32`` (trailing dimensions are flattened). The
module is put in eval mode and encodes every sample once, without gradients. The
callable runs with torch's generator seeded by the agent's ``seed``, so a randomly
initialised encoder is the same at every run. The module is imported from the
Python path, then from the working directory.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .agents import LATENT_SOURCES, LatentSpace, _require_inputs
from .datasets import Dataset
from .errors import SemcomInputError

__all__ = ["load_user_encoder", "user_encoder_source", "check_spec"]

_ENTRY = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
_SETTINGS = {"kind", "entry", "options", "batch_size", "seed", "latent_dim"}


def check_spec(name: str, spec: dict[str, Any]) -> None:
    """Scenario-time check of a ``user_encoder`` agent's settings (nothing is imported)."""
    entry = spec.get("entry")
    if not isinstance(entry, str) or not _ENTRY.match(entry):
        raise SemcomInputError(f"models.{name}.entry: must be 'module:callable' (got {entry!r}); "
                               "e.g. entry: my_package.encoders:build")
    options = spec.get("options", {})
    if not isinstance(options, dict):
        raise SemcomInputError(f"models.{name}.options: must be a mapping of keyword arguments for the "
                               f"callable (got {options!r}); e.g. options: {{width: 64}}")
    batch = spec.get("batch_size", 1024)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise SemcomInputError(f"models.{name}.batch_size: must be a whole number >= 1 (got {batch!r}); "
                               "e.g. batch_size: 1024")
    unknown = sorted(set(spec) - _SETTINGS)
    if unknown:
        raise SemcomInputError(f"models.{name}.{unknown[0]}: unknown setting for kind 'user_encoder'; "
                               f"use {', '.join(sorted(_SETTINGS - {'kind'}))}")


def _import(name: str, module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name.split(".")[0] and exc.name != module_name:
            raise SemcomInputError(f"models.{name}.entry: importing '{module_name}' failed: it needs module "
                                   f"'{exc.name}', which is not installed; install it") from None
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.append(cwd)
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError:
            pass
        finally:
            sys.path.remove(cwd)
    raise SemcomInputError(f"models.{name}.entry: module '{module_name}' cannot be found on the Python path "
                           "or in the working directory; install it or run from its folder")


def load_user_encoder(name: str, spec: dict[str, Any]) -> torch.nn.Module:
    """Import ``spec['entry']`` and call it with ``spec['options']`` (seeded by ``spec['seed']``)."""
    check_spec(name, spec)
    module_name, attr = spec["entry"].split(":")
    try:
        module = _import(name, module_name)
    except SemcomInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's module failed while importing
        raise SemcomInputError(f"models.{name}.entry: importing '{module_name}' raised "
                               f"{type(exc).__name__}: {exc}; fix the module") from None
    target = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise SemcomInputError(f"models.{name}.entry: module '{module_name}' has no '{attr}'; "
                                   "name a function or class defined in it")
        target = getattr(target, part)
    if not callable(target):
        raise SemcomInputError(f"models.{name}.entry: '{spec['entry']}' is not callable; name a function "
                               "or class that returns a torch.nn.Module")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(spec.get("seed", 0)))
        try:
            encoder = target(**spec.get("options", {}))
        except Exception as exc:  # noqa: BLE001 - the user's constructor failed
            raise SemcomInputError(f"models.{name}: '{spec['entry']}'(**options) raised "
                                   f"{type(exc).__name__}: {exc}; fix models.{name}.options or the callable") from None
    if not isinstance(encoder, torch.nn.Module):
        raise SemcomInputError(f"models.{name}.entry: '{spec['entry']}' returned {type(encoder).__name__}, not a "
                               "torch.nn.Module; return the encoder module")
    return encoder.eval()


@torch.no_grad()
def _encode(name: str, encoder: torch.nn.Module, inputs: np.ndarray, batch_size: int) -> torch.Tensor:
    x = torch.from_numpy(inputs)
    chunks = []
    for start in range(0, len(x), batch_size):
        try:
            z = encoder(x[start:start + batch_size])
        except Exception as exc:  # noqa: BLE001 - shapes the user's module does not accept
            raise SemcomInputError(f"models.{name}: the encoder failed on inputs of shape "
                                   f"{tuple(x[start:start + batch_size].shape)} ({type(exc).__name__}: {exc}); "
                                   "make it accept [batch, channels, height, width] float32") from None
        if not isinstance(z, torch.Tensor) or z.dim() < 2 or z.shape[0] != min(batch_size, len(x) - start):
            raise SemcomInputError(f"models.{name}: the encoder returned "
                                   f"{tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__} for "
                                   f"a batch of {min(batch_size, len(x) - start)}; return [batch, latent_dim]")
        chunks.append(z.detach().float().flatten(1).cpu())
    return torch.cat(chunks)


@LATENT_SOURCES.register("user_encoder")
def user_encoder_source(name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> LatentSpace:
    """Agent ``name``: the dataset encoded by the user's module ``spec['entry']``."""
    _require_inputs(name, "user_encoder", dataset)
    encoder = load_user_encoder(name, spec)
    latents = _encode(name, encoder, dataset.inputs, int(spec.get("batch_size", 1024)))
    bad = ~torch.isfinite(latents)
    if bad.any():
        raise SemcomInputError(f"models.{name}: the encoder produced {int(bad.sum())} NaN/inf latent values "
                               f"(first in sample {int(bad.any(1).nonzero()[0])}); fix the encoder")
    d = spec.get("latent_dim")
    if d is not None and int(d) != latents.shape[1]:
        raise SemcomInputError(f"models.{name}.latent_dim: is {d} but the encoder returns "
                               f"{latents.shape[1]}-dimensional latents; remove latent_dim or fix it")
    return LatentSpace(name, latents)


user_encoder_source.check_spec = check_spec
