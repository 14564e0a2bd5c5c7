"""Where the digital speed-up comes from, and how often early stopping changes a decision.

Not part of ``make bench`` (about 2 minutes); run it directly:

    OMP_NUM_THREADS=1 python benchmarks/ldpc_breakdown.py

1. Cost per codeword-iteration (no codeword converges: random LLRs) of Sionna's
   ``LDPC5GDecoder`` called on 16 and on 1024 rows at once, and of
   ``EarlyStoppingLDPC5GDecoder`` (composed gathers, cache-sized working set).
2. On the same channel LLRs (16-QAM, AWGN), per SNR point: BLER of Sionna at 20 fixed
   iterations and of early stopping, mean iterations, and the number of codewords
   that converged but whose decision differs from the fixed decoder's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _per_iteration_us(decoder, llr, rows: int, num_iter: int) -> float:
    decoder(llr[:rows])
    t0 = time.perf_counter()
    for start in range(0, llr.shape[0], rows):
        decoder(llr[start : start + rows])
    return (time.perf_counter() - t0) / llr.shape[0] / num_iter * 1e6


def main() -> None:
    from sionna.phy.fec.ldpc import LDPC5GDecoder, LDPC5GEncoder
    from sionna.phy.mapping import Demapper, Mapper

    from semcom.transceivers.schemes.ldpc import EarlyStoppingLDPC5GDecoder

    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    print("1. microseconds per codeword-iteration, 20 iterations, nothing converges")
    for k, n in [(256, 512), (1024, 2048)]:
        encoder = LDPC5GEncoder(k, n, num_bits_per_symbol=4)
        llr = torch.randn(1024, n, generator=gen) * 0.5
        sionna = LDPC5GDecoder(encoder, hard_out=True, num_iter=20)
        ours = EarlyStoppingLDPC5GDecoder(encoder, num_iter=20)
        print(
            f"  k={k} n={n}: sionna 1024 rows {_per_iteration_us(sionna, llr, 1024, 20):.0f}, "
            f"sionna 16 rows {_per_iteration_us(sionna, llr, 16, 20):.0f}, "
            f"early-stopping ({ours.rows_per_batch()} rows) {_per_iteration_us(ours, llr, 1024, 20):.0f}"
        )
    print("2. same LLRs: fixed 20 iterations vs early stopping (16-QAM, AWGN)")
    for k, n, snrs, num_cw in [(256, 512, [5, 6, 6.5, 7, 8], 1000), (1024, 2048, [6, 7, 8, 10], 400)]:
        encoder = LDPC5GEncoder(k, n, num_bits_per_symbol=4)
        fixed, early = LDPC5GDecoder(encoder, hard_out=True, num_iter=20), EarlyStoppingLDPC5GDecoder(encoder)
        u = torch.randint(0, 2, (num_cw, k), generator=gen).float()
        x = Mapper("qam", 4)(encoder(u))
        for snr in snrs:
            no = 10 ** (-snr / 10)
            noise = torch.complex(torch.randn(x.shape, generator=gen), torch.randn(x.shape, generator=gen))
            llr = Demapper("app", "qam", 4)(x + (no / 2) ** 0.5 * noise, torch.tensor(no))
            a, b = fixed(llr), early(llr)
            converged = early.last_iterations < 20
            differs = (a != b).any(-1)
            print(
                f"  k={k} {snr:>4} dB: BLER fixed {float((a != u).any(-1).float().mean()):.4f} "
                f"early {float((b != u).any(-1).float().mean()):.4f}, mean iterations "
                f"{float(early.last_iterations.float().mean()):.2f}, converged {int(converged.sum())}/{num_cw}, "
                f"converged but different {int((differs & converged).sum())}, "
                f"unconverged and different {int((differs & ~converged).sum())}"
            )


if __name__ == "__main__":
    main()
