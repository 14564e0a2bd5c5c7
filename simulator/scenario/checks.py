"""Semantic checks every kind of study shares: names that must be registered, settings a
block accepts, agents' settings, anchor strategies, seeds, the device; and the warning
for a test set too small to tell methods apart.

Each check raises one :class:`~semcom.core.errors.ScenarioError` naming the field, the
bad value and the fix; a kind's ``check`` runs them inside
:class:`~semcom.simulator.scenario.errors.Findings` blocks so every problem is reported.
The checks import the registries (torch, Sionna): a scenario *model* never imports this
module; a kind's checks (:mod:`semcom.simulator.link.checks`, ...) do.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch

from semcom import transceivers
from semcom.channels import CHANNELS, build_channel
from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.core.registry import constructor_settings, suggest
from semcom.core.settings import SettingError, is_number
from semcom.transceivers.agents import HEAD_DEFAULTS, TRAINING_DEFAULTS, needs_inputs, require_inputs
from semcom.transceivers.anchors import ANCHOR_STRATEGIES
from semcom.transceivers.encoders import ENCODERS, MAX_LAYERS, TRAINING_HEADS
from semcom.transceivers.schemes import SCHEMES

from .errors import Findings
from .specs import ModelSpec, StudyBase

__all__ = [
    "check_names",
    "check_settings",
    "check_positive",
    "check_model",
    "build_check",
    "check_channel",
    "check_scheme",
    "check_agents",
    "check_agent_data",
    "check_anchor_pool",
    "check_anchor_selection",
    "check_seeds",
    "check_device",
    "warn_small_test_set",
    "warn_one_class",
    "warn_latent_scale",
    "ScenarioWarning",
    "SMALL_TEST_SET",
    "LATENT_NORMS",
]


def check_names(field: str, names: list, registry_names: list[str], what: str) -> None:
    for i, name in enumerate(names):
        if name not in registry_names:
            raise ScenarioError(
                f"{field}[{i}]" if len(names) > 1 else field,
                name,
                f"unknown {what}{suggest(str(name), registry_names)}",
                f"choose one of: {', '.join(sorted(registry_names))}",
            )


def check_settings(field: str, settings: dict, known: list[str]) -> None:
    for key in settings:
        if key not in known:
            raise ScenarioError(
                f"{field}.{key}",
                None,
                "unknown setting" + suggest(str(key), known),
                f"remove it or use one of: {', '.join(known)}" if known else "remove it",
            )


def check_positive(field: str, value: Any, integer: bool, allow_zero: bool = False) -> None:
    ok = (
        is_number(value)
        and math.isfinite(value)
        and (value >= 0 if allow_zero else value > 0)
        and (not integer or float(value).is_integer())
    )
    if not ok:
        what = f"{'non-negative' if allow_zero else 'positive'} {'whole number' if integer else 'number'}"
        raise ScenarioError(field, value, f"must be a {what}", "use e.g. 1" if integer else "use e.g. 0.001")


def check_model(name: str, spec: ModelSpec) -> None:
    """Settings of zoo and PCA agents (other latent sources check their own)."""
    field = f"models.{name}"
    settings = spec.model_dump(exclude={"kind", "seed", "latent_dim"})
    own_check = getattr(transceivers.LATENT_SOURCES.get(spec.kind), "check_spec", None)
    if own_check is not None:  # latent files, user encoders: the source checks its own settings
        own_check(name, spec.model_dump(exclude_none=True))  # raises SemcomInputError naming models.<name>
    if (spec.kind in ENCODERS or spec.kind == "pca") and spec.latent_dim is None:
        raise ScenarioError(
            f"{field}.latent_dim", None, f"is required for kind '{spec.kind}'", "add e.g. latent_dim: 32"
        )
    if spec.kind == "pca":
        check_settings(field, settings, ["kind", "latent_dim", "seed"])
    elif spec.kind in ENCODERS:
        arch = [
            s
            for s in constructor_settings(ENCODERS.get(spec.kind), stop=torch.nn.Module)
            if s not in ("input_shape", "latent_dim")
        ]
        check_settings(
            field, settings, ["kind", "latent_dim", "seed", *arch, *TRAINING_DEFAULTS, *HEAD_DEFAULTS]
        )
        for key, value in settings.items():
            if key == "head":
                check_names(f"{field}.head", [value], TRAINING_HEADS.names(), "training head")
                continue
            default = {**TRAINING_DEFAULTS, **HEAD_DEFAULTS}.get(key)
            check_positive(
                f"{field}.{key}",
                value,
                integer=not isinstance(default, float),
                allow_zero=key == "weight_decay",
            )  # no weight decay is a valid setting
            if key == "depth" and value > MAX_LAYERS:
                raise ScenarioError(
                    f"{field}.depth", value, f"must be at most {MAX_LAYERS} layers", "use e.g. 2"
                )


def build_check(field: str, build) -> None:
    """Construct a cheap block (channel, scheme) to surface its own value checks as one line."""
    try:
        build()
    except ScenarioError:
        raise
    except SettingError as exc:  # a Block's setting, named by its spec
        raise ScenarioError(f"{field}.{exc.setting}", exc.value, exc.problem, exc.fix) from None
    except SemcomInputError as exc:
        head, sep, rest = str(exc).partition(": ")
        if sep and " " not in head and "." in head:  # the block named its own setting: keep one prefix
            raise ScenarioError(f"{field}.{head.split('.', 1)[1]}", None, rest, "") from None
        raise ScenarioError(field, None, str(exc), "") from None
    except (TypeError, ValueError) as exc:
        raise ScenarioError(field, None, f"invalid settings ({exc})", "fix them (see the README)") from None


def check_channel(field: str, spec: Any, precision: str, build: Any = None) -> None:
    """A channel's ``model`` is registered and its Block takes its settings together
    (rules across settings, such as ``num_rx_ant >= num_tx_ant``, are the Block's; each
    setting alone was typed and bounded while parsing). ``build`` builds it (default:
    :func:`semcom.channels.build_channel`)."""
    check_names(f"{field}.model", [spec.model], CHANNELS.names(), "channel model")
    settings = spec.model_dump(exclude={"model"})
    build_check(
        field, build or (lambda: build_channel(spec.model, precision=precision, device="cpu", **settings))
    )


def check_scheme(field: str, spec: Any, precision: str) -> None:
    """A scheme's ``kind`` is registered and its Block takes its settings together."""
    check_names(f"{field}.kind", [spec.kind], SCHEMES.names(), "transmission scheme")
    settings = spec.model_dump(exclude={"kind"})
    build_check(field, lambda: SCHEMES.get(spec.kind)(precision=precision, device="cpu", **settings))


def check_agents(sc: StudyBase, found: Findings) -> None:
    """The dataset and every agent's kind and settings (one finding per agent)."""
    with found.check():
        check_names("data.dataset", [sc.data.dataset], transceivers.DATASETS.names(), "dataset")
    for name, spec in sc.models.items():
        with found.check():
            check_names(f"models.{name}.kind", [spec.kind], transceivers.LATENT_SOURCES.names(), "model kind")
            check_model(name, spec)


def check_anchor_selection(sc: StudyBase) -> None:
    check_names(
        "sweep.anchor_selection", sc.axis("anchor_selection"), ANCHOR_STRATEGIES.names(), "anchor selection"
    )


def check_anchor_pool(sc: StudyBase, pool: int) -> None:
    """Every K of ``sweep.num_anchors`` fits in the anchor pool of ``pool`` samples."""
    for i, k in enumerate(sc.axis("num_anchors")):
        if int(k) > pool:
            raise ScenarioError(
                f"sweep.num_anchors[{i}]",
                k,
                f"exceeds the anchor pool of {pool} samples",
                f"use at most {pool} or lower data.test_fraction or data.train_fraction",
            )


def check_seeds(sc: StudyBase) -> None:
    for i, s in enumerate(sc.axis("seed")):
        if int(s) < 0:
            raise ScenarioError(f"sweep.seed[{i}]", s, "must be >= 0", "use non-negative seeds")


def check_device(sc: StudyBase) -> None:
    if sc.device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ScenarioError(
                "device", sc.device, "CUDA is not available on this machine", "use device: cpu"
            )
    elif sc.device != "cpu":
        raise ScenarioError("device", sc.device, "unknown device", "use cpu, cuda or cuda:N")


class ScenarioWarning(UserWarning):
    """A scenario that runs but whose results may mislead (the CLI prints it as one line)."""


#: A test set whose 95% interval at accuracy 0.5 is wider than +-10 points (1.96 * 0.5 / sqrt(n) > 0.1).
SMALL_TEST_SET = 97


def warn_small_test_set(num_test: int) -> None:
    if num_test < SMALL_TEST_SET:
        half = 1.96 * 0.5 / math.sqrt(max(num_test, 1)) * 100
        warnings.warn(
            f"data: only {num_test} test samples: an accuracy's 95% interval is up to +-{half:.0f} "
            f"points wide; use at least {SMALL_TEST_SET} (raise data.test_fraction or data.limit)",
            ScenarioWarning,
            stacklevel=2,
        )


#: Latent norms (median over samples) within which float32 cosines and heads keep their meaning:
#: beyond them a norm's square leaves float32 (overflow near 1e19, underflow near 1e-19), and
#: normalisation's epsilon (1e-12) swamps the latent well before.
LATENT_NORMS = (1e-8, 1e12)


def check_agent_data(sc: StudyBase, data, found: Findings) -> None:
    """Every agent against the study's data (one finding per agent): a latent file against the
    dataset's samples and labels, a source that encodes inputs against a dataset that has some,
    PCA within the inputs' dimensions; then warnings for data whose results would mislead (one
    class, latents at a scale where cosines fail)."""
    for name, spec in sc.models.items():
        with found.check():
            source_check = getattr(transceivers.LATENT_SOURCES.get(spec.kind), "check_data", None)
            latents = None
            if source_check is not None:  # sources that read files check them against the data
                latents = source_check(name, spec.model_dump(exclude_none=True), data.dataset)
            if needs_inputs(spec.kind):
                require_inputs(name, spec.kind, data.dataset)
            _check_pca_dim(name, spec, data.dataset)
            if latents is not None:
                warn_latent_scale(f"models.{name}", np.asarray(latents))
    warn_one_class(np.asarray(data.labels), data.pool_idx, data.test_idx)


def _check_pca_dim(name: str, spec: ModelSpec, dataset) -> None:
    """PCA cannot give more components than the inputs have dimensions (it would silently give fewer)."""
    inputs = getattr(dataset, "inputs", None)
    if spec.kind != "pca" or inputs is None or spec.latent_dim is None:
        return
    dims = int(math.prod(inputs.shape[1:]))
    if spec.latent_dim > dims:
        raise ScenarioError(
            f"models.{name}.latent_dim",
            spec.latent_dim,
            f"exceeds the {dims} input dimensions of data.dataset (PCA has at most {dims} components)",
            f"use latent_dim <= {dims}",
        )


def warn_one_class(labels: np.ndarray, pool_idx, test_idx) -> None:
    """A pool or test set of one class: heads learn nothing, and a receiver that outputs that
    class scores accuracy 1.0 whatever the channel does."""
    for part, idx in (("test set", test_idx), ("pool", pool_idx)):
        classes = np.unique(labels[np.asarray(idx, dtype=np.int64)])
        if len(classes) == 1:
            warnings.warn(
                f"data: the {part} holds one class only (label {int(classes[0])}): accuracy is 1.0 for "
                "any receiver that answers it, so it measures nothing; use data with at least two "
                "classes in the pool and in the test set",
                ScenarioWarning,
                stacklevel=2,
            )
            return


def warn_latent_scale(field: str, latents: np.ndarray) -> None:
    """Latents whose typical norm lies outside :data:`LATENT_NORMS`: their cosines, relative
    representations and heads are numerically meaningless in float32."""
    norms = np.linalg.norm(latents.reshape(len(latents), -1).astype(np.float64), axis=1)
    typical = float(np.median(norms)) if len(norms) else 1.0
    low, high = LATENT_NORMS
    if not low <= typical <= high:
        warnings.warn(
            f"{field}: latents of norm about {typical:.1e} (median): cosines, relative representations "
            f"and heads lose their meaning in float32 outside {low:g}..{high:g}; rescale the latents "
            "(e.g. divide them by their median norm)",
            ScenarioWarning,
            stacklevel=2,
        )
