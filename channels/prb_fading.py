"""Fast fading of many radio links on a PRB grid, evaluated on demand per (link, PRB, time).

A system-level study needs the channel of every link it looks at (the desired link of a
scheduled agent and the same agent's links to every other station, which its transmission
interferes with) on the PRBs it occupies, slot after slot, for 10⁴ agents. Sionna's own
generators draw whole channel impulse responses per batch; this module keeps their
model and evaluates it lazily:

* **Taps** (delays normalised to an RMS delay spread of one, powers) come from Sionna's
  3GPP TR 38.901 TDL profile (:class:`sionna.phy.channel.tr38901.TDL`): ``nlos_profile``
  (TDL-A by default) for NLoS and O2I links, ``los_profile`` (TDL-D) for LoS links, whose
  specular tap is Rician with the link's own K-factor (38.901 §7.7.6 K-factor scaling:
  the diffuse taps keep the profile's shape, ``1/(K+1)`` of the power; the specular
  component ``K/(K+1)``, flat, Doppler ``f_D cos θ_LoS`` with Sionna's ``cos θ_LoS = 0.7``).
  Each link's delays are the profile's scaled by its own delay spread.
* **Time** follows Sionna's sum-of-sinusoids (``num_sinusoids`` per link, angles of
  arrival ``α_n = 2π(n + θ_n)/N`` with ``θ_n`` uniform in a sector, random phases), so the
  ensemble time autocorrelation of every tap is Clarke's ``J0(2π f_D τ)`` with
  ``f_D = v f_c / c``. One difference from Sionna, for speed: a link's taps share its N
  Doppler frequencies (each tap has its own random phases, so taps stay uncorrelated).
* **Frequency** is one value per PRB, at its centre subcarrier:
  ``H(r, t) = Σ_p √P_p x_p(t) exp(−j2π f_r τ_p)``, ``f_r = r · prb_spacing_hz``. The
  per-tap phasors ``exp(−j2π f_r τ_p)`` are tabulated for delay spreads on a log grid
  (``ds_bins_per_decade``; a link uses its nearest grid value, within ±1.2 % at 100 per decade).

Memory per link: ``num_taps × num_sinusoids`` phase codes (one byte each, 256 levels) and
``num_sinusoids`` Doppler cosines; nothing per slot. A test holds the frequency and time
autocorrelation and the power distribution to Sionna's TDL generator
(``tests/unit/channels/test_prb_fading.py``).

:class:`IIDRayleighFading` (``rayleigh_iid``) is the model named for what it is: an
independent Exp(1) power gain per (link, PRB, slot), no correlation in frequency or time.

Example::

    import numpy as np
    from semcom.channels.prb_fading import PRBFading
    fading = PRBFading(carrier_frequency_hz=3.5e9, prb_spacing_hz=360e3, num_prbs=24, nlos_profile="A",
                       los_profile="D")
    links = fading.draw(np.random.default_rng(0), delay_spread_s=np.full(4, 100e-9),
                        k_factor_db=np.array([np.nan, np.nan, 9.0, 9.0]), speed_mps=np.full(4, 0.83))
    h = fading.gains(links, np.array([0, 1, 2, 3]), np.array([0, 5, 5, 23]), t_s=0.01)
    print(h.shape, h.dtype)                                   # (4,) complex64
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["PRBFading", "FadingLinks", "IIDRayleighFading", "tdl_taps"]

SPEED_OF_LIGHT = 299_792_458.0
#: Cosine of the LoS component's angle of arrival relative to the motion (Sionna's TDL default).
LOS_AOA_COS = 0.7
_PHASE_LEVELS = 256


def tdl_taps(profile: str) -> tuple[np.ndarray, np.ndarray, float]:
    """Sionna's TR 38.901 TDL profile: (delays for an RMS delay spread of 1 s [P],
    diffuse tap powers summing to 1 [P], K-factor of the profile [linear, 0 for NLoS])."""
    from sionna.phy.channel.tr38901 import TDL

    tdl = TDL(profile, delay_spread=1.0, carrier_frequency=3.5e9, precision="double", device="cpu")
    delays = tdl.delays.numpy().astype(np.float64)
    power = tdl.mean_powers.numpy().real.astype(np.float64).copy()
    k = 0.0
    if tdl.los:
        los = float(tdl.mean_power_los)
        power[0] -= los
        k = los / power.sum()
    return delays, power / power.sum(), k


@dataclass
class FadingLinks:
    """The random state of L links (drawn once per drop).

    :ivar profile: [L] 0 (NLoS profile) or 1 (LoS profile). :ivar ds_bin: [L] delay-spread grid index.
    :ivar k_lin: [L] Rician K (0 for NLoS). :ivar doppler_hz: [L] maximum Doppler ``v f_c / c``.
    :ivar cos_alpha: [L, N] float32. :ivar phase_code: [L, P, N] uint8 (phase = 2π code / 256).
    :ivar los_phase: [L] specular phase [rad].
    """

    profile: np.ndarray
    ds_bin: np.ndarray
    k_lin: np.ndarray
    doppler_hz: np.ndarray
    cos_alpha: np.ndarray
    phase_code: np.ndarray
    los_phase: np.ndarray

    def __len__(self) -> int:
        return len(self.profile)


class PRBFading:
    """Correlated per-PRB fading from Sionna's TDL profiles (see the module docstring).

    :param carrier_frequency_hz: carrier [Hz] (Doppler). :param prb_spacing_hz: PRB width
        (12 subcarriers) [Hz]. :param num_prbs: PRBs of the grid.
    :param nlos_profile, los_profile: TR 38.901 TDL profile names (Sionna's; a system study's
        ``system.fading`` gives them, ``A`` and ``D`` by default).
    :param num_sinusoids: sinusoids per link. :param ds_bins_per_decade: delay-spread grid resolution.
    """

    DS_RANGE_S = (1e-9, 1e-5)

    def __init__(
        self,
        carrier_frequency_hz: float,
        prb_spacing_hz: float,
        num_prbs: int,
        nlos_profile: str,
        los_profile: str,
        num_sinusoids: int = 10,
        ds_bins_per_decade: int = 100,
    ):
        self.carrier_frequency_hz = float(carrier_frequency_hz)
        self.num_sinusoids = int(num_sinusoids)
        self.num_prbs = int(num_prbs)
        taps = [tdl_taps(nlos_profile), tdl_taps(los_profile)]
        if taps[0][2] > 0 or taps[1][2] == 0:
            raise ValueError(
                f"nlos_profile {nlos_profile!r} must be an NLoS and los_profile {los_profile!r} a LoS "
                "TDL profile; use e.g. A and D"
            )
        self.num_taps = max(len(t[0]) for t in taps)
        delays = np.zeros((2, self.num_taps))
        self.tap_amplitude = np.zeros((2, self.num_taps), dtype=np.float32)
        for i, (d, p, _) in enumerate(taps):
            delays[i, : len(d)] = d
            self.tap_amplitude[i, : len(p)] = np.sqrt(p)
        lo, hi = self.DS_RANGE_S
        self.ds_grid = 10.0 ** np.arange(math.log10(lo), math.log10(hi) + 1e-9, 1.0 / ds_bins_per_decade)
        self._log_step = 1.0 / ds_bins_per_decade
        f = np.arange(self.num_prbs) * float(prb_spacing_hz)
        # [2, bins, R, P]: tap phasor at each PRB, tap amplitude folded in
        arg = (
            -2.0
            * np.pi
            * f[None, None, :, None]
            * self.ds_grid[None, :, None, None]
            * delays[:, None, None, :]
        )
        self._phasor = (np.exp(1j * arg) * self.tap_amplitude[:, None, None, :]).astype(np.complex64)
        self._lut = np.exp(2j * np.pi * np.arange(_PHASE_LEVELS) / _PHASE_LEVELS).astype(
            np.complex64
        ) / np.float32(math.sqrt(self.num_sinusoids))

    def draw(self, rng: np.random.Generator, delay_spread_s, k_factor_db, speed_mps) -> FadingLinks:
        """Random state of links with the given delay spreads [s], K-factors [dB] (NaN: NLoS) and speeds [m/s]."""
        ds = np.asarray(delay_spread_s, dtype=np.float64)
        k_db = np.asarray(k_factor_db, dtype=np.float64)
        speed = np.asarray(speed_mps, dtype=np.float64)
        n_links = len(ds)
        lo, hi = self.DS_RANGE_S
        if np.any(~(ds >= lo)) or np.any(~(ds <= hi)) or np.any(~(speed >= 0)):
            raise ValueError(f"delay spreads must lie in [{lo:g}, {hi:g}] s and speeds be >= 0")
        los = np.isfinite(k_db)
        pos = (np.log10(ds) - math.log10(lo)) / self._log_step
        n = self.num_sinusoids
        theta = rng.uniform(-0.5, 0.5, (n_links, n))
        cos_alpha = np.cos(2.0 * np.pi * (np.arange(1, n + 1)[None, :] + theta) / n).astype(np.float32)
        codes = rng.integers(0, _PHASE_LEVELS, (n_links, self.num_taps, n), dtype=np.uint8)
        return FadingLinks(
            profile=los.astype(np.int8),
            ds_bin=np.rint(pos).astype(np.int32),
            k_lin=np.where(los, 10.0 ** (np.nan_to_num(k_db) / 10.0), 0.0),
            doppler_hz=speed * self.carrier_frequency_hz / SPEED_OF_LIGHT,
            cos_alpha=cos_alpha,
            phase_code=codes,
            los_phase=rng.uniform(-np.pi, np.pi, n_links),
        )

    def gains(self, links: FadingLinks, link: np.ndarray, prb: np.ndarray, t_s: float) -> np.ndarray:
        """Complex channel gains (unit mean power) of ``link[i]`` on ``prb[i]`` at time ``t_s`` [s].

        :input link, prb: [E] int. :output h: [E] np.complex64."""
        link = np.asarray(link, dtype=np.int64)
        prb = np.asarray(prb, dtype=np.int64)
        if len(link) == 0:
            return np.zeros(0, dtype=np.complex64)
        uniq, inv = np.unique(link, return_inverse=True)
        w = (2.0 * np.pi * t_s) * links.doppler_hz[uniq]
        rot = np.exp(1j * (w[:, None] * links.cos_alpha[uniq])).astype(np.complex64)  # [U, N]
        x = np.einsum("upn,un->up", self._lut[links.phase_code[uniq]], rot)  # [U, P]
        k = links.k_lin[uniq]
        x *= (1.0 / np.sqrt(1.0 + k)).astype(np.float32)[:, None]
        prof = links.profile[link]
        h = np.einsum("ep,ep->e", self._phasor[prof, links.ds_bin[link], prb], x[inv])
        spec = np.sqrt(k / (1.0 + k)) * np.exp(1j * (w * LOS_AOA_COS + links.los_phase[uniq]))
        return (h + spec[inv]).astype(np.complex64)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a counter-based hash of uint64 keys (vectorised)."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class IIDRayleighFading:
    """Independent Rayleigh fading per (link, PRB, slot): ``|h|² ~ Exp(1)``, no correlation.

    Counter-based (a hash of seed, link, PRB and slot), so any subset is evaluated on demand and
    every policy of a study sees the same value on the same (link, PRB, slot).

    :param seed: 64-bit key. :param num_prbs: PRBs of the grid.
    """

    def __init__(self, seed: int, num_prbs: int):
        self.seed = np.uint64(seed % (1 << 64))
        self.num_prbs = int(num_prbs)

    def power(self, link: np.ndarray, prb: np.ndarray, slot: int) -> np.ndarray:
        """:input link, prb: [E] int. :output power gain: [E] float64, Exp(1)."""
        key = np.asarray(link, dtype=np.uint64) * np.uint64(self.num_prbs) + np.asarray(prb, dtype=np.uint64)
        with np.errstate(over="ignore"):
            key = _mix64(key ^ _mix64(np.uint64(slot) + self.seed * np.uint64(0x632BE59BD9B4E019)))
        u = ((key >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53
        return -np.log(u)
