"""Targets 1 and 2: a 21 SNR x 6 K x 3 equaliser study over the real MNIST test set.

Three ways to compute the same numbers, timed in one process, one after the other:

* ``semcom``: the engine, as a study runs it (inline executor; heads fitted, latents cached);
* ``floor``: the same torch operations alone (projection matmul, power normalisation,
  noise for all SNR points, demapping, head fitting and application), no framework;
* ``naive``: a research-script loop: for every K, SNR point and equaliser, batches of
  100 test images are re-encoded, projected, sent and decoded one batch at a time.

All three fit their heads at one fixed L2 strength (:data:`FIXED_HEADS`); a study's default
selects it by cross-validation, timed once beside them (``semcom_cv_heads_s``).
"""

from __future__ import annotations

import math
import tempfile

import numpy as np
import torch

from .common import MNIST_DIR, best_of, fresh_head_cache, interleaved

SNR_DB = [float(x) for x in range(-10, 31, 2)]  # 21 points
NUM_ANCHORS = [4, 8, 16, 32, 64, 128]  # 6 anchor counts
EQUALIZERS = ["relative", "none", "oracle"]  # 3 semantic equalisers
# A CNN transmitter and an MLP receiver: a heterogeneous pair as in the quickstart.
MODELS = {
    "cnn_tx": {"kind": "cnn", "channels": 16, "latent_dim": 64, "seed": 0, "epochs": 3},
    "mlp_rx": {"kind": "mlp", "width": 512, "depth": 2, "latent_dim": 96, "seed": 1, "epochs": 5},
}


#: The heads' L2 strength, fixed as the floor and the naive loop fit them (fit_head's default):
#: the three then do the same arithmetic. A study's default selects it by cross-validation
#: on the receiver's pool, reported beside (``semcom_cv_heads_s``) as what that selection costs.
FIXED_HEADS = {"weight_decay": 1e-4}


def scenario(heads: dict | None = FIXED_HEADS):
    from semcom.simulator.link.schema import parse_scenario

    return parse_scenario(
        {
            **({"heads": heads} if heads is not None else {}),
            "name": "bench_mnist",
            "seed": 1,
            "data": {"dataset": "mnist", "path": str(MNIST_DIR), "test_fraction": 0.3},
            "models": MODELS,
            "sweep": {
                "snr_db": SNR_DB,
                "num_anchors": NUM_ANCHORS,
                "transmitter": "cnn_tx",
                "receiver": "mlp_rx",
                "semantic_equalizer": EQUALIZERS,
            },
        }
    )


def _floor(z_tx, z_rx, labels, pool, test, rng_seed: int = 0) -> int:
    """The study's arithmetic, written directly. Returns total correct decisions."""
    from semcom.transceivers.heads import fit_head

    f = torch.nn.functional
    no = torch.tensor([10 ** (-s / 10) for s in SNR_DB]).view(-1, 1, 1)
    gen = torch.Generator().manual_seed(rng_seed)
    y_pool, y_test = labels[pool], labels[test]
    total = 0

    def send(v):  # analog: pairs → complex, unit power, AWGN, back
        x = torch.complex(v[:, 0::2], v[:, 1::2])
        gain = x.abs().pow(2).mean(-1, keepdim=True).rsqrt()
        x = x * gain
        noise = torch.randn((len(SNR_DB), *x.shape), dtype=torch.complex64, generator=gen)
        y = (x + noise * no.sqrt()) / gain
        return torch.stack([y.real, y.imag], -1).flatten(-2)

    def decide(head, v):
        return int((head(v).argmax(-1) == y_test).sum())

    abs_head = fit_head(z_rx[pool], y_pool, 10, 0)
    sent_abs = send(z_tx[test])
    total += decide(abs_head, f.pad(sent_abs, (0, z_rx.shape[1] - z_tx.shape[1])))
    rng = np.random.default_rng(rng_seed)
    for k in NUM_ANCHORS:
        idx = pool[rng.choice(len(pool), k, replace=False)]
        a_tx, a_rx = f.normalize(z_tx[idx], dim=-1), f.normalize(z_rx[idx], dim=-1)
        rel_head = fit_head(f.normalize(z_rx[pool], dim=-1) @ a_rx.T, y_pool, 10, 0)
        oracle_head = fit_head(f.normalize(z_tx[pool], dim=-1) @ a_tx.T, y_pool, 10, 0)
        received = send(f.normalize(z_tx[test], dim=-1) @ a_tx.T)
        total += decide(rel_head, received) + decide(oracle_head, received)
    return total


def _naive(encoders, images, labels, pool, test, z_tx, z_rx, batch: int = 100) -> int:
    """Research-script style: re-encode every batch, one SNR point and equaliser at a time."""
    from semcom.transceivers.heads import fit_head

    f = torch.nn.functional
    enc_tx, enc_rx = encoders
    total = 0
    rng = np.random.default_rng(0)
    abs_head = fit_head(z_rx[pool], labels[pool], 10, 0)
    for k in NUM_ANCHORS:
        idx = pool[rng.choice(len(pool), k, replace=False)]
        a_tx = f.normalize(enc_tx(images[idx]), dim=-1)
        a_rx = f.normalize(enc_rx(images[idx]), dim=-1)
        heads = {
            "relative": fit_head(f.normalize(z_rx[pool], dim=-1) @ a_rx.T, labels[pool], 10, 0),
            "oracle": fit_head(f.normalize(z_tx[pool], dim=-1) @ a_tx.T, labels[pool], 10, 0),
        }
        for snr in SNR_DB:
            no = 10 ** (-snr / 10)
            for eq in EQUALIZERS:
                for start in range(0, len(test), batch):
                    b = test[start : start + batch]
                    z = enc_tx(images[b])  # re-encode every time
                    v = z if eq == "none" else f.normalize(z, dim=-1) @ a_tx.T
                    x = torch.complex(v[:, 0::2], v[:, 1::2])
                    gain = x.abs().pow(2).mean(-1, keepdim=True).rsqrt()
                    y = x * gain + math.sqrt(no) * torch.randn(x.shape, dtype=torch.complex64)
                    v_hat = torch.stack([(y / gain).real, (y / gain).imag], -1).flatten(-2)
                    if eq == "none":
                        logits = abs_head(f.pad(v_hat, (0, z_rx.shape[1] - z_tx.shape[1])))
                    else:
                        logits = heads[eq](v_hat)
                    total += int((logits.argmax(-1) == labels[b]).sum())
    return total


@torch.no_grad()
def run(repeats: int = 3) -> dict:
    if not (MNIST_DIR / "t10k-images-idx3-ubyte.gz").exists():
        return {"skipped": f"MNIST not found in {MNIST_DIR} (set SEMCOM_MNIST)"}
    from semcom.simulator.kinds import run_study
    from semcom.simulator.link.engine import run_unit
    from semcom.simulator.link.units import expand_units
    from semcom.simulator.run.context import latent_space, study_data
    from semcom.simulator.run.executors import run_units
    from semcom.core.threads import UNIT_THREADS, fixed_threads
    from semcom.transceivers.agents import train_encoder

    sc = scenario()
    data = study_data(sc)
    z_tx, z_rx = latent_space(sc, "cnn_tx").latents, latent_space(sc, "mlp_rx").latents  # cached latents
    units = expand_units(sc)

    def semcom():
        fresh_head_cache()
        for _ in run_units(sc, units, run_unit):
            pass

    def full_run():
        fresh_head_cache()
        with tempfile.TemporaryDirectory() as out:
            run_study(sc, out, quiet=True)

    labels, pool, test = data.labels, torch.from_numpy(data.pool_idx), torch.from_numpy(data.test_idx)

    def floor():
        with fixed_threads(UNIT_THREADS):  # the thread a study's unit runs on
            return _floor(z_tx, z_rx, labels, pool.numpy(), test)

    times = interleaved({"semcom": semcom, "floor": floor}, repeats)
    all_semcom, all_floor = times["semcom"], times["floor"]
    t_semcom, t_floor = min(all_semcom), min(all_floor)
    t_full, _ = best_of(full_run, 1)
    cv = scenario(heads=None)

    def semcom_cv():
        fresh_head_cache()
        for _ in run_units(cv, expand_units(cv), run_unit):
            pass

    t_cv, _ = best_of(semcom_cv, 1)
    with torch.enable_grad():
        encoders = tuple(train_encoder(MODELS[m], data.dataset, data.pool_idx) for m in ("cnn_tx", "mlp_rx"))
    images = torch.from_numpy(data.dataset.inputs)
    with fixed_threads(UNIT_THREADS):
        t_naive, _ = best_of(lambda: _naive(encoders, images, labels, pool.numpy(), test, z_tx, z_rx), 1)
    return {
        "points": len(SNR_DB) * len(NUM_ANCHORS) * len(EQUALIZERS),
        "test_samples": len(test),
        "semcom_s": t_semcom,
        "floor_s": t_floor,
        "naive_s": t_naive,
        "full_run_with_store_and_plots_s": t_full,
        "semcom_cv_heads_s": t_cv,
        "torch_threads_of_the_timed_runs": UNIT_THREADS,
        "semcom_over_floor": t_semcom / t_floor,
        "naive_over_semcom": t_naive / t_semcom,
        "semcom_all_s": all_semcom,
        "floor_all_s": all_floor,
        "targets": {
            "semcom_over_floor <= 1.5": t_semcom / t_floor <= 1.5,
            "naive_over_semcom >= 20": t_naive / t_semcom >= 20,
        },
    }
