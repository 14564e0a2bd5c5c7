"""One drop of a system study: where base stations and agents are, and every link's coupling gain.

``hexgrid`` (default): Sionna's 38.901 hexagonal grid (:func:`sionna.sys.gen_hexgrid_topology`,
3 sectors per site, wraparound), agents dropped uniformly in every sector
(``per_sector`` of each group); path loss with O2I penetration from Sionna's UMi/UMa
scenario (:class:`~sionna.phy.channel.tr38901.umi_scenario.UMiScenario` and its
:class:`~sionna.phy.channel.tr38901.lsp.LSPGenerator` ``sample_pathloss``); log-normal
shadow fading with the scenario's standard deviation per link state (38.901 Table 7.5-6),
one draw per (site, agent) shared by a site's three sectors; the 38.901 sector antenna
pattern (Sionna's ``AntennaElement("38.901")``: 65° beam, 8 dBi, 30 dB front-to-back)
towards each agent, with the sector's downtilt; agents omnidirectional. The serving sector
is the one of least coupling loss (:func:`sionna.sys.serving_indices`) unless
``association: dropped``.

Per link, for the fast fading (:mod:`semcom.channels.prb_fading`): the 38.901 LoS state
(Sionna's), the delay spread and, for LoS links, the Rician K-factor, drawn log-normally with
the scenario's 38.901 mean and standard deviation for that state (Sionna's ``lsp_log_mean`` /
``lsp_log_std``: UMi at 3.5 GHz has median delay spreads of 40 ns LoS, 97 ns NLoS, 240 ns O2I),
one standard normal per (site, agent) shared by a site's three sectors, like the shadowing;
the cross-correlation between large-scale parameters is not modelled. Each agent moves at its
group's ``speed_kmh``.

Not modelled: spatial correlation of shadow fading across agents (Sionna's LSP generator
builds ``[num_bs, 7, num_ut, num_ut]`` correlation matrices: 18 s for 420 agents here, out
of reach at 10,000), so shadowing is independent between agents. Path loss runs in
chunks of :data:`CHUNK` agents (Sionna's scenario stores agent-to-agent distances,
``num_ut²``), which only loses the spatial consistency of LoS states across chunks.

``single_site``: one base station, agents at given distances, the ``network`` kind's path
loss ``reference_snr_db - 10 exponent log10(d / reference_distance_m)`` as the mean SNR per
RB (0 dBm power, 0 dBm noise), no shadowing: the scenario of the agreement with the link level.

Randomness: Sionna's generators are seeded from (seed, drop); shadowing from
:func:`~semcom.simulator.run.randomness.derive_rng`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from semcom.channels.path_loss import log_distance_snr_db

from ..run.randomness import derive_rng, derive_seed
from .schema import SystemSpec

__all__ = ["Drop", "make_drop", "CHUNK", "noise_dbm_per_re"]

#: Agents per call of Sionna's 38.901 scenario (its memory grows with the square).
CHUNK = 1024


@dataclass
class Drop:
    """A drop.

    :ivar ut_xy: [N, 2] agent positions [m]. :ivar group: [N] group index (scenario order).
    :ivar sector_dropped: [N] sector each agent was dropped in.
    :ivar bs_xy: [S, 2] sector (base station) positions [m]; :ivar bs_site: [S] site index.
    :ivar gain_db: [N, S] coupling gain (antenna gains - path loss - shadowing) [dB].
    :ivar pathloss_db: [N] path loss to the serving sector [dB] (power control's input).
    :ivar serving: [N] serving sector. :ivar noise_dbm_re: noise power per resource element [dBm]
        (kT x subcarrier spacing x noise figure).
    :ivar isd_m: inter-site distance (hexgrid) or `None`.
    :ivar serving_xy: [N, 2] position of the serving sector's wraparound image the association used [m].
    :ivar los: [N, S] LoS state. :ivar delay_spread_s: [N, S] RMS delay spread [s].
    :ivar k_factor_db: [N, S] Rician K [dB] (NaN: NLoS). :ivar speed_mps: [N].
    """

    ut_xy: np.ndarray
    group: np.ndarray
    sector_dropped: np.ndarray
    bs_xy: np.ndarray
    bs_site: np.ndarray
    gain_db: np.ndarray
    pathloss_db: np.ndarray
    serving: np.ndarray
    noise_dbm_re: float
    isd_m: float | None
    serving_xy: np.ndarray
    los: np.ndarray
    delay_spread_s: np.ndarray
    k_factor_db: np.ndarray
    speed_mps: np.ndarray
    power_control: bool = True

    @property
    def num_agents(self) -> int:
        return len(self.group)

    @property
    def num_sectors(self) -> int:
        return len(self.bs_xy)


def noise_dbm_per_re(sys_spec) -> float:
    """Thermal noise of one resource element (one subcarrier's bandwidth) plus the noise figure [dBm]."""
    return -174.0 + 10.0 * math.log10(sys_spec.grid.subcarrier_spacing_hz) + sys_spec.noise_figure_db


def _speeds(spec, group: np.ndarray) -> np.ndarray:
    return np.array([g.speed_kmh / 3.6 for g in spec.groups.values()])[group]


def _group_index(sys_spec) -> np.ndarray:
    """Group of each agent slot within a sector (groups in scenario order)."""
    return np.concatenate([np.full(g.per_sector, i) for i, g in enumerate(sys_spec.groups.values())])


@functools.lru_cache(maxsize=8)
def _make_drop_cached(payload: str, seed: int, drop: int) -> Drop:
    spec = SystemSpec.model_validate_json(payload)
    if spec.topology.kind == "single_site":
        return _single_site(spec, seed, drop)
    return _hexgrid(spec, seed, drop)


def make_drop(sys_spec, seed: int, drop: int) -> Drop:
    """The drop ``drop`` of seed ``seed`` (memoised per process)."""
    return _make_drop_cached(sys_spec.model_dump_json(), int(seed), int(drop))


def _single_site(spec, seed: int, drop: int) -> Drop:
    topo = spec.topology
    dist = np.concatenate([np.asarray(g.distance_m if g.distance_m is not None else [topo.reference_distance_m]
                                      * g.per_sector, dtype=np.float64) for g in spec.groups.values()])
    group = _group_index(spec)
    angle = derive_rng(seed, "system-angle", drop).uniform(0, 2 * math.pi, len(dist))
    xy = np.stack([dist * np.cos(angle), dist * np.sin(angle)], -1)
    snr = log_distance_snr_db(topo, dist)
    n = len(dist)
    # NLoS links with the TDL-A delay spread of 38.901's "nominal" 100 ns
    return Drop(xy, group, np.zeros(n, dtype=np.int64), np.zeros((1, 2)), np.zeros(1, dtype=np.int64),
                snr[:, None].astype(np.float64), -snr, np.zeros(n, dtype=np.int64), 0.0, None,
                np.zeros((n, 2)), np.zeros((n, 1), dtype=bool), np.full((n, 1), 100e-9), np.full((n, 1), np.nan),
                _speeds(spec, group), power_control=False)


def _hexgrid(spec, seed: int, drop: int) -> Drop:
    import sionna.phy
    import torch
    from sionna.phy.channel.tr38901 import PanelArray
    from sionna.phy.channel.tr38901.antenna import AntennaElement
    from sionna.phy.channel.tr38901.lsp import LSPGenerator
    from sionna.sys import gen_hexgrid_topology

    topo = spec.topology
    per_sector = sum(g.per_sector for g in spec.groups.values())
    sionna.phy.config.seed = derive_seed(seed, "system-topology", drop)
    with torch.no_grad():
        out = gen_hexgrid_topology(1, topo.num_rings, per_sector, topo.scenario, min_bs_ut_dist=topo.min_bs_ut_dist_m,
                                   isd=topo.isd_m, indoor_probability=topo.indoor_probability, return_grid=True,
                                   precision="single", device="cpu")
        ut_loc, bs_loc, ut_or, bs_or, ut_vel, in_state, _, bs_virtual, grid = out
        if topo.scenario == "umi":
            from sionna.phy.channel.tr38901.umi_scenario import UMiScenario as Scenario
        else:
            from sionna.phy.channel.tr38901.uma_scenario import UMaScenario as Scenario
        arr = PanelArray(num_rows_per_panel=1, num_cols_per_panel=1, polarization="single", polarization_type="V",
                         antenna_pattern="omni", carrier_frequency=topo.carrier_frequency_hz, precision="single",
                         device="cpu")
        num_ut, num_bs = ut_loc.shape[1], bs_loc.shape[1]
        pl = np.empty((num_bs, num_ut))
        sf_std = np.empty((num_bs, num_ut))
        los = np.empty((num_bs, num_ut), dtype=bool)
        lsp_mean = np.empty((num_bs, num_ut, 2))        # log10 DS [s], K [dB / 10]
        lsp_std = np.empty((num_bs, num_ut, 2))
        for lo in range(0, num_ut, CHUNK):
            hi = min(num_ut, lo + CHUNK)
            sc = Scenario(topo.carrier_frequency_hz, "low", arr, arr, spec.direction, precision="single", device="cpu")
            sc.set_topology(ut_loc[:, lo:hi], bs_loc, ut_or[:, lo:hi], bs_or, ut_vel[:, lo:hi], in_state[:, lo:hi],
                            None, bs_virtual[:, :, lo:hi])
            pl[:, lo:hi] = LSPGenerator(sc).sample_pathloss()[0].double().numpy()
            sf_std[:, lo:hi] = 10.0 * sc.lsp_log_std[0, :, :, 3].double().numpy()   # SF is LSP 3, log10 units
            los[:, lo:hi] = sc.los[0].numpy()
            lsp_mean[:, lo:hi] = sc.lsp_log_mean[0][..., [0, 4]].double().numpy()   # DS is LSP 0, K is LSP 4
            lsp_std[:, lo:hi] = sc.lsp_log_std[0][..., [0, 4]].double().numpy()
        # 38.901 sector antenna gain towards each agent (wraparound positions of the sectors)
        rel = (ut_loc[0][None, :, :] - bs_virtual[0]).double()                        # [S, N, 3]
        yaw = bs_or[0, :, 0].double()[:, None]
        tilt = bs_or[0, :, 1].double()[:, None]
        phi = torch.remainder(torch.atan2(rel[..., 1], rel[..., 0]) - yaw + math.pi, 2 * math.pi) - math.pi
        d2d = torch.linalg.norm(rel[..., :2], dim=-1)
        theta = torch.atan2(d2d, rel[..., 2]) - tilt          # zenith angle in the tilted sector frame
        theta = torch.clamp(theta, 0.0, math.pi)
        f_theta, f_phi = AntennaElement("38.901", 0.0, precision="double", device="cpu").field(theta, phi)
        ant_db = (10.0 * torch.log10(f_theta.abs() ** 2 + f_phi.abs() ** 2 + 1e-30)).numpy()
    sites = np.repeat(np.arange(num_bs // 3), 3)
    shadow = np.zeros((num_bs, num_ut))
    if topo.shadowing:
        z = derive_rng(seed, "system-shadowing", drop).standard_normal((num_bs // 3, num_ut))
        shadow = sf_std * z[sites]                                  # one draw per (site, agent)
    gain_db = (ant_db - pl - shadow).T.copy()                     # [N, S]
    group = np.tile(_group_index(spec), num_bs)
    dropped = np.repeat(np.arange(num_bs), per_sector)
    if topo.association == "dropped":
        serving = dropped.copy()
    else:
        from sionna.sys import serving_indices
        serving = serving_indices(torch.from_numpy(-gain_db)).numpy().astype(np.int64)
    pathloss = (pl + shadow).T[np.arange(num_ut), serving]
    z = derive_rng(seed, "system-lsp", drop).standard_normal((2, num_bs // 3, num_ut))[:, sites]     # [2, S, N]
    log_ds = lsp_mean[..., 0] + lsp_std[..., 0] * z[0]
    k_db = np.where(los, 10.0 * (lsp_mean[..., 1] + lsp_std[..., 1] * z[1]), np.nan)
    image = bs_virtual[0].double().numpy()[serving, np.arange(num_ut), :2]
    return Drop(ut_loc[0, :, :2].double().numpy(), group, dropped, bs_loc[0, :, :2].double().numpy(), sites,
                gain_db, pathloss, serving, noise_dbm_per_re(spec), float(grid.isd), image, los.T.copy(),
                (10.0 ** log_ds).T.copy(), k_db.T.copy(), _speeds(spec, group))
