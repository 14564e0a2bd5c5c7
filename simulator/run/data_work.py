"""The work a study's data and agents ask for, before anything is trained: test samples,
the memory of the data, the latents and the largest training, and the floating-point
operations of training every zoo encoder (counted on torch's ``meta`` device:
:func:`semcom.transceivers.agents.training_cost`). Every kind's work estimate adds it
(:meth:`semcom.simulator.kinds.base.StudyKind.estimate_work`).

Example::

    from semcom.simulator.kinds import load_study
    from semcom.simulator.run.data_work import data_work
    print(data_work(load_study("scenarios/quickstart.yaml")))
"""

from __future__ import annotations

from dataclasses import dataclass

from semcom.core.errors import SemcomInputError
from semcom.core.registry import UnknownNameError

from .context import study_data

__all__ = ["DataWork", "data_work", "ADAM_BYTES_PER_PARAMETER"]

#: Memory a trained parameter takes: the weight, its gradient and Adam's two moments (float32).
ADAM_BYTES_PER_PARAMETER = 16


@dataclass(frozen=True)
class DataWork:
    """:ivar num_test: test samples. :ivar memory_bytes: the dataset, every agent's latents
    and the largest training's parameters. :ivar training_flops: training every zoo agent.
    :ivar largest: the agent whose training costs most (``models.<name>``), or ``models``."""

    num_test: int
    memory_bytes: float
    training_flops: float
    largest: str


def data_work(sc) -> DataWork | None:
    """What ``sc``'s data and agents cost; `None` when the data or a setting cannot be
    loaded or built (the study's checks then say why)."""
    from semcom.transceivers.agents import training_cost  # lazy: the zoo registry loads torch
    from semcom.transceivers.encoders import ENCODERS  # lazy: the zoo registry loads torch

    from ..scenario.checks import check_model  # lazy: the checks load the registries (torch, Sionna)

    zoo = {name: spec for name, spec in sc.models.items() if spec.kind in ENCODERS}
    try:
        for name, spec in zoo.items():
            check_model(name, spec)  # settings an encoder could not even be counted with
        data = study_data(sc)
        n, pool, shape = len(data.labels), len(data.train_idx), tuple(data.dataset.inputs.shape[1:])
        costs = {
            name: training_cost(spec.model_dump(exclude_none=True), shape, pool) for name, spec in zoo.items()
        }
    # a setting the encoder refuses (a string width, a negative size: TypeError, ValueError,
    # torch's RuntimeError) is the checks' to report, in their words, before anything runs
    except (SemcomInputError, UnknownNameError, TypeError, ValueError, RuntimeError):
        return None
    latents = sum(n * (spec.latent_dim or 64) * 4 for spec in sc.models.values())
    training = max((params * ADAM_BYTES_PER_PARAMETER for params, _ in costs.values()), default=0)
    largest = max(costs, key=lambda name: costs[name][1], default=None)
    return DataWork(
        len(data.test_idx),
        float(data.dataset.inputs.nbytes + latents + training),
        float(sum(flops for _, flops in costs.values())),
        f"models.{largest}" if largest else "models",
    )
