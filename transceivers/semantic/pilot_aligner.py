"""Shared machinery of the pilot-fitted aligners (whitened Procrustes, CCA, kernel, MLP).

Every aligner here works like `aligned`: the transmitter sends its absolute latent, the
receiver fits a map tx → rx on the K semantic pilots (the anchors' paired latents: the
transmitter's as received, clean or over the unit's channel, and the receiver's own), and
decodes the mapped latent with its own absolute head. What differs is the map
(:meth:`PilotAligner.fit_map`).

Preprocessing (``preprocess``) is estimated only on what the receiver holds, the pilots:
the transmitter side on the pilots as received, the receiver side on its own pilot latents.

* ``none``: nothing;
* ``center``: subtract the pilots' mean;
* ``standardize``: centre, then divide each coordinate by its standard deviation over
  the pilots (floored at ``eig_floor`` times the largest, so a constant coordinate is not
  blown up);
* ``whiten``: centre, then ZCA whitening ``(x − μ) V diag(max(λ, eig_floor·λ_max))^{-1/2} Vᵀ``
  with ``C = V diag(λ) Vᵀ`` the pilots' covariance.

The map is fitted between the preprocessed sides and its output is taken back to the
receiver's coordinates by the inverse of the receiver side's preprocessing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Optional

import torch

from semcom.core.errors import ScenarioError, SemcomInputError
from .base import SemanticEqualizer, check_choices

__all__ = ["PilotAligner", "Preprocessing", "PREPROCESS", "PILOT_MODES", "check_number", "received_pilots"]

PREPROCESS = ("none", "center", "standardize", "whiten")
PILOT_MODES = ("clean", "channel")


def check_number(
    prefix: str,
    field: str,
    value,
    low: float,
    *,
    inclusive: bool = False,
    whole: bool = False,
    example: str = "",
) -> None:
    """One-line :class:`ScenarioError` unless ``value`` is a finite number above ``low``
    (at or above it with ``inclusive``), a whole number with ``whole``."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    ok = ok and (value >= low if inclusive else value > low) and (not whole or float(value).is_integer())
    if not ok:
        what = "a whole number" if whole else "a number"
        raise ScenarioError(
            f"{prefix}.{field}",
            value,
            f"must be {what} {'>=' if inclusive else '>'} {low:g}",
            f"use e.g. {field}: {example}" if example else "",
        )


def received_pilots(link, access, pilots: str, prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The semantic pilots a receiver holds: the transmitter's anchor latents ``x`` as received,
    [K, d_tx] with ``pilots: clean`` or [S, K, d_tx] over the unit's channel (``channel``: one row
    per SNR point, ``access`` the :class:`~.channel_aware.ChannelAccess`), and its own ``y``
    [K, d_rx]; both torch.float64, rows L2-normalised. ``prefix`` names the receiver's settings
    in the one-line refusal of ``channel`` where the study simulates no link."""
    tx = link.anchors(link.tx)
    y = torch.nn.functional.normalize(link.anchors(link.rx).double(), dim=-1)
    if pilots == "channel":
        if access is None:
            raise SemcomInputError(
                f"{prefix}.pilots: 'channel' sends the pilots over the unit's channel, "
                "which this kind of study does not simulate per link; use pilots: clean there"
            )
        tx, _ = access.send(tx, ("semantic pilots", link.anchor_idx))  # [S, K, d_tx]
    return torch.nn.functional.normalize(tx.double(), dim=-1), y


class Preprocessing:
    """An affine preprocessing ``x ↦ (x − mean) @ forward`` and its inverse, fitted on pilots.

    :param mode: one of :data:`PREPROCESS`.
    :param eig_floor: relative floor on variances / eigenvalues (``whiten``, ``standardize``).

    :input x: [..., dim], torch.float64.
    :output: [..., dim], torch.float64.
    """

    def __init__(self, x: torch.Tensor, mode: str = "none", eig_floor: float = 1e-6):
        d = x.shape[-1]
        eye = torch.eye(d, dtype=x.dtype)
        self.mean = x.mean(0) if mode != "none" else torch.zeros(d, dtype=x.dtype)
        self.forward_matrix, self.inverse_matrix = eye, eye
        xc = x - self.mean
        if mode == "standardize":
            sd = xc.std(0, correction=0)
            sd = sd.clamp(min=eig_floor * float(sd.max()) if float(sd.max()) > 0 else 1.0)
            self.forward_matrix, self.inverse_matrix = torch.diag(1 / sd), torch.diag(sd)
        elif mode == "whiten":
            cov = xc.T @ xc / max(len(x), 1)
            lam, vec = torch.linalg.eigh(cov)
            top = float(lam.max())
            lam = lam.clamp(min=eig_floor * top if top > 0 else 1.0)
            self.forward_matrix = vec @ torch.diag(lam.rsqrt()) @ vec.T
            self.inverse_matrix = vec @ torch.diag(lam.sqrt()) @ vec.T

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) @ self.forward_matrix

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.inverse_matrix + self.mean


class PilotAligner(SemanticEqualizer):
    r"""Base of the aligners fitted on semantic pilots (absolute latents sent).

    Subclasses set :attr:`name` and implement :meth:`fit_map` (preprocessed pilot pairs →
    a function of preprocessed transmitter latents); they pass their own options through
    :meth:`check_options` (one line naming ``semantic_equalizers.<name>.<option>``).

    Pilots: the K anchors' paired latents, L2-normalised on both sides (heads see
    directions only). Their channel uses, ``K · ceil(d_tx / 2)``, are counted once per
    link in ``setup_channel_uses`` as for `aligned`.

    :param pilots: ``clean`` (default: pilots received without error, the idealised bound)
        or ``channel`` (pilots cross the unit's channel and scheme at each SNR point, with
        the same draws as `aligned`'s, and one map per SNR point is fitted on them).
    :param preprocess: one of :data:`PREPROCESS` (see the module docstring).
    :param eig_floor: relative eigenvalue floor of ``whiten``/``standardize``.

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    message = "absolute"
    #: registered name, used in error messages
    name = "pilot_aligner"

    def __init__(
        self,
        pilots: str = "clean",
        preprocess: str = "none",
        eig_floor: float = 1e-6,
        precision: Optional[str] = None,
        device: Optional[str] = "cpu",
        **unknown,
    ):
        super().__init__(precision=precision, device=device, **unknown)
        self.pilots, self.preprocess, self.eig_floor = pilots, preprocess, eig_floor
        PilotAligner.check_options(
            self.prefix, {"pilots": pilots, "preprocess": preprocess, "eig_floor": eig_floor}
        )
        self.maps: list[Callable[[torch.Tensor], torch.Tensor]] = []

    @property
    def prefix(self) -> str:
        return f"semantic_equalizers.{self.name}"

    def _own_options(self, **options) -> None:
        """A subclass's own settings, checked (:meth:`check_options`) and kept as attributes."""
        self.check_settings(self.prefix, options)
        for option, value in options.items():
            setattr(self, option, value)

    @classmethod
    def check_options(cls, prefix: str, settings: dict) -> None:
        check_choices(prefix, settings, {"pilots": PILOT_MODES, "preprocess": PREPROCESS})
        check_number(prefix, "eig_floor", settings["eig_floor"], 0.0, example="1e-6")

    # -- fitting -------------------------------------------------------------------------------------

    def pilot_pairs(self, link, access=None) -> tuple[torch.Tensor, torch.Tensor]:
        """The pilots the receiver holds (:func:`received_pilots`)."""
        return received_pilots(link, access, self.pilots, self.prefix)

    def fit(self, link, access=None):
        """Fit one map (clean pilots) or one per SNR point (pilots over the channel)."""
        super().fit(link, access)
        self.check_pilots(link.num_anchors)
        x, y = self.pilot_pairs(link, access)
        self.per_snr = x.dim() == 3
        self.maps = [self._fit_one(xs, y) for xs in (x if self.per_snr else [x])]
        self.head = link.absolute_head(link.rx)
        return self

    def check_pilots(self, num_pilots: int) -> None:
        """Raise one line when the map cannot be fitted on ``num_pilots`` pilots."""
        self.check_budget(self.prefix, self.settings_for_budget(), num_pilots)

    def settings_for_budget(self) -> dict:
        return {}

    @classmethod
    def check_budget(
        cls, prefix: str, settings: dict, num_pilots: int, where: str = "sweep.num_anchors"
    ) -> None:
        """One-line :class:`ScenarioError` naming ``where`` when ``num_pilots`` pilots cannot fit
        the map (called by the scenario check for every pilot budget of the sweep)."""
        if num_pilots < 2:
            raise ScenarioError(
                where,
                num_pilots,
                f"{cls.name} needs at least 2 pilots to fit its map",
                "use num_anchors >= 2",
            )

    def _fit_one(self, x: torch.Tensor, y: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
        px = Preprocessing(x, self.preprocess, self.eig_floor)
        py = Preprocessing(y, self.preprocess, self.eig_floor)
        core = self.fit_map(px(x), py(y))
        return lambda m: py.inverse(core(px(m)))

    def fit_map(self, x: torch.Tensor, y: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
        """Preprocessed pilots ``x`` [K, d_tx], ``y`` [K, d_rx] (torch.float64) → a function
        taking [..., d_tx] to [..., d_rx] (torch.float64)."""
        raise NotImplementedError

    # -- decoding ------------------------------------------------------------------------------------

    def setup_symbols(self, link) -> int:
        return link.num_anchors * ((link.tx.latent_dim + 1) // 2)

    def transform(self, message: torch.Tensor) -> torch.Tensor:
        """[num_snr, batch_size, d_tx] received latents → [num_snr, batch_size, d_rx] estimated
        receiver latents, torch.float32."""
        x = torch.nn.functional.normalize(message.double(), dim=-1, eps=1e-12)
        if not self.per_snr:
            return self.maps[0](x).float()
        if len(self.maps) != x.shape[0]:
            raise ValueError(f"{len(self.maps)} pilot maps for {x.shape[0]} SNR rows")
        return torch.stack([f(xs) for f, xs in zip(self.maps, x)]).float()

    def call(self, message, noise: Optional[torch.Tensor] = None):
        return self.head(self.transform(message))

    def retrieval_query(self, message: torch.Tensor, noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.transform(message)

    def retrieval_keys(self, idx) -> torch.Tensor:
        return self.link.rx.latents[idx]
