"""The radio of a system unit: transmit power per resource element, fast fading of every link
that matters, the per-PRB SINR of a slot's transmissions, and the stations' estimates.

**Power and noise per RE** (one subcarrier for one symbol; both refer to the subcarrier's
bandwidth). Uplink: Sionna's :func:`~sionna.sys.open_loop_uplink_power_control` for the
``n`` PRBs an agent is allocated (``min(P0 + α PL + 10 log10 n, P_max)``, TS 38.213), spread
evenly over its ``12 n`` subcarriers; downlink: the station's power over all ``12 R``
subcarriers of the band. Noise per RE: ``kT x subcarrier spacing x noise figure``.

**Fading** (:mod:`semcom.channels.prb_fading`): ``tdl`` evaluates every desired link and
every interfering link whose mean power at its receiver is within
``fading.interferer_floor_db`` of the noise; weaker interferers enter with their mean power
(at -10 dB, the fading of one such term moves the SINR by less than 0.4 dB, and their sum
keeps its mean). ``rayleigh_iid`` fades every link; ``none`` none.

**SINR of a slot** (:meth:`Radio.slot_sinr`): on PRB ``r`` of sector ``s``, with agent ``a``
scheduled there, ``P_a G_as |h_as(r)|² / (N + I)``; uplink interference is the sum over the
agents scheduled on ``r`` in every other sector of their power at station ``s``, downlink
interference the sum over the other stations transmitting on ``r`` at agent ``a``.

**Estimates.** A station knows each agent's large-scale gain and keeps an exponentially
weighted average (weight ``interference_ewma``) of the interference it measured on every
PRB (uplink; downlink: of how busy every station is); the inner loop's SINR estimate is
``P G / (N + Î)`` with the wideband mean of ``Î``, the frequency-selective scheduler's is per
PRB with the channel ``fading.csi_delay_slots`` old.
"""

from __future__ import annotations

import numpy as np

from semcom.channels.prb_fading import IIDRayleighFading, PRBFading
from ..run.randomness import derive_rng, derive_seed

__all__ = ["Radio", "power_per_re"]


def _uplink_power_re(drop, grid, pc) -> np.ndarray:
    """[N, R] transmit power per RE [mW] of each agent for allocations of 1..R PRBs."""
    import torch
    from sionna.sys import open_loop_uplink_power_control

    n, r = drop.num_agents, grid.prbs()
    prbs = np.broadcast_to(np.arange(1, r + 1), (n, r))
    pl = torch.from_numpy(np.repeat(10.0 ** (drop.pathloss_db / 10.0), r).reshape(n, r))
    p_w = open_loop_uplink_power_control(
        pl,
        torch.from_numpy(np.ascontiguousarray(prbs * 12)),
        alpha=pc.alpha,
        p0_dbm=pc.p0_dbm,
        ut_max_power_dbm=pc.ut_max_power_dbm,
        precision="double",
    ).numpy()
    return p_w * 1e3 / (12.0 * prbs)


def power_per_re(sc, drop) -> tuple[np.ndarray, float]:
    """([N, R] transmit power per RE [mW] of each agent's link for allocations of 1..R PRBs, noise per RE [mW])."""
    net = sc.system
    n, r = drop.num_agents, net.grid.prbs()
    if not drop.power_control:  # single_site: gain_db is the mean SNR per RE at 0 dBm
        return np.ones((n, r)), 1.0
    noise = 10.0 ** (drop.noise_dbm_re / 10.0)
    if net.direction == "downlink":
        return np.full((n, r), 10.0 ** (net.power_control.bs_power_dbm / 10.0) / (12.0 * r)), noise
    return _uplink_power_re(drop, net.grid, net.power_control), noise


class Radio:
    """Power, fading and SINR of one unit (see the module docstring).

    :param sc: the system scenario. :param drop: the :class:`~.geometry.Drop`. :param seed: the unit's seed.
    """

    def __init__(self, sc, drop, seed: int, drop_index: int):
        net = sc.system
        self.grid = net.grid
        self.num_prbs = net.grid.prbs()
        self.slot_s = net.grid.slot_s()
        self.downlink = net.direction == "downlink"
        self.interference = net.interference and drop.num_sectors > 1
        self.ewma = net.interference_ewma
        self.csi_delay = net.fading.csi_delay_slots
        self.gain = 10.0 ** (drop.gain_db / 10.0)  # [N, S]
        self.serving = drop.serving
        s, r = drop.num_sectors, self.num_prbs
        self.p_re, self.noise = power_per_re(sc, drop)
        self.i_est = np.zeros((s, r))  # uplink: interference per RE at each station and PRB [mW]
        self.activity = np.zeros(s)  # downlink: share of PRBs each station uses
        self._setup_fading(sc, drop, seed, drop_index)

    def _setup_fading(self, sc, drop, seed, drop_index) -> None:
        f = sc.system.fading
        n, s = self.gain.shape
        self.model = f.model
        self.link_id = np.full((n, s), -1, dtype=np.int64)
        if f.model == "none":
            return
        if f.model == "rayleigh_iid":
            self.fading = IIDRayleighFading(derive_seed(seed, "system-fading", drop_index), self.num_prbs)
            self.link_id[:] = np.arange(n * s).reshape(n, s)
            return
        ptx = self.p_re[:, :1] if not self.downlink else self.p_re[:1, :1]
        mean_rx = ptx * self.gain  # [N, S] at one PRB
        keep = mean_rx >= self.noise * 10.0 ** (f.interferer_floor_db / 10.0)
        keep[np.arange(n), self.serving] = True
        a, b = np.nonzero(keep)
        self.link_id[a, b] = np.arange(len(a))
        topo = sc.system.topology
        self.fading = PRBFading(
            topo.carrier_frequency_hz,
            self.grid.prb_hz(),
            self.num_prbs,
            f.nlos_profile,
            f.los_profile,
            f.num_sinusoids,
        )
        self.links = self.fading.draw(
            derive_rng(seed, "system-fading", drop_index),
            drop.delay_spread_s[a, b],
            drop.k_factor_db[a, b],
            drop.speed_mps[a],
        )
        self.faded_share = float(keep.mean())

    def power_gain(self, link: np.ndarray, prb: np.ndarray, slot: int) -> np.ndarray:
        """``|h|²`` of links ``link`` [E] (indices into ``link_id``'s values, -1: mean power) on ``prb`` [E]."""
        out = np.ones(len(link))
        if self.model == "none":
            return out
        m = link >= 0
        if self.model == "rayleigh_iid":
            out[m] = self.fading.power(link[m], prb[m], slot)
        else:
            h = self.fading.gains(self.links, link[m], prb[m], (slot + 0.5) * self.slot_s)
            out[m] = h.real.astype(np.float64) ** 2 + h.imag.astype(np.float64) ** 2
        return out

    # -- estimates ---------------------------------------------------------------------
    def estimate_db(self, agents: np.ndarray, n_prb: np.ndarray) -> np.ndarray:
        """Wideband SINR estimate [dB] of each of ``agents`` [A] for allocations of ``n_prb`` [A, C] PRBs."""
        b = self.serving[agents]
        g = self.gain[agents, b][:, None]
        p = np.take_along_axis(self.p_re[agents], np.asarray(n_prb) - 1, axis=1)
        if not self.interference:
            i_hat = 0.0
        elif self.downlink:
            p0 = self.p_re[agents, :1]
            i_hat = (self.activity[None, :] * p0 * self.gain[agents]).sum(1, keepdims=True) - self.activity[
                b
            ][:, None] * p0 * g
        else:
            i_hat = self.i_est[b].mean(1, keepdims=True)
        return 10.0 * np.log10(p * g / (self.noise + i_hat))

    def csi_db(self, agents: np.ndarray, slot: int) -> np.ndarray:
        """[A, R] per-PRB SINR estimate [dB] of ``agents`` from their serving link ``csi_delay_slots`` ago."""
        a = np.repeat(agents, self.num_prbs)
        prb = np.tile(np.arange(self.num_prbs), len(agents))
        b = self.serving[a]
        fad = self.power_gain(self.link_id[a, b], prb, slot - self.csi_delay).reshape(len(agents), -1)
        i_hat = self.i_est[self.serving[agents]] if self.interference and not self.downlink else 0.0
        return 10.0 * np.log10(
            self.p_re[agents, :1]
            * self.gain[agents, self.serving[agents]][:, None]
            * fad
            / (self.noise + i_hat)
        )

    # -- one slot ----------------------------------------------------------------------
    def slot_sinr(self, slot: int, occ: np.ndarray, n_prb_of: np.ndarray) -> np.ndarray:
        """SINR (linear) on every occupied PRB of the slot, and the stations' estimates updated.

        :input occ: [S, R] agent on each (sector, PRB), -1: idle. :input n_prb_of: [N] PRBs of each agent.
        :output sinr: [S, R] np.float64 (NaN where idle)."""
        s_idx, r_idx = np.nonzero(occ >= 0)
        a = occ[s_idx, r_idx]
        S = occ.shape[0]
        sinr = np.full(occ.shape, np.nan)
        p_tx = self.p_re[a, n_prb_of[a] - 1]  # [E]
        if not self.interference:
            fad = self.power_gain(self.link_id[a, s_idx], r_idx, slot)
            sinr[s_idx, r_idx] = p_tx * self.gain[a, s_idx] * fad / self.noise
            self._update(np.zeros(occ.shape), occ >= 0)
            return sinr
        e = len(a)
        links = self.link_id[a]  # [E, S]
        fad = self.power_gain(links.ravel(), np.repeat(r_idx, S), slot).reshape(e, S)
        if self.downlink:
            active = occ >= 0
            mask = active[:, r_idx].T.copy()  # [E, S] station b on r_e
            mask[np.arange(e), s_idx] = False
            power = self.p_re[0, 0] * self.gain[a] * fad
            itf = (power * mask).sum(1)
            desired = power[np.arange(e), s_idx]
            measured = np.zeros(occ.shape)
        else:
            power = p_tx[:, None] * self.gain[a] * fad  # [E, S] at every station
            desired = power[np.arange(e), s_idx]
            power[np.arange(e), s_idx] = 0.0
            key = np.arange(S)[None, :] * self.num_prbs + r_idx[:, None]
            measured = np.bincount(key.ravel(), weights=power.ravel(), minlength=S * self.num_prbs)
            measured = measured.reshape(S, self.num_prbs)
            itf = measured[s_idx, r_idx]
        sinr[s_idx, r_idx] = desired / (self.noise + itf)
        self._update(measured, occ >= 0)
        return sinr

    def _update(self, measured: np.ndarray, active: np.ndarray) -> None:
        w = self.ewma
        if self.downlink:
            self.activity *= 1.0 - w
            self.activity += w * active.mean(1)
        else:
            self.i_est *= 1.0 - w
            self.i_est += w * measured

    def idle(self) -> None:
        """A slot in which nobody transmits."""
        self._update(np.zeros_like(self.i_est), np.zeros(self.i_est.shape, dtype=bool))
