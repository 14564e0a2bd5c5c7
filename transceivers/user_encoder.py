"""A user's own torch encoder as an agent, given by import path (kind ``torch``).

.. code-block:: yaml

    models:
      mine: {kind: torch, import: "my_package.models:build_encoder", kwargs: {width: 64}, latent_dim: 64}

``import`` is ``module:callable``; ``callable(**kwargs)`` must return a
:class:`torch.nn.Module` that maps the dataset's inputs
``[batch_size, channels, height, width], torch.float32`` (values in [0, 1]) to latents
``[batch_size, latent_dim], torch.float32`` (exactly two dimensions: end the module with
``torch.nn.Flatten()`` if needed). The module is put in eval mode and encodes every
sample once, in batches of ``batch_size`` (default 1024), under ``torch.no_grad()``.
The callable runs with torch's generator seeded by the agent's ``seed``, so a randomly
initialised encoder is the same at every run. The module is imported from the Python
path, then from the working directory. ``latent_dim`` (optional) is checked against
what the module returns.

A scenario with such an agent is a program: importing the module runs its top-level code
and the callable runs with the user's rights, as any Python script does. So the module is
imported only with an explicit opt-in (``semcom run --allow-code``,
``semcom.run(..., allow_code=True)``, or the setting of :mod:`semcom.core.trust`), and the callable must be a function
or class defined in the named module, outside Python's standard library
(:func:`resolve_entry`): ``os:system`` is refused before anything runs.

Caching: the latents are cached on disk (:mod:`semcom.transceivers.cache`) under a key made of
the import path, ``kwargs``, ``seed`` and the dataset's fingerprint. The key holds the
module's *name*, not its code or weights: after changing the module (or a weights file
it loads), give ``cache: false`` to re-encode at every run, or clear ``$SEMCOM_CACHE``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from semcom.core.errors import SemcomInputError

from .agents import LATENT_SOURCES, LatentSpace, require_inputs
from .cache import config_hash, load_tensors, save_tensors
from .datasets import Dataset
from semcom.core.trust import code_allowed

__all__ = ["load_user_encoder", "user_encoder_source", "check_spec", "check_code", "resolve_entry"]

_ENTRY = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
_SETTINGS = {"kind", "import", "kwargs", "batch_size", "seed", "latent_dim", "cache"}


def check_spec(name: str, spec: dict[str, Any]) -> None:
    """Scenario-time check of a ``torch`` agent's settings (nothing is imported)."""
    entry = spec.get("import")
    if not isinstance(entry, str) or not _ENTRY.match(entry):
        raise SemcomInputError(
            f"models.{name}.import: must be 'module:callable' (got {entry!r}); "
            "e.g. import: my_package.encoders:build"
        )
    if entry.split(".")[0].split(":")[0] in sys.stdlib_module_names:
        raise SemcomInputError(
            f"models.{name}.import: '{entry}' is in Python's standard library, not an encoder "
            "factory; name a function or class of your own module, e.g. my_package.encoders:build"
        )
    kwargs = spec.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise SemcomInputError(
            f"models.{name}.kwargs: must be a mapping of keyword arguments for the "
            f"callable (got {kwargs!r}); e.g. kwargs: {{width: 64}}"
        )
    if not isinstance(spec.get("cache", True), bool):
        raise SemcomInputError(
            f"models.{name}.cache: must be true or false (got {spec['cache']!r}); "
            "false re-encodes the dataset at every run"
        )
    batch = spec.get("batch_size", 1024)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise SemcomInputError(
            f"models.{name}.batch_size: must be a whole number >= 1 (got {batch!r}); e.g. batch_size: 1024"
        )
    unknown = sorted(set(spec) - _SETTINGS)
    if unknown:
        raise SemcomInputError(
            f"models.{name}.{unknown[0]}: unknown setting for kind 'torch'; "
            f"use {', '.join(sorted(_SETTINGS - {'kind'}))}"
        )


def _import(name: str, module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name.split(".")[0] and exc.name != module_name:
            raise SemcomInputError(
                f"models.{name}.import: importing '{module_name}' failed: it needs module "
                f"'{exc.name}', which is not installed; install it"
            ) from None
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.append(cwd)
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError:
            pass
        finally:
            sys.path.remove(cwd)
    raise SemcomInputError(
        f"models.{name}.import: module '{module_name}' cannot be found on the Python path "
        "or in the working directory; install it or run from its folder"
    )


def _refuse_code(name: str, module_name: str) -> SemcomInputError:
    return SemcomInputError(
        f"models.{name}.import: the scenario asks to run code from module '{module_name}' (a "
        "scenario with `import:` is a program, like any Python script); if you trust it, run it "
        "with --allow-code (semcom.run(..., allow_code=True))"
    )


def _exit_error(field: str, what: str, exc: SystemExit) -> SemcomInputError:
    """``sys.exit()`` in the user's code ends semcom's study, not the process: a run that
    exited 0 with a header-only CSV would read as a finished study."""
    return SemcomInputError(
        f"{field}: {what} called sys.exit({exc.code!r}); the study stopped there (finished "
        "units stay saved); raise an exception in the module instead of exiting"
    )


def check_code(name: str, spec: dict[str, Any], allow: bool) -> None:
    """Before a run: refuse agent ``name``'s import without ``allow``; with it, import the
    module and check its callable (:func:`resolve_entry`), without calling it."""
    entry = spec.get("import")
    if not allow and isinstance(entry, str) and _ENTRY.match(entry):
        raise _refuse_code(name, entry.split(":")[0])
    check_spec(name, spec)  # the entry's form, and no standard-library callable
    resolve_entry(name, spec)


def resolve_entry(name: str, spec: dict[str, Any]):
    """The callable ``spec['import']`` names: imported, and checked to be a function or a
    class defined in that module (not a builtin, not one it imported from elsewhere)."""
    check_spec(name, spec)
    module_name, attr = spec["import"].split(":")
    try:
        module = _import(name, module_name)
    except SemcomInputError:
        raise
    except SystemExit as exc:
        raise _exit_error(f"models.{name}.import", f"importing '{module_name}'", exc) from None
    except Exception as exc:  # noqa: BLE001 - the user's module failed while importing
        raise SemcomInputError(
            f"models.{name}.import: importing '{module_name}' raised "
            f"{type(exc).__name__}: {exc}; fix the module"
        ) from None
    target = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise SemcomInputError(
                f"models.{name}.import: module '{module_name}' has no '{attr}'; "
                "name a function or class defined in it"
            )
        target = getattr(target, part)
    own = (inspect.isfunction(target) or inspect.isclass(target) or inspect.ismethod(target)) and getattr(
        target, "__module__", None
    ) == module.__name__
    if not own:
        raise SemcomInputError(
            f"models.{name}.import: '{spec['import']}' is not a function or class defined in "
            f"module '{module_name}' (it is {type(target).__name__} from "
            f"'{getattr(target, '__module__', None) or 'elsewhere'}'); name the encoder factory "
            "your module defines"
        )
    return target


def load_user_encoder(name: str, spec: dict[str, Any]) -> torch.nn.Module:
    """Import ``spec['import']`` and call it with ``spec['kwargs']`` (seeded by ``spec['seed']``);
    only where user code is allowed (:func:`code_allowed`)."""
    check_spec(name, spec)
    if not code_allowed():
        raise _refuse_code(name, spec["import"].split(":")[0])
    target = resolve_entry(name, spec)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(spec.get("seed", 0)))
        try:
            encoder = target(**spec.get("kwargs", {}))
        except SystemExit as exc:
            raise _exit_error(f"models.{name}", f"'{spec['import']}'(**kwargs)", exc) from None
        except Exception as exc:  # noqa: BLE001 - the user's constructor failed
            raise SemcomInputError(
                f"models.{name}: '{spec['import']}'(**kwargs) raised "
                f"{type(exc).__name__}: {exc}; fix models.{name}.kwargs or the callable"
            ) from None
    if not isinstance(encoder, torch.nn.Module):
        raise SemcomInputError(
            f"models.{name}.import: '{spec['import']}' returned {type(encoder).__name__}, not a "
            "torch.nn.Module; return the encoder module"
        )
    return encoder.eval()


@torch.no_grad()
def _encode(name: str, encoder: torch.nn.Module, inputs: np.ndarray, batch_size: int) -> torch.Tensor:
    x = torch.from_numpy(inputs)
    chunks = []
    for start in range(0, len(x), batch_size):
        try:
            z = encoder(x[start : start + batch_size])
        except SystemExit as exc:
            raise _exit_error(f"models.{name}", "the encoder", exc) from None
        except Exception as exc:  # noqa: BLE001 - shapes the user's module does not accept
            raise SemcomInputError(
                f"models.{name}: the encoder failed on inputs of shape "
                f"{tuple(x[start : start + batch_size].shape)} ({type(exc).__name__}: {exc}); "
                "make it accept [batch, channels, height, width] float32"
            ) from None
        rows = min(batch_size, len(x) - start)
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or z.shape[0] != rows or z.shape[1] == 0:
            got = f"shape {tuple(z.shape)}" if isinstance(z, torch.Tensor) else type(z).__name__
            raise SemcomInputError(
                f"models.{name}: the encoder returned {got} for a batch of {rows} inputs; "
                "return a [batch, latent_dim] tensor (end the module with torch.nn.Flatten())"
            )
        chunks.append(z.detach().float().cpu())
    return torch.cat(chunks)


@LATENT_SOURCES.register("torch")
def user_encoder_source(
    name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray
) -> LatentSpace:
    """Agent ``name``: the dataset encoded by the user's module ``spec['import']`` (cached, see the module doc)."""
    require_inputs(name, "torch", dataset)
    check_spec(name, spec)
    use_cache = spec.get("cache", True)
    try:
        key = config_hash(
            "torch", spec["import"], spec.get("kwargs", {}), int(spec.get("seed", 0)), dataset.fingerprint
        )
    except TypeError:
        raise SemcomInputError(
            f"models.{name}.kwargs: holds values that are not plain numbers, strings, lists "
            "or mappings; give plain YAML values"
        ) from None
    cached = load_tensors("latents", key) if use_cache else None
    if cached is not None:
        latents = cached["latents"].float()
    else:
        encoder = load_user_encoder(name, spec)
        latents = _encode(name, encoder, dataset.inputs, int(spec.get("batch_size", 1024)))
        bad = ~torch.isfinite(latents)
        if bad.any():
            raise SemcomInputError(
                f"models.{name}: the encoder produced {int(bad.sum())} NaN/inf latent values "
                f"(first in sample {int(bad.any(1).nonzero()[0])}); fix the encoder"
            )
        if use_cache:
            save_tensors("latents", key, {"latents": latents})
    d = spec.get("latent_dim")
    if d is not None and int(d) != latents.shape[1]:
        raise SemcomInputError(
            f"models.{name}.latent_dim: is {d} but the encoder returns "
            f"{latents.shape[1]}-dimensional latents; remove latent_dim or fix it"
        )
    return LatentSpace(name, latents)


user_encoder_source.needs_inputs = True
user_encoder_source.check_spec = check_spec
user_encoder_source.check_code = check_code
