"""Target 3: the digital path at >= 2x the throughput of the bare Sionna chain (20 iterations).

A sweep of LDPC (rate 1/2, k = 1024) + 16-QAM over 0-12 dB Es/N0. Both transmit the
same information bits at every SNR point in one batched call:

* ``semcom``: ``DigitalScheme`` (quantise → pack → LDPC5GEncoder → Mapper) →
  ``AWGNChannel`` → ``DigitalScheme.decode`` (Demapper → early-stopping LDPC decoder
  on a cache-sized working set → unpack → dequantise, BER/BLER);
* ``sionna``: LDPC5GEncoder → Mapper → AWGN → Demapper → LDPC5GDecoder (20 fixed
  iterations, the whole batch at once), called directly on the packed bits.

Every BLER must agree with Sionna's: their 95% Wilson intervals overlap (independent
noise draws). The mean BP iterations per SNR point of the early-stopping decoder are
reported beside them.
"""

from __future__ import annotations

import torch

from .common import interleaved

NUM_SAMPLES = 480  # 120 codewords of k = 1024 per SNR point
NUM_ANCHORS = 64
SNR_DB = [0.0, 2.0, 4.0, 6.0, 7.0, 8.0, 10.0, 12.0]  # 16-QAM rate 1/2: waterfall near 6-7 dB
Q = 4
SETTINGS = dict(bits=4, code_rate=0.5, num_bits_per_symbol=Q, block_length=1024, num_iter=20)


@torch.no_grad()
def run(repeats: int = 3) -> dict:
    import sionna.phy
    from sionna.phy.channel import AWGN
    from sionna.phy.mapping import Demapper, Mapper

    from semcom.channels import AWGNChannel, snr_db_to_no
    from semcom.transceivers.schemes import DigitalScheme, error_rates

    gen = torch.Generator().manual_seed(0)
    message = torch.rand(NUM_SAMPLES, NUM_ANCHORS, generator=gen) * 2 - 1
    no = snr_db_to_no(torch.tensor(SNR_DB))
    scheme = DigitalScheme(**SETTINGS)
    channel = AWGNChannel()
    from sionna.phy.fec.ldpc import LDPC5GDecoder

    from semcom.simulator.results.metrics import wilson_interval

    _, encoder, _ = scheme._codec(NUM_ANCHORS)
    decoder = LDPC5GDecoder(encoder, hard_out=True, num_iter=SETTINGS["num_iter"])
    mapper, demapper, awgn = Mapper("qam", Q), Demapper("app", "qam", Q), AWGN()
    info = scheme.encode(message).codewords  # the same packed bits for the bare chain

    def semcom():
        sionna.phy.config.seed = 1
        sent = scheme.encode(message)
        x_hat, no_eff = channel(sent.x.unsqueeze(0).expand(len(SNR_DB), *sent.x.shape), no)
        decoded = scheme.decode(x_hat, no_eff, sent.side)
        return decoded, error_rates(sent, decoded)  # errors counted as the engine counts them

    def bare():
        sionna.phy.config.seed = 1
        x = mapper(encoder(info))
        y = awgn(x.unsqueeze(0).expand(len(SNR_DB), *x.shape), no.view(-1, 1, 1))
        info_hat = decoder(demapper(y, no.view(-1, 1, 1)))
        return (info_hat != info).float().mean((-1, -2)), (info_hat != info).any(-1).float().mean(-1)

    semcom(), bare()  # warm-up (codec construction, allocator)
    times = interleaved({"semcom": semcom, "sionna": bare}, repeats)
    all_semcom, all_bare = times["semcom"], times["sionna"]
    t_semcom, t_bare = min(all_semcom), min(all_bare)
    (d, (_, d_bler)), (_, bler) = semcom(), bare()
    speedup = t_bare / t_semcom
    num_cw = int(info.shape[0])

    def interval(p):
        return wilson_interval(round(float(p) * num_cw), num_cw)

    agree = [
        interval(a)[0] <= interval(b)[1] and interval(b)[0] <= interval(a)[1] for a, b in zip(d_bler, bler)
    ]
    return {
        "codewords_per_snr": num_cw,
        "snr_db": SNR_DB,
        "semcom_s": t_semcom,
        "sionna_20_iter_s": t_bare,
        "throughput_ratio": speedup,
        "semcom_all_s": all_semcom,
        "sionna_all_s": all_bare,
        "mean_bp_iterations": [round(float(v), 2) for v in d.extra["ldpc_iterations"]],
        "bler_semcom": [round(float(v), 4) for v in d_bler],
        "bler_sionna": [round(float(v), 4) for v in bler],
        "targets": {"throughput >= 2x Sionna (20 iter)": speedup >= 2.0, "every BLER within CI": all(agree)},
    }
