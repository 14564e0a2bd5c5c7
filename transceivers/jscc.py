"""Deep joint source–channel coding (deep JSCC): the jointly trained reference.

An encoder network (a zoo architecture, :mod:`semcom.transceivers.encoders`) maps a
sample to ``2 n`` real values, :class:`~semcom.transceivers.schemes.analog.AnalogMapper`
packs them into ``n`` complex symbols of unit average energy per message, the scenario's
channel carries and equalises them, and a decoder classifier reads the task off the
equalised symbols. Encoder and decoder are trained end to end through the (differentiable)
channel at a training SNR, then frozen and evaluated at every SNR of a sweep — the
standard "shared, jointly trained model" reference of semantic-communication papers
(Bourtsoulatze et al. 2019), between the ``oracle`` bound and zero-shot ``relative``.

Training is deterministic from a seed (weights, batch order, validation split and the
channel's noise and fading, which Sionna draws from ``sionna.phy.config.seed``) and stops
at ``max_epochs`` or when the validation loss has not improved for ``patience`` epochs;
the weights of the best validation epoch are kept.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import torch
from torch import nn

from semcom.channels import snr_db_to_no
from semcom.core.progress import tqdm_auto
from semcom.core.threads import FITTING_THREADS, with_fixed_threads
from .encoders import ENCODERS
from .schemes.analog import AnalogMapper
from .schemes.base import SCHEMES, Scheme, SchemeSettingError
from .schemes.specs import JSCCSchemeSpec

__all__ = ["JSCCModel", "JSCCScheme", "JSCCTraining", "train_jscc", "jscc_training_snr"]


class JSCCModel(nn.Module):
    r"""Encoder → power-normalised complex symbols → channel → decoder classifier.

    :param encoder: maps ``[batch_size, *input_shape]`` to ``[batch_size, 2 n]``, torch.float32.
    :param num_channel_uses: ``n``, complex symbols per sample.
    :param num_classes: decoder outputs.
    :param width, depth: the decoder (``depth`` hidden ReLU layers of ``width``, then linear).

    :meth:`encode` — :input x: [batch_size, *input_shape], torch.float32;
    :output symbols: [batch_size, n], torch.complex64, ``mean(|s|^2) = 1`` per row.

    :meth:`decode` — :input x_hat: [..., batch_size, n], torch.complex64 (equalised);
    :output logits: [..., batch_size, num_classes], torch.float32.

    .. code-block:: python

        import torch
        from semcom.transceivers.encoders import mlp_encoder
        from semcom.transceivers.jscc import JSCCModel
        model = JSCCModel(mlp_encoder((1, 8, 8), 2 * 16), 16, 10)
        s = model.encode(torch.rand(5, 1, 8, 8))        # [5, 16] complex64
        print(model.decode(s[None]).shape)               # [1, 5, 10]
    """

    def __init__(
        self, encoder: nn.Module, num_channel_uses: int, num_classes: int, width: int = 128, depth: int = 0
    ):
        super().__init__()
        self.encoder = encoder
        self.num_channel_uses = int(num_channel_uses)
        self.mapper = AnalogMapper(device="cpu")
        layers: list[nn.Module] = []
        size = 2 * self.num_channel_uses
        for _ in range(depth):
            layers += [nn.Linear(size, width), nn.ReLU()]
            size = width
        layers.append(nn.Linear(size, num_classes))
        self.decoder = nn.Sequential(*layers)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        symbols, _ = self.mapper(self.encoder(x))  # the gain is not sent: the decoder learns the scale
        return symbols

    def decode(self, x_hat: torch.Tensor) -> torch.Tensor:
        return self.decoder(torch.cat([x_hat.real, x_hat.imag], dim=-1).float())


@dataclass(frozen=True)
class JSCCTraining:
    """Training settings of one JSCC model (see :class:`JSCCScheme` for their meaning)."""

    train_snr_db: tuple[float, float]
    max_epochs: int = 100
    patience: int = 8
    batch_size: int = 64
    lr: float = 1e-3
    val_fraction: float = 0.15


def jscc_training_snr(value) -> tuple[float, float]:
    """``train_snr_db`` as a ``(low, high)`` range in dB: a number is a one-point range."""
    if isinstance(value, (list, tuple)):
        low, high = value
        return float(low), float(high)
    return float(value), float(value)


def _progress_disabled() -> bool:
    return bool(os.environ.get("SEMCOM_QUIET")) or not sys.stderr.isatty()


@with_fixed_threads(num_threads=FITTING_THREADS)
def train_jscc(
    model: JSCCModel,
    channel,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    training: JSCCTraining,
    seed: int,
    desc: str = "jscc",
) -> dict:
    """Train ``model`` end to end through ``channel`` (in place); returns a training log.

    :input inputs: [num_train, *input_shape], torch.float32, samples of the training split.
    :input labels: [num_train], torch.int64.

    Each training sample sees its own SNR, drawn uniformly in dB from ``train_snr_db``
    (one value: a fixed SNR); the samples of a batch ride on the channel's SNR axis.
    A held-out ``val_fraction`` of the samples, sent at the range's mid SNR with fixed
    noise (reseeded each epoch), gives the validation loss that stops training.
    """
    import sionna.phy

    gen = torch.Generator().manual_seed(seed)
    n = len(labels)
    perm = torch.randperm(n, generator=gen)
    n_val = max(1, int(round(training.val_fraction * n)))
    val, train = perm[:n_val], perm[n_val:]
    low, high = training.train_snr_db
    opt = torch.optim.Adam(model.parameters(), lr=training.lr)
    best, best_state, stale, epochs = math.inf, None, 0, 0
    val_no = snr_db_to_no(torch.full((len(val),), (low + high) / 2))

    def send(idx: torch.Tensor, no: torch.Tensor) -> torch.Tensor:
        # samples on the SNR axis: [B, 1, n] with one noise power each
        x_hat, _ = channel(model.encode(inputs[idx])[:, None, :], no)
        return model.decode(x_hat[:, 0, :])

    bar = tqdm_auto()(
        range(training.max_epochs), desc=desc, unit="epoch", leave=False, disable=_progress_disabled()
    )
    with torch.enable_grad():
        for epoch in bar:
            model.train()
            sionna.phy.config.seed = seed + 1 + epoch  # the channel's draws for this epoch
            order = train[torch.randperm(len(train), generator=gen)]
            for start in range(0, len(order), training.batch_size):
                idx = order[start : start + training.batch_size]
                snr = low + (high - low) * torch.rand(len(idx), generator=gen)
                loss = nn.functional.cross_entropy(send(idx, snr_db_to_no(snr)), labels[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                sionna.phy.config.seed = seed  # the same validation noise every epoch
                val_loss = float(nn.functional.cross_entropy(send(val, val_no), labels[val]))
            epochs = epoch + 1
            bar.set_postfix(val_loss=f"{val_loss:.3f}")
            if val_loss < best - 1e-4:
                best, stale = val_loss, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                stale += 1
                if stale >= training.patience:
                    break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return {"epochs": epochs, "best_val_loss": best, "stopped_early": epochs < training.max_epochs}


@SCHEMES.register("jscc")
class JSCCScheme(Scheme):
    """Deep JSCC reference: a whole end-to-end model per unit instead of a message mapping.

    Its settings (a ``schemes:`` entry with ``kind: jscc``) are checked here; the work is
    done by :mod:`semcom.simulator.link.jscc_engine`, which trains one model per
    (transmitter architecture, channel, ``num_channel_uses`` value, seed) and evaluates it
    at every SNR of the sweep. The encoder is the transmitter's zoo architecture with
    ``2 n`` outputs, trained from scratch together with the decoder.

    Settings (:class:`~semcom.transceivers.schemes.specs.JSCCSchemeSpec`, bounds there):
    ``num_channel_uses`` (complex symbols per sample ``n``, a whole number or a list: one
    model, and one point of the rate axis, per value), ``train_snr_db`` (training SNR in dB,
    or ``[low, high]``: each training sample draws its SNR uniformly in that range),
    ``max_epochs``, ``patience`` (stop when the validation loss has not improved for this
    many epochs), ``batch_size`` and ``lr`` (Adam's), ``val_fraction`` (share of the training
    split held out for the stopping rule), ``decoder_width`` and ``decoder_depth`` (the
    decoder: ``decoder_depth`` hidden ReLU layers of ``decoder_width`` units, then a linear
    layer; the default 0 is a linear decoder, so the model is the zoo architecture with its
    linear head and the channel inside; measured on digits it is also the most accurate at
    every SNR, deeper decoders overfit the small training split, so the reference is not
    handicapped).

    .. code-block:: yaml

        schemes:
          jscc10: {kind: jscc, train_snr_db: 10, num_channel_uses: [4, 8, 16, 32]}
    """

    Spec = JSCCSchemeSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        spec = self.spec
        uses = spec.num_channel_uses
        self.num_channel_uses = [int(u) for u in (uses if isinstance(uses, list) else [uses])]
        snr = spec.train_snr_db if isinstance(spec.train_snr_db, list) else [spec.train_snr_db]
        if len(snr) == 2 and snr[0] > snr[1]:
            raise SchemeSettingError(
                "train_snr_db",
                spec.train_snr_db,
                "is a range whose low end is above its high end",
                "use e.g. 10 or [0, 20]",
            )
        self.training = JSCCTraining(
            jscc_training_snr(snr if len(snr) == 2 else snr[0]),
            int(spec.max_epochs),
            int(spec.patience),
            int(spec.batch_size),
            float(spec.lr),
            float(spec.val_fraction),
        )
        self.decoder_width, self.decoder_depth = int(spec.decoder_width), int(spec.decoder_depth)

    def num_symbols(self, message_dim: int) -> int:
        return int(message_dim)

    def build_model(
        self,
        arch: str,
        arch_settings: dict,
        input_shape: tuple[int, ...],
        num_channel_uses: int,
        num_classes: int,
    ) -> JSCCModel:
        """A fresh model: ``arch`` (a zoo encoder with ``arch_settings``) with ``2 n`` outputs."""
        encoder = ENCODERS.get(arch)(tuple(input_shape), 2 * int(num_channel_uses), **arch_settings)
        return JSCCModel(encoder, num_channel_uses, num_classes, self.decoder_width, self.decoder_depth)

    def encode(self, message):
        raise NotImplementedError("a jscc scheme encodes samples, not messages: run it through run_unit")

    def decode(self, x_hat, no_eff, state):
        raise NotImplementedError("a jscc scheme decodes with its own trained decoder")
