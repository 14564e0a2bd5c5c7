"""Sums of a link unit's results over chunks of test samples and passes, per SNR point."""

from __future__ import annotations

import numpy as np
import torch

from semcom.transceivers.transmission import Received

__all__ = ["Accumulator"]


class Accumulator:
    """Sums over chunks of test samples (and passes), per SNR point: correct decisions,
    NMSE, BER, BLER, block errors."""

    def __init__(self, num_snr: int):
        self.num_snr = num_snr
        self.correct: dict[str, np.ndarray] = {}
        self.top_k: dict[str, np.ndarray] = {}
        self.rr: dict[str, np.ndarray] = {}  # sums of reciprocal ranks
        self.rr_sq: dict[str, np.ndarray] = {}  # sums of their squares
        self.err = np.zeros(num_snr)
        self.energy = 0.0
        self.ber = np.zeros(num_snr)
        self.bler = np.zeros(num_snr)
        self.block_errors = np.zeros(num_snr, dtype=np.int64)
        self.codewords = 0
        self.weight = 0
        self.has_ber = False

    def add_transmission(self, received: Received, message: torch.Tensor) -> None:
        """Errors of one chunk: NMSE from the message, BER/BLER and block errors from the
        bits the transmitter kept."""
        n = message.shape[0]
        # float32 differences, float64 sums: exact enough, no float64 copies of big tensors
        self.err += (received.message - message).square().sum((-1, -2), dtype=torch.float64).cpu().numpy()
        self.energy += float(message.square().sum(dtype=torch.float64))
        rates = received.error_rates()
        if rates is not None:
            self.has_ber = True
            self.ber += n * rates[0].double().cpu().numpy()
            self.bler += n * rates[1].double().cpu().numpy()
            wrong, sent = received.block_errors()
            self.block_errors += wrong
            self.codewords += sent
        self.weight += n

    def add_decisions(self, name: str, correct: np.ndarray, top_k: np.ndarray) -> None:
        self.correct[name] = self.correct.get(name, 0) + correct
        self.top_k[name] = self.top_k.get(name, 0) + top_k

    def add_ranks(self, name: str, rr: torch.Tensor) -> None:
        """Reciprocal ranks [num_snr, batch_size] of one chunk."""
        self.rr[name] = self.rr.get(name, 0) + rr.sum(-1).numpy()
        self.rr_sq[name] = self.rr_sq.get(name, 0) + rr.square().sum(-1).numpy()

    def nmse(self) -> np.ndarray:
        return self.err / max(self.energy, 1e-30)
