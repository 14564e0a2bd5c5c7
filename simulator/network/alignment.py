"""Alignment cost of a network: what agents must exchange and fit before they understand each other.

* ``relative`` (and ``inverse``): every agent embeds the *shared* anchor samples with
  its own model and trains its own head once; no pair of agents fits anything for
  each other and no semantic pilots are sent: **0 per-pair fits, 0 pilot channel uses**,
  whatever the number of agents.
* ``aligned``: every communicating pair (tx agent, rx agent) fits its own linear map
  on ``K`` paired anchor latents, which the transmitter first sends as semantic pilots
  (:meth:`~semcom.transceivers.semantic.SemanticEqualizer.setup_symbols`); their channel uses
  are the channel's (:meth:`~semcom.channels.base.ChannelModel.channel_uses`).

A pair counts as fitted when its equaliser spends setup symbols. Airtime: the time the
whole medium (``R`` RBs of ``C`` channel uses per slot) needs to carry the pilots.

:func:`alignment_scaling` tabulates the cost as the number of agents ``N`` grows, for a
hub and spoke (``N`` transmitters → the hub: ``N`` pairs) and a full mesh (every agent
talks to every other: ``N(N-1)`` ordered pairs), the agents' models cycling through the
scenario's transmitter models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from semcom.channels.slot_fading import build_link_channel
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS

from .links import network_agents, network_anchors, pair_link

__all__ = ["AlignmentCost", "alignment_cost", "alignment_scaling", "ALIGNMENT_COLUMNS"]

ALIGNMENT_COLUMNS = [
    "topology",
    "semantic_equalizer",
    "num_anchors",
    "num_agents",
    "pairs",
    "fits",
    "pilot_channel_uses",
    "airtime_s",
]


@dataclass(frozen=True)
class AlignmentCost:
    fits: int
    pilot_channel_uses: float
    airtime_s: float


def _airtime(sc, pilot_uses_per_pair: list[float]) -> float:
    net = sc.network
    rbs = sum(math.ceil(u / net.channel_uses_per_rb) for u in pilot_uses_per_pair)
    return rbs / net.resource_blocks * net.slot_duration_s


def alignment_cost(sc, links, unit) -> AlignmentCost:
    """The cost for the unit's actual agents and destinations.

    :param links: the unit's :class:`~semcom.simulator.network.links.NetworkLinks`.
    """
    per_pair = []
    for t in links.transmitters:
        for r in t.destinations:
            pair = (t.model, links.receivers[r].model)
            setup = links.equalizers[pair].setup_symbols(links.links[pair])
            if setup:
                per_pair.append(float(links.channel.channel_uses(setup)))
    return AlignmentCost(len(per_pair), float(sum(per_pair)), _airtime(sc, per_pair))


def alignment_scaling(
    sc, num_agents: list[int], equalizers: list[str], k_values: list[int], channel: str
) -> list[dict]:
    """Rows of :data:`ALIGNMENT_COLUMNS` for each topology, equaliser, K and N."""
    seed = int(sc.axis("seed")[0])
    transmitters, receivers = network_agents(sc, seed)
    hub = receivers[0].model
    cycle = [t.model for t in transmitters]
    spec = sc.channels[channel]
    ch, _ = build_link_channel(spec.model, spec.model_dump(exclude={"model"}), sc.precision, "cpu")
    strategy = sc.axis("anchor_selection")[0]
    rows = []
    for k in k_values:
        anchors = network_anchors(sc, seed, strategy, k, hub)
        pair_uses: dict[tuple[str, str, str], float] = {}

        def uses(eq_name: str, tx_model: str, rx_model: str, pair_uses=pair_uses, anchors=anchors) -> float:
            key = (eq_name, tx_model, rx_model)
            if key not in pair_uses:
                link = pair_link(sc, seed, anchors, tx_model, rx_model)
                # the pilot count needs the settings and the link's sizes, not a fitted receiver
                eq = SEMANTIC_EQUALIZERS.get(eq_name)(**(sc.semantic_equalizers.get(eq_name) or {}))
                setup = eq.setup_symbols(link)
                pair_uses[key] = float(ch.channel_uses(setup)) if setup else 0.0
            return pair_uses[key]

        for eq_name in equalizers:
            for n in num_agents:
                models = [cycle[i % len(cycle)] for i in range(n)]
                topologies = {
                    "hub_and_spoke": [(m, hub) for m in models],
                    "full_mesh": [
                        (a, b) for i, a in enumerate(models) for j, b in enumerate(models) if i != j
                    ],
                }
                for topo, pairs in topologies.items():
                    per_pair = [u for u in (uses(eq_name, a, b) for a, b in pairs) if u > 0]
                    rows.append(
                        dict(
                            topology=topo,
                            semantic_equalizer=eq_name,
                            num_anchors=k,
                            num_agents=n,
                            pairs=len(pairs),
                            fits=len(per_pair),
                            pilot_channel_uses=sum(per_pair),
                            airtime_s=_airtime(sc, per_pair),
                        )
                    )
    return rows
