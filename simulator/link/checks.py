"""Semantic checks of a link scenario (``kind: link``): names that must be registered,
settings the blocks accept, the anchor pool, the data; one line per problem.

The scenario model (:mod:`semcom.simulator.link.schema`) only parses and types; these checks
need the registries (torch, Sionna), so only a kind's ``check`` (and the run) loads them.
"""

from __future__ import annotations


from semcom import transceivers
from semcom.core.errors import ScenarioError
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS, resolve_equalizer

from ..run.context import fits_on_data, study_data
from ..scenario.checks import (
    check_agent_data,
    check_agents,
    check_anchor_pool,
    check_anchor_selection,
    check_channel,
    check_device,
    check_names,
    check_scheme,
    check_seeds,
    check_settings,
    warn_small_test_set,
)
from ..scenario.errors import Findings
from semcom.transceivers.schemes.specs import SCHEME_SPECS
from ..scenario.specs import StudyBase
from .jscc_engine import check_jscc
from .schema import Scenario

__all__ = ["check_scenario"]


def _check_semantic_equalizers(sc: Scenario) -> None:
    """Registered equalisers and named receivers (``{name: {equalizer: <registered>, ...}}``)."""
    named = [n for n, v in sc.semantic_equalizers.items() if (v or {}).get("equalizer") is not None]
    check_names(
        "sweep.semantic_equalizer",
        sc.axis("semantic_equalizer"),
        SEMANTIC_EQUALIZERS.names() + named,
        "semantic equalizer (or define a named receiver under `semantic_equalizers` with `equalizer:`)",
    )
    for name, settings in sc.semantic_equalizers.items():
        settings = settings or {}
        if "equalizer" in settings:
            check_names(
                f"semantic_equalizers.{name}.equalizer",
                [settings["equalizer"]],
                SEMANTIC_EQUALIZERS.names(),
                "semantic equalizer",
            )
        else:
            check_names(
                "semantic_equalizers",
                [name],
                SEMANTIC_EQUALIZERS.names(),
                "semantic equalizer (a named receiver needs `equalizer: <one of them>`)",
            )
        cls, options = resolve_equalizer(name, settings)
        known = cls.settings()
        check_settings(f"semantic_equalizers.{name}", options, known)
        cls.check_settings(f"semantic_equalizers.{name}", options)
        cls(**options)  # the rules its constructor keeps (it names its own field)
    # receivers fitted on the pilots: every pilot budget of the sweep must be enough to fit them
    for name in sc.axis("semantic_equalizer"):
        cls, options = resolve_equalizer(name, sc.semantic_equalizers.get(name))
        check_budget = getattr(cls, "check_budget", None)
        if check_budget is not None:
            for i, k in enumerate(sc.axis("num_anchors")):
                check_budget(f"semantic_equalizers.{name}", options, int(k), f"sweep.num_anchors[{i}]")


def _check_stop(sc: Scenario, specs: dict) -> None:
    """The ``stop:`` settings against the study: its listed seeds, its schemes' codewords."""
    stop = sc.stop
    if stop is None:
        return
    listed = StudyBase.axis(sc, "seed")
    if stop.max_replicates < len(listed):
        raise ScenarioError(
            "stop.max_replicates",
            stop.max_replicates,
            f"is below the {len(listed)} seeds of sweep.seed",
            f"raise it to at least {len(listed)} or list fewer seeds",
        )
    coded = [
        name
        for name in sc.axis("scheme")
        if name in specs and (specs[name].has_block_length or specs[name].kind not in SCHEME_SPECS)
    ]
    if stop.block_targets() and not coded:
        field = "num_target_block_errors" if stop.num_target_block_errors is not None else "target_bler"
        raise ScenarioError(
            f"stop.{field}",
            getattr(stop, field),
            f"counts block errors, but the scheme(s) {', '.join(sc.axis('scheme'))} send no codewords",
            "remove it, or use a digital "
            "scheme (scheme: {kind: digital}); stop.ci_half_width works for every scheme",
        )


def check_scenario(sc: Scenario, check_data: bool = True) -> None:
    """Semantic checks that need the registries (and, with ``check_data``, the data).

    Every independent problem is reported (one :class:`ScenarioError`, or
    :class:`ScenarioErrors` holding one per problem); checks that depend on a failed
    one (the settings of an unknown channel model) are skipped.
    """
    found = Findings()
    check_agents(sc, found)
    define = "model (define it under `models`)"
    with found.check():
        check_names("sweep.transmitter", sc.axis("transmitter"), list(sc.models), define)
    with found.check():
        check_names("sweep.receiver", sc.axis("receiver"), list(sc.models), define)
    with found.check():
        check_names(
            "sweep.channel", sc.axis("channel"), list(sc.channels), "channel (define it under `channels`)"
        )
    for name, spec in sc.channels.items():
        with found.check():
            check_channel(f"channels.{name}", spec, sc.precision)
    known_schemes, quantising = _check_schemes(sc, found)
    with found.check():
        _check_semantic_equalizers(sc)
    with found.check():
        check_anchor_selection(sc)
    _check_sweep(sc, found, known_schemes, quantising)
    found.raise_all()  # the data checks below assume a scenario that is otherwise sound
    if check_data:
        _check_data(sc, found)


def _check_schemes(sc: Scenario, found: Findings) -> tuple[set[str], list[str]]:
    """Every scheme registered and its settings sound; returns the schemes whose kind exists
    and those that quantise (a scheme the user registered may: sweep.bits is then its to refuse)."""
    specs = sc.scheme_specs()
    where = {name: (f"schemes.{name}" if sc.schemes else "scheme") for name in specs}
    known = set()
    for name, spec in specs.items():
        with found.check():
            check_names(
                f"{where[name]}.kind", [spec.kind], transceivers.SCHEMES.names(), "transmission scheme"
            )
            known.add(name)
    quantising = [
        name
        for name in sc.axis("scheme")
        if name in specs and (specs[name].quantises or specs[name].kind not in SCHEME_SPECS)
    ]
    with found.check():
        check_names("sweep.scheme", sc.axis("scheme"), list(specs), "scheme (define it under `schemes`)")
        for name in sc.axis("scheme"):
            if name not in known:
                continue
            with found.check():
                check_scheme(where[name], specs[name], sc.precision)
                if specs[name].kind == "jscc":
                    check_jscc(sc, name)
    return known, quantising


def _check_sweep(sc: Scenario, found: Findings, known_schemes: set[str], quantising: list[str]) -> None:
    """Anchor counts (and top-k within them), bits, seeds, the device and the data split."""
    with found.check():
        for i, k in enumerate(sc.axis("num_anchors")):
            if k is None or int(k) < 1:
                raise ScenarioError(
                    f"sweep.num_anchors[{i}]",
                    k,
                    "must be a whole number >= 1",
                    "use positive anchor counts such as [4, 8, 16]",
                )
        top_k = sc.compression.top_k
        if top_k is not None and top_k > min(int(k) for k in sc.axis("num_anchors")):
            i, k = min(enumerate(sc.axis("num_anchors")), key=lambda ik: int(ik[1]))
            raise ScenarioError(
                "compression.top_k",
                top_k,
                f"exceeds sweep.num_anchors[{i}] = {int(k)} (a relative message has one entry per anchor)",
                f"use compression.top_k <= {int(k)} or drop sweep.num_anchors values below {top_k}",
            )
    with found.check():
        for i, b in enumerate(sc.axis("bits")):
            if b is not None and not 1 <= int(b) <= 16:
                raise ScenarioError(f"sweep.bits[{i}]", b, "must be between 1 and 16", "use e.g. 4 or 8")
            if b is not None and not quantising and known_schemes:
                raise ScenarioError(
                    "sweep.bits",
                    b,
                    f"does not apply to the scheme(s) {', '.join(sc.axis('scheme'))} (none quantises)",
                    "remove sweep.bits or use scheme: {kind: digital}",
                )
    with found.check():
        check_seeds(sc)
    with found.check():
        _check_stop(sc, sc.scheme_specs())
    with found.check():
        check_device(sc)
    with found.check():
        trains = any(fits_on_data(spec.kind) for spec in sc.models.values())
        if trains and sc.data.train_fraction + sc.data.test_fraction >= 1:
            raise ScenarioError(
                "data.train_fraction",
                sc.data.train_fraction,
                f"with data.test_fraction {sc.data.test_fraction} leaves no pool for anchors and heads",
                "make train_fraction + test_fraction sum below 1 (e.g. 0.4 + 0.3)",
            )


def _check_data(sc: Scenario, found: Findings) -> None:
    """Agents against the data (:func:`~..scenario.checks.check_agent_data`), anchor counts against the pool."""
    data = study_data(sc)
    check_agent_data(sc, data, found)
    with found.check():
        check_anchor_pool(sc, len(data.pool_idx))
    found.raise_all()
    warn_small_test_set(len(data.test_idx))
