"""Messages as the system level sends them: the SINR of every resource element a message
occupies (:class:`MessagePatterns`), the input of the abstraction's calibration and validation
in the system's own regime and of the link-level reference that decodes them.

A system engine in record mode fills it for every message it sends: per-RE SINRs [dB] in the
order of the message's symbols (the RE of its first symbol first; NaN after its last RE), the
large-scale SINR estimate its link adaptation saw, its agent group and its configuration.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.patterns import MessagePatterns
    p = MessagePatterns(np.array([[3.0, 5.0, np.nan], [0.0, 1.0, 2.0]]), np.array([4.0, 1.0]),
                        np.array([0, 1]), np.array([2, 2]))
    print(len(p), p.offsets_db()[0])                 # 2 [-1.  1. nan]
    print(len(p.take(p.group == 1)))                 # 1
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional

import numpy as np

__all__ = ["MessagePatterns"]


@dataclass
class MessagePatterns:
    """Per-RE SINRs of M messages.

    :ivar sinr_db: [M, W], np.float64: SINR [dB] of each RE a message occupies, in symbol order,
        NaN-padded to the widest message.
    :ivar estimate_db: [M], np.float64: the large-scale SINR estimate link adaptation saw [dB]
        (no outer-loop offset).
    :ivar group: [M], np.int64: the agent group (its transmitter → receiver link).
    :ivar config: [M], np.int64: the configuration (index into the study's configuration list).
    :ivar drop: [M], np.int64: the drop the message was sent in (`None`: unknown).
    """

    sinr_db: np.ndarray
    estimate_db: np.ndarray
    group: np.ndarray
    config: np.ndarray
    drop: np.ndarray | None = None

    def __post_init__(self):
        self.sinr_db = np.asarray(self.sinr_db, dtype=np.float64)
        if self.sinr_db.ndim != 2:
            raise ValueError(f"sinr_db: must be [messages, REs] (got shape {self.sinr_db.shape})")
        m = self.sinr_db.shape[0]
        self.estimate_db = np.asarray(self.estimate_db, dtype=np.float64)
        self.group = np.asarray(self.group, dtype=np.int64)
        self.config = np.asarray(self.config, dtype=np.int64)
        if self.drop is not None:
            self.drop = np.asarray(self.drop, dtype=np.int64)
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name != "sinr_db" and v is not None and v.shape != (m,):
                raise ValueError(f"{f.name}: must have one value per message ({m}), got shape {v.shape}")

    def __len__(self) -> int:
        return int(self.sinr_db.shape[0])

    def num_res(self) -> np.ndarray:
        """[M] REs of each message."""
        return np.isfinite(self.sinr_db).sum(-1)

    def offsets_db(self) -> np.ndarray:
        """[M, W] each RE's SINR relative to the message's large-scale estimate [dB] (fading and
        interference the estimate does not know)."""
        return self.sinr_db - self.estimate_db[:, None]

    def take(self, index) -> MessagePatterns:
        """The messages selected by ``index`` (a mask or positions)."""
        return MessagePatterns(
            self.sinr_db[index],
            self.estimate_db[index],
            self.group[index],
            self.config[index],
            None if self.drop is None else self.drop[index],
        )

    @classmethod
    def from_record(cls, record, drop: Optional[int] = None) -> MessagePatterns:
        """The messages of a system engine's record (``sinr_re_db``, ``sinr_est_db``, ``group``,
        ``config``: :class:`~semcom.simulator.system.decisions.SentRecord`), all from ``drop``."""
        n = len(record.group)
        return cls(
            np.asarray(record.sinr_re_db, dtype=np.float64),
            record.sinr_est_db,
            record.group,
            record.config,
            None if drop is None else np.full(n, drop),
        )

    @classmethod
    def concat(cls, parts: list[MessagePatterns]) -> MessagePatterns:
        """The messages of ``parts`` one after another (widths padded with NaN)."""
        width = max((p.sinr_db.shape[1] for p in parts), default=0)
        pad = [
            np.pad(p.sinr_db, ((0, 0), (0, width - p.sinr_db.shape[1])), constant_values=np.nan)
            for p in parts
        ]
        drops = None if any(p.drop is None for p in parts) else np.concatenate([p.drop for p in parts])
        return cls(
            np.concatenate(pad) if pad else np.zeros((0, 0)),
            np.concatenate([p.estimate_db for p in parts]) if parts else np.zeros(0),
            np.concatenate([p.group for p in parts]) if parts else np.zeros(0, np.int64),
            np.concatenate([p.config for p in parts]) if parts else np.zeros(0, np.int64),
            drops,
        )
