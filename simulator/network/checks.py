"""Semantic checks of a network scenario (``kind: network``): names that exist, channels a
network link can use, and every message fitting in one slot; one line per problem.

The scenario model (:mod:`semcom.simulator.network.schema`) only parses and types; these
checks need the registries and the link blocks (torch, Sionna).
"""

from __future__ import annotations

import itertools
from typing import Optional

from semcom import transceivers
from semcom.channels.slot_fading import FADING_CHANNELS, build_link_channel
from semcom.core.errors import ScenarioError
from semcom.transceivers.schemes import message_scheme
from semcom.transceivers.semantic.channel_aware import refuse_link_simulation

from ..run.context import latent_space, study_data
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
)
from ..scenario.errors import Findings
from semcom.transceivers.schemes.specs import SCHEME_SPECS
from .links import message_channel_uses
from .medium import SCHEDULERS
from .schema import NetworkScenario

__all__ = ["check_network_scenario"]


def check_network_scenario(sc: NetworkScenario, check_data: bool = True) -> None:
    """Semantic checks that need the registries (and, with ``check_data``, the data):
    names that exist, channels a network link can use, and every message fitting in one slot."""
    found = Findings()  # every independent problem is reported, one line each
    check_agents(sc, found)
    _check_agents_and_names(sc, found)
    _check_blocks(sc, found)
    _check_axes(sc, found)
    found.raise_all()  # the slot and data checks below assume names and settings that exist
    _check_slot(sc, check_data)
    if check_data:
        data = study_data(sc)
        check_agent_data(sc, data, found)
        found.raise_all()
        check_anchor_pool(sc, len(data.pool_idx))


def _check_agents_and_names(sc: NetworkScenario, found: Findings) -> None:
    """The network's agents name models and receivers that exist; schedulers and channels exist."""
    net, models = sc.network, list(sc.models)
    define = "model (define it under `models`)"
    for group, spec in net.transmitters.items():
        with found.check():
            check_names(f"network.transmitters.{group}.model", [spec.model], models, define)
        with found.check():
            dests = spec.destinations(list(net.receivers))
            if not dests:
                raise ScenarioError(
                    f"network.transmitters.{group}.receiver",
                    spec.receiver,
                    "is an empty list",
                    "name at least one receiver, or leave it out for all",
                )
            check_names(
                f"network.transmitters.{group}.receiver",
                dests,
                list(net.receivers),
                "receiver (define it under `network.receivers`)",
            )
    for name, spec in net.receivers.items():
        with found.check():
            check_names(f"network.receivers.{name}.model", [spec.model], models, define)
    if net.anchor_agent is not None:
        with found.check():
            check_names("network.anchor_agent", [net.anchor_agent], models, define)
    with found.check():
        check_names("sweep.scheduler", sc.axis("scheduler"), SCHEDULERS.names(), "scheduler")
    with found.check():
        check_names(
            "sweep.channel", sc.axis("channel"), list(sc.channels), "channel (define it under `channels`)"
        )


def _check_blocks(sc: NetworkScenario, found: Findings) -> None:
    """Channels a slot can carry, the scheme, the semantic equalisers and their settings."""
    for name, spec in sc.channels.items():

        def build_slot_channel(name=name, spec=spec):
            if spec.model not in FADING_CHANNELS:
                raise ScenarioError(
                    f"channels.{name}.model",
                    spec.model,
                    "cannot carry network links (a message is one flat-fading block per slot)",
                    f"use one of: {', '.join(FADING_CHANNELS)}",
                )
            return build_link_channel(spec.model, spec.model_dump(exclude={"model"}), sc.precision, "cpu")

        with found.check():  # a registered model first (with a did-you-mean), then one a slot can carry
            check_channel(f"channels.{name}", spec, sc.precision, build=build_slot_channel)
    with found.check():
        check_scheme("scheme", sc.scheme, sc.precision)
    equalizers = transceivers.SEMANTIC_EQUALIZERS
    with found.check():
        check_names(
            "sweep.semantic_equalizer",
            sc.axis("semantic_equalizer"),
            equalizers.names(),
            "semantic equalizer",
        )
    for name, options in sc.semantic_equalizers.items():
        with found.check():
            check_names("semantic_equalizers", [name], equalizers.names(), "semantic equalizer")
            check_settings(f"semantic_equalizers.{name}", options or {}, equalizers.get(name).settings())
            equalizers.get(name).check_settings(f"semantic_equalizers.{name}", options or {})
            refuse_link_simulation(f"semantic_equalizers.{name}", options or {})


def _check_axes(sc: NetworkScenario, found: Findings) -> None:
    """The sweep's anchors, loads, bits, seeds and the device."""
    with found.check():
        check_anchor_selection(sc)
    with found.check():
        for i, k in enumerate(sc.axis("num_anchors")):
            if int(k) < 1:
                raise ScenarioError(
                    f"sweep.num_anchors[{i}]", k, "must be a whole number >= 1", "use e.g. [8, 32]"
                )
    with found.check():
        for i, rate in enumerate(sc.axis("arrival_rate")):
            if not float(rate) > 0:
                raise ScenarioError(
                    f"sweep.arrival_rate[{i}]",
                    rate,
                    "must be > 0 messages per second",
                    "use positive rates such as [50, 100, 200]",
                )
    with found.check():
        for i, b in enumerate(sc.axis("bits")):
            if b is not None and not 1 <= int(b) <= 16:
                raise ScenarioError(f"sweep.bits[{i}]", b, "must be between 1 and 16", "use e.g. 4 or 8")
            if b is not None and sc.scheme.kind in SCHEME_SPECS and not sc.scheme.quantises:
                raise ScenarioError(
                    "sweep.bits",
                    b,
                    f"does not apply to the '{sc.scheme.kind}' scheme",
                    "remove sweep.bits or use scheme: {kind: digital}",
                )
    with found.check():
        check_seeds(sc)
    with found.check():
        check_device(sc)


def _check_slot(sc: NetworkScenario, check_data: bool) -> None:
    """Every message fits in one slot: ``ceil(channel uses / C) <= R`` for every equaliser,
    channel, bits, K and transmitter model."""
    net = sc.network

    def latent_dim(model: str) -> Optional[int]:
        return latent_space(sc, model).latent_dim if check_data else sc.models[model].latent_dim

    tx_models = sorted({spec.model for spec in net.transmitters.values()})
    for eq_name in sc.axis("semantic_equalizer"):
        kind = transceivers.SEMANTIC_EQUALIZERS.get(eq_name).message
        for ch_name in sc.axis("channel"):
            spec = sc.channels[ch_name]
            ch, _ = build_link_channel(spec.model, spec.model_dump(exclude={"model"}), sc.precision, "cpu")
            for bits, k, model in itertools.product(sc.axis("bits"), sc.axis("num_anchors"), tx_models):
                dim = int(k) if kind == "relative" else latent_dim(model)
                if dim is None:
                    continue
                uses = message_channel_uses(
                    message_scheme(sc.scheme, kind, dim, bits, sc.precision, "cpu"), ch, dim
                )
                rbs = -(-uses // net.channel_uses_per_rb)
                if rbs > net.resource_blocks:
                    where = f"K = {k}" if kind == "relative" else f"model {model} (latent_dim {dim})"
                    raise ScenarioError(
                        "network.resource_blocks",
                        net.resource_blocks,
                        f"a message of {where} with '{eq_name}' over '{ch_name}' needs {uses} channel uses = "
                        f"{rbs} RBs of {net.channel_uses_per_rb}, more than one slot holds",
                        f"use at least {rbs} resource_blocks, larger channel_uses_per_rb, or a smaller K",
                    )
