"""Effective SINR of a message spread over resource elements: Sionna's EESM with one β.

:class:`sionna.sys.EESM` looks β up in a table indexed by (MCS table, MCS index). A
semantic table has one β of its own (calibrated on frequency-selective link-level
runs, :mod:`semcom.simulator.abstraction.calibration`), so :func:`effective_sinr_db`
gives Sionna's block a one-entry β table (``{"index": {"1": [beta]}}``, written once
per β into the cache folder) and calls it with MCS table 1, MCS index 0. The formula
is Sionna's:

    SINR_eff = −β · ln( mean_i exp(−SINR_i / β) )        (linear SINRs, used REs only)

Large β tends to the arithmetic mean of the SINRs, small β to their minimum.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import torch

from semcom.core.io import write_text_atomic
from semcom.transceivers.cache import cache_dir

__all__ = ["effective_sinr_db", "EESM_SINR_RANGE_DB"]

#: Effective SINRs are clipped to this range [dB] (Sionna's ``sinr_eff_min_db``/``max_db``);
#: wide enough for any table grid.
EESM_SINR_RANGE_DB = (-60.0, 80.0)


@functools.lru_cache(maxsize=64)
def _eesm(beta: float):
    from sionna.sys import EESM

    folder = cache_dir() / "eesm_beta"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"beta_{beta!r}.json"
    if not path.is_file():
        write_text_atomic(path, json.dumps({"_comment": "one-entry EESM beta table written by semcom",
                                            "index": {"1": [beta]}}))
    return EESM(load_beta_table_from=str(path), sinr_eff_min_db=EESM_SINR_RANGE_DB[0],
                sinr_eff_max_db=EESM_SINR_RANGE_DB[1], precision="double", device="cpu")


def effective_sinr_db(sinr_db, beta: float) -> np.ndarray:
    """One effective SINR per message from the SINRs of the resource elements it occupies.

    :param sinr_db: [..., num_re], float (numpy array or tensor): per-RE SINR [dB] of each message.
    :param beta: EESM β (> 0, linear SINR units).
    :output sinr_eff_db: [...], np.float64: effective SINR [dB] (Sionna's :class:`~sionna.sys.EESM`).

    Equal SINRs map to themselves, whatever β:

    .. code-block:: python

        import numpy as np
        from semcom.simulator.abstraction.eesm import effective_sinr_db
        print(effective_sinr_db(np.full((3, 8), 5.0), beta=2.0))              # [5. 5. 5.]
        print(effective_sinr_db(np.array([[0.0, 20.0]]), beta=1.0) < 10.0)    # below the mean: [ True]
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating)) or not math.isfinite(beta) \
            or beta <= 0:
        raise ValueError(f"beta: must be a positive finite number (got {beta!r}); use e.g. 1.0")
    s = torch.as_tensor(np.asarray(sinr_db, dtype=np.float64))
    if s.ndim < 1 or s.shape[-1] < 1:
        raise ValueError(f"sinr_db: needs a last axis of resource elements (got shape {tuple(s.shape)})")
    lead = s.shape[:-1]
    flat = s.reshape(-1, 1, s.shape[-1], 1, 1)             # [batch, 1 OFDM symbol, num_re subcarriers, 1 UT, 1 stream]
    lin = torch.pow(10.0, flat / 10.0)
    out = _eesm(float(beta))(lin, torch.zeros(flat.shape[0], 1, dtype=torch.int32), mcs_table_index=1)
    return (10.0 * torch.log10(out[:, 0])).reshape(lead).numpy().astype(np.float64)
