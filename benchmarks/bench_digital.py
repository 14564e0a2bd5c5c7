"""Target 3: the digital path costs at most 10% more than the bare Sionna chain.

Both transmit the same information bits at every SNR point in one batched call:

* ``semcom``: ``DigitalScheme`` (quantise → pack → LDPC5GEncoder → Mapper) →
  ``AWGNChannel`` → ``DigitalScheme.decode`` (Demapper → LDPC5GDecoder → unpack →
  dequantise, BER/BLER);
* ``sionna``: LDPC5GEncoder → Mapper → AWGN → Demapper → LDPC5GDecoder, called
  directly on the packed bits, with its BER/BLER.
"""

from __future__ import annotations

import torch

from .common import interleaved

NUM_SAMPLES = 800
NUM_ANCHORS = 64
SNR_DB = [-2.0, 0.0, 1.0, 2.0, 4.0, 6.0]          # around the LDPC waterfall
SETTINGS = dict(bits=4, code_rate=0.5, num_bits_per_symbol=2, block_length=1024, num_iter=20)


@torch.no_grad()
def run(repeats: int = 3) -> dict:
    import sionna.phy
    from sionna.phy.channel import AWGN
    from sionna.phy.mapping import Demapper, Mapper

    from semcom.channels import AWGNChannel, snr_db_to_no
    from semcom.transceivers.schemes.digital import DigitalScheme

    gen = torch.Generator().manual_seed(0)
    message = torch.rand(NUM_SAMPLES, NUM_ANCHORS, generator=gen) * 2 - 1
    no = snr_db_to_no(torch.tensor(SNR_DB))
    scheme = DigitalScheme(**SETTINGS)
    channel = AWGNChannel()
    _, encoder, decoder = scheme._codec(NUM_ANCHORS)
    mapper, demapper, awgn = Mapper("qam", 2), Demapper("app", "qam", 2), AWGN()
    _, state = scheme.encode(message)
    info = state["info"]                                    # the same packed bits for the bare chain

    def semcom():
        sionna.phy.config.seed = 1
        x, st = scheme.encode(message)
        x_hat, no_eff = channel(x.unsqueeze(0).expand(len(SNR_DB), *x.shape), no)
        return scheme.decode(x_hat, no_eff, st)

    def bare():
        sionna.phy.config.seed = 1
        x = mapper(encoder(info))
        y = awgn(x.unsqueeze(0).expand(len(SNR_DB), *x.shape), no.view(-1, 1, 1))
        info_hat = decoder(demapper(y, no.view(-1, 1, 1)))
        return (info_hat != info).float().mean((-1, -2)), (info_hat != info).any(-1).float().mean(-1)

    semcom(), bare()                                        # warm-up (codec construction, allocator)
    times = interleaved({"semcom": semcom, "sionna": bare}, repeats)
    all_semcom, all_bare = times["semcom"], times["sionna"]
    t_semcom, t_bare = min(all_semcom), min(all_bare)
    d, (ber, bler) = semcom(), bare()
    overhead = t_semcom / t_bare - 1
    return {"codewords": int(info.shape[0]), "snr_points": len(SNR_DB), "semcom_s": t_semcom,
            "sionna_s": t_bare, "overhead": overhead, "semcom_all_s": all_semcom, "sionna_all_s": all_bare,
            "bler_semcom": [round(float(v), 4) for v in d.bler],
            "bler_sionna": [round(float(v), 4) for v in bler],
            "targets": {"overhead <= 10%": overhead <= 0.10}}
