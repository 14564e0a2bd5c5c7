"""A run's figure style: what its figures look like beyond their data, from its scenario alone
(no matplotlib here, so the kinds registry can hold it)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FIGURE_WIDTHS", "FigureStyle", "METHOD_COLORS"]

#: Printed figure widths [in]: one IEEE/ACM column, or both columns.
FIGURE_WIDTHS = {"single": 3.5, "double": 7.16}
#: The tab10 colour slot of every registered semantic equaliser and anchor selection strategy:
#: a method keeps its colour in every figure of every study, without loading the registries
#: (figures from a store need no torch). Grey (slot 7) is left to the reference lines; names
#: sharing a slot are rarely compared, and a figure that draws both moves the second to a free
#: slot. A test holds this table to the registries.
METHOD_COLORS = {
    "relative": 0,
    "aligned": 1,
    "oracle": 2,
    "inverse": 3,
    "cca": 4,
    "none": 5,
    "kernel_ridge": 6,
    "mlp_aligner": 8,
    "residual_kernel": 9,
    "svcca": 4,
    "whitened_procrustes": 1,
    "random": 0,
    "prototypical": 1,
    "kernel_herding": 2,
    "class_balanced": 3,
    "farthest_point": 4,
    "stratified": 5,
}
#: Datasets with 10 equally likely classes (the chance line sits at 1/10).
_TEN_CLASSES = {"digits", "mnist", "cifar10", "synthetic"}


@dataclass(frozen=True)
class FigureStyle:
    """The printed width [in] of a run's figures and the chance accuracy, the region below it
    hatched (`None`: none).

    >>> FigureStyle.of({"figure": {"width": "single"}, "data": {"dataset": "mnist"}})
    FigureStyle(width=3.5, chance=0.1)
    """

    width: float = FIGURE_WIDTHS["double"]
    chance: float | None = None

    @classmethod
    def of(cls, scenario: dict) -> FigureStyle:
        """The style of a run from its scenario as a mapping (``figure.width``, the dataset's
        chance level); defaults for what it does not say."""
        figure, data = scenario.get("figure"), scenario.get("data")  # read back from a folder: any shape
        width = (figure.get("width") if isinstance(figure, dict) else None) or "double"
        dataset = data.get("dataset", "digits") if isinstance(data, dict) else "digits"
        width = FIGURE_WIDTHS.get(width if isinstance(width, str) else "double", FIGURE_WIDTHS["double"])
        return cls(width, 0.1 if isinstance(dataset, str) and dataset in _TEN_CLASSES else None)
