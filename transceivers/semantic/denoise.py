"""LMMSE semantic denoising: a receiver's own relative space as a prior on the received message.

Relative representations of different agents over the same anchors are alike, so the
mean ``μ`` and covariance ``C`` of the receiver's *own* relative representations of
its pool are a prior on any transmitter's message, known without any communication.
With the received message ``y = r + n``, ``n ~ (0, N)`` independent of ``r`` and ``N``
the diagonal post-equalisation noise covariance (per sample), the linear estimator of
least mean squared error is

    ``r̂ = μ + C (C + N)⁻¹ (y − μ)``,   with error covariance ``C − C (C + N)⁻¹ C``.

The noise covariance comes from the transmission scheme (analog:
:meth:`semcom.transceivers.schemes.analog.AnalogScheme.message_noise`); where a
scheme cannot give it (digital: quantisation and residual decoding errors are not
additive Gaussian), the estimator is not applied and the message passes unchanged.
"""

from __future__ import annotations

from typing import Optional

import torch

__all__ = ["LMMSEDenoiser", "sparse_message_noise"]


def sparse_message_noise(
    noise: torch.Tensor, values: torch.Tensor, positions: torch.Tensor, message_dim: int
) -> torch.Tensor:
    r"""Noise variances of a top-k message put back at full length.

    An entry that was not sent is received as ``0``; it is known to be smaller in
    magnitude than every kept one, so it is modelled as ``0`` plus an error uniform on
    ``(−t, t)``, ``t`` the smallest received kept magnitude: variance ``t²/3``. (Infinite
    variance, "unknown", would replace it by the prior's conditional mean, which ignores
    that it was small, and measurably hurts.)

    :input noise: [..., batch_size, k], torch.float32. Variances of the kept entries.
    :input values: [..., batch_size, k], torch.float32. The received kept values.
    :input positions: [batch_size, k], torch.int64.
    :input message_dim: int, ``m``.
    :output noise: [..., batch_size, m], torch.float32.
    """
    if noise.shape[-1] == message_dim:
        return noise
    t = values.abs().amin(-1, keepdim=True)
    full = (t.square() / 3).expand(*noise.shape[:-1], message_dim).clone()
    return full.scatter(-1, positions.expand(noise.shape), noise)


class LMMSEDenoiser:
    r"""Linear MMSE estimate of a message from its noisy observation, with a Gaussian-free prior.

    :param mean: [message_dim], torch.float32. Prior mean ``μ``.
    :param cov: [message_dim, message_dim], torch.float32. Prior covariance ``C``.
    :param chunk: messages solved per batched call (bounds memory: ``chunk·m²`` floats).

    :input y: [..., message_dim], torch.float32. Received messages.
    :input noise: [..., message_dim], torch.float32, or `None`. Noise variance of each
        entry of ``y`` (the diagonal of ``N``; ``inf`` for an entry not received at all).
        `None` (noise unknown) or an all-zero row (noiseless) leaves the message unchanged.

    :output r_hat: [..., message_dim], torch.float32.

    .. code-block:: python

        import torch
        from semcom.transceivers.semantic.denoise import LMMSEDenoiser
        prior = torch.randn(5000, 8) @ torch.randn(8, 8)
        denoise = LMMSEDenoiser.from_samples(prior)
        r = prior[:100]
        y = r + torch.randn_like(r)
        print(((denoise(y, torch.ones_like(y)) - r) ** 2).mean() < ((y - r) ** 2).mean())   # True
    """

    def __init__(self, mean: torch.Tensor, cov: torch.Tensor, chunk: int = 4096):
        self.mean = mean.double()
        self.cov = 0.5 * (cov.double() + cov.double().T)  # exactly symmetric
        self.chunk = int(chunk)

    @classmethod
    def from_samples(cls, messages: torch.Tensor, **kwargs) -> LMMSEDenoiser:
        """Prior from sample messages [num_samples, message_dim] (unbiased covariance)."""
        x = messages.double()
        mean = x.mean(0)
        xc = x - mean
        return cls(mean, xc.T @ xc / max(1, len(x) - 1), **kwargs)

    def error_covariance(self, noise: torch.Tensor) -> torch.Tensor:
        """``C − C (C + N)⁻¹ C`` [m, m] for one noise diagonal [m] (the closed-form LMMSE error)."""
        c = self.cov
        return c - c @ torch.linalg.solve(c + torch.diag(noise.double()), c)

    def __call__(self, y: torch.Tensor, noise: Optional[torch.Tensor]) -> torch.Tensor:
        if noise is None:
            return y
        m = y.shape[-1]
        flat_y = y.reshape(-1, m)
        flat_n = noise.expand(y.shape).reshape(-1, m)
        out = flat_y.clone()
        c, mu = self.cov, self.mean
        # huge but finite stand-in for "not received" keeps the solve well defined
        big = 1e12 * float(torch.trace(c).clamp(min=1e-30))
        for start in range(0, len(flat_y), self.chunk):
            yy = flat_y[start : start + self.chunk].double()
            nn_ = flat_n[start : start + self.chunk].double().nan_to_num(posinf=big).clamp(min=0.0)
            noisy = nn_.amax(-1) > 0  # a noiseless row is already the message
            if not bool(noisy.any()):
                continue
            # C + N, [b, m, m]; a tiny ridge keeps it invertible where C is rank-deficient
            # and some entries are noiseless
            a = c + torch.diag_embed(nn_[noisy] + 1e-9 * float(torch.trace(c)) / m)
            gain = torch.linalg.solve(a, (yy[noisy] - mu).unsqueeze(-1)).squeeze(-1)
            est = mu + gain @ c  # C symmetric
            block = out[start : start + self.chunk]
            block[noisy] = est.to(y.dtype)
        return out.reshape(y.shape)
