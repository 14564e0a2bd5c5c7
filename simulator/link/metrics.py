"""What a link's decisions count: correct decisions, top-k hits and reciprocal ranks per SNR point
(their intervals: :mod:`semcom.simulator.results.metrics`; NMSE is summed over chunks in the engine)."""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["accuracy_counts", "top_k_counts", "reciprocal_ranks", "TOP_K"]

#: k of the top-k accuracy column (``top5_accuracy``).
TOP_K = 5


def accuracy_counts(logits: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Correct decisions per SNR point.

    :input logits: [num_snr, batch_size, num_classes], torch.float32.
    :input labels: [batch_size], torch.int64.
    :output correct: [num_snr], np.int64.
    """
    return (logits.argmax(-1) == labels).sum(-1).cpu().numpy().astype(np.int64)


def top_k_counts(logits: torch.Tensor, labels: torch.Tensor, k: int = TOP_K) -> np.ndarray:
    """Decisions per SNR point whose true class is among the ``k`` largest logits
    (``k`` is capped at the number of classes, where every decision counts).

    :input logits: [num_snr, batch_size, num_classes], torch.float32.
    :input labels: [batch_size], torch.int64.
    :output correct: [num_snr], np.int64.

    >>> logits = torch.tensor([[[3., 2., 1., 0.], [0., 1., 2., 3.]]])
    >>> top_k_counts(logits, torch.tensor([1, 1]), k=2).tolist()
    [1]
    """
    k = min(k, logits.shape[-1])
    top = logits.topk(k, dim=-1).indices  # [num_snr, batch_size, k]
    return (top == labels[:, None]).any(-1).sum(-1).cpu().numpy().astype(np.int64)


def reciprocal_ranks(
    query: torch.Tensor, keys: torch.Tensor, own: torch.Tensor, max_elements: int = 1 << 22
) -> torch.Tensor:
    """Reciprocal rank of each query's own key among all keys, by cosine similarity.

    The rank of query b is ``1 + #{keys j : cos(query_b, key_j) > cos(query_b, key_own[b])}``
    (ties resolved in the query's favour); its reciprocal is 1 when the own key is the
    nearest. Queries are taken in blocks of at most ``max_elements`` similarities.

    :input query: [num_snr, batch_size, dim], a float tensor.
    :input keys: [num_keys, dim] (the same keys at every SNR point) or
        [num_snr, num_keys, dim], a float tensor.
    :input own: [batch_size], torch.int64: each query's own key.
    :output rr: [num_snr, batch_size], torch.float64.

    >>> keys = torch.eye(3)
    >>> reciprocal_ranks(torch.tensor([[[1., .1, 0.], [1., 0., 0.]]]), keys, torch.tensor([0, 1])).tolist()
    [[1.0, 0.5]]
    """
    q = torch.nn.functional.normalize(query.double(), dim=-1, eps=1e-12)
    k = torch.nn.functional.normalize(keys.double(), dim=-1, eps=1e-12)
    num_snr, batch = q.shape[0], q.shape[1]
    step = max(1, max_elements // max(1, num_snr * k.shape[-2]))
    out = []
    for start in range(0, batch, step):
        qb, ob = q[:, start : start + step], own[start : start + step]
        sims = qb @ k.transpose(-1, -2)  # [num_snr, b, num_keys]
        mine = sims.gather(-1, ob.expand(num_snr, -1)[..., None])
        out.append(1.0 / (1.0 + (sims > mine).sum(-1).double()))
    return torch.cat(out, dim=1)
