"""The pilot-fitted aligners against synthetic cases with known answers."""

import inspect
import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import torch
import yaml

from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.transceivers.agents import LatentSpace
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS
from semcom.transceivers.semantic.aligned import procrustes_map
from semcom.transceivers.semantic.cca import cca
from semcom.transceivers.semantic.channel_aware import ChannelAwareEqualizer
from semcom.transceivers.semantic.kernel_ridge import fit_kernel_ridge
from semcom.transceivers.semantic.pilot_aligner import PilotAligner
from semcom.transceivers.semantic.residual_kernel import fit_residual_kernel
from semcom.transceivers.semantic.whitened_procrustes import whitened_procrustes_map

ALIGNERS = [
    "aligned",
    "whitened_procrustes",
    "cca",
    "svcca",
    "kernel_ridge",
    "residual_kernel",
    "mlp_aligner",
]


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _orthogonal(d, g):
    return torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))[0]


@pytest.mark.parametrize("fit", [procrustes_map, whitened_procrustes_map])
def test_procrustes_recovers_a_random_orthogonal_map_exactly(fit):
    g = _gen(1)
    # anisotropic, off-centre pilots: whitening and centring have work to do
    x = (
        torch.randn(60, 8, generator=g, dtype=torch.float64) * torch.linspace(0.2, 3, 8, dtype=torch.float64)
        + 1.5
    )
    q = _orthogonal(8, g)
    w = fit(x, x @ q)
    assert torch.allclose(w[:-1], q, atol=1e-9)
    assert torch.allclose(w[-1], torch.zeros(8, dtype=torch.float64), atol=1e-9)


def test_cca_recovers_the_canonical_correlations_of_a_constructed_pair():
    """x = u A, y = (ρ u + sqrt(1 − ρ²) e) B: the canonical correlations are ρ. The sample
    estimate's standard error is about (1 − ρ²)/sqrt(n); the tolerance is 5 of them."""
    g = _gen(2)
    n, rho = 20000, torch.tensor([0.9, 0.6, 0.3, 0.0], dtype=torch.float64)
    u = torch.randn(n, 4, generator=g, dtype=torch.float64)
    e = torch.randn(n, 4, generator=g, dtype=torch.float64)
    x = u @ torch.randn(4, 4, generator=g, dtype=torch.float64) + 3.0
    y = (rho * u + (1 - rho**2).sqrt() * e) @ torch.randn(4, 6, generator=g, dtype=torch.float64)[:, :4]
    got = cca(x, y).correlations
    tol = 5 * (1 - rho**2) / n**0.5 + 5 / n**0.5 * (rho == 0)
    assert torch.all((got - rho).abs() <= tol), (got, rho)
    # and the canonical variates are what CCA says they are: unit variance, correlations ρ
    maps = cca(x, y)
    a, b = (x - maps.mean_x) @ maps.wx, (y - maps.mean_y) @ maps.wy
    assert torch.allclose(a.std(0, correction=0), torch.ones(4, dtype=torch.float64), atol=1e-6)
    assert torch.allclose((a * b).mean(0), got, atol=1e-6)


def _smooth_map(n, g):
    """A known smooth nonlinear map R^3 → R^4: a linear part plus a sine bend."""
    x = torch.randn(n, 3, generator=g, dtype=torch.float64)
    w = torch.tensor(
        [[1.0, -0.5, 0.3, 0.8], [0.2, 1.0, -0.7, 0.1], [-0.4, 0.3, 1.0, 0.6]], dtype=torch.float64
    )
    return x, x @ w + 0.5 * torch.sin(2 * x @ w)


@pytest.mark.parametrize("fit", [fit_kernel_ridge, fit_residual_kernel])
def test_kernel_aligners_fit_a_smooth_nonlinear_map_better_with_more_pilots(fit):
    g = _gen(3)
    x_test, y_test = _smooth_map(2000, g)
    errors = []
    for n in (25, 100, 400):
        x, y = _smooth_map(n, g)
        errors.append(float((fit(x, y)(x_test) - y_test).square().mean() / y_test.var(0).mean()))
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.05, errors  # 400 pilots: under 5 % of the target variance
    # a linear map cannot do this: the bend is a real part of the target
    x, y = _smooth_map(400, g)
    w = procrustes_map(x, y)
    assert float(((x_test @ w[:-1] + w[-1]) - y_test).square().mean() / y_test.var(0).mean()) > 4 * errors[2]


def test_leave_one_out_picks_a_larger_ridge_for_noisier_targets():
    g = _gen(4)
    x, y = _smooth_map(200, g)
    clean = fit_kernel_ridge(x, y)
    noisy = fit_kernel_ridge(x, y + torch.randn(y.shape, generator=g, dtype=torch.float64))
    assert noisy.ridge > clean.ridge


def _identical_link(num_anchors=120, seed=0):
    g = _gen(seed)
    n, classes, dim = 900, 6, 12
    labels = torch.randint(classes, (n,), generator=g)
    z = 1.5 * torch.randn(classes, dim, generator=g)[labels] + torch.randn(n, dim, generator=g) + 0.5
    pool = np.arange(600)
    anchors = np.random.default_rng(seed).choice(pool, num_anchors, replace=False)
    # two agents with the very same latent space
    return LinkSetup(
        LatentSpace("tx", z), LatentSpace("rx", z.clone()), labels, classes, pool, anchors, seed=seed
    ), np.arange(600, n)


@pytest.mark.parametrize("name", ALIGNERS)
def test_noise_free_accuracy_on_identical_spaces_is_the_receivers_native_accuracy(name):
    link, test = _identical_link()
    eq = SEMANTIC_EQUALIZERS.get(name)().fit(link)
    z = link.tx.latents[test]
    decided = eq(z[None]).argmax(-1)[0]
    native = link.absolute_head(link.rx)(link.rx.latents[test]).argmax(-1)
    assert (decided == link.labels[test]).sum() == (native == link.labels[test]).sum()
    # and the equalised message retrieves its own receiver latent (cosine, among the test set)
    from semcom.simulator.link.metrics import reciprocal_ranks

    rr = reciprocal_ranks(eq.retrieval_query(z[None]), eq.retrieval_keys(test), torch.arange(len(test)))
    assert float(rr.mean()) > 0.99, float(rr.mean())


@pytest.mark.parametrize("name", ALIGNERS[1:])
def test_pilots_over_the_channel_fit_one_map_per_snr_point(name):
    link, test = _identical_link(60)

    class Access:  # two SNR points: one clean copy, one noisy copy of the pilots
        def send(self, tx, purpose):
            noisy = tx + 0.5 * torch.randn(tx.shape, generator=_gen(9))
            return torch.stack([tx, noisy]), None

    eq = SEMANTIC_EQUALIZERS.get(name)(pilots="channel").fit(link, Access())
    assert len(eq.maps) == 2
    z = link.tx.latents[test]
    acc = (eq(torch.stack([z, z])).argmax(-1) == link.labels[test]).float().mean(-1)
    assert acc[0] >= acc[1] - 0.02


@pytest.mark.parametrize(
    "name, settings, field",
    [
        ("kernel_ridge", {"bandwidth": 0}, "bandwidth"),
        ("kernel_ridge", {"bandwidth": -1.5}, "bandwidth"),
        ("residual_kernel", {"bandwidth": 0.0}, "bandwidth"),
        ("kernel_ridge", {"ridge": "gcv"}, "ridge"),
        ("mlp_aligner", {"holdout": 0}, "holdout"),
        ("mlp_aligner", {"holdout": 1.0}, "holdout"),
        ("cca", {"components": 0}, "components"),
        ("svcca", {"variance": 1.5}, "variance"),
        ("whitened_procrustes", {"pilots": "air"}, "pilots"),
        ("cca", {"preprocess": "pca"}, "preprocess"),
    ],
)
def test_bad_settings_are_one_line_naming_the_field_and_the_fix(name, settings, field):
    with pytest.raises(ScenarioError) as err:
        SEMANTIC_EQUALIZERS.get(name)(**settings)
    msg = str(err.value)
    assert msg.startswith(f"semantic_equalizers.{name}.{field}:") and "; use" in msg and "\n" not in msg, msg


@pytest.mark.parametrize("name", ALIGNERS[1:] + ["inverse"])
def test_an_unknown_setting_is_one_line_and_the_shared_settings_have_one_home(name):
    cls = SEMANTIC_EQUALIZERS.get(name)
    with pytest.raises(ScenarioError) as err:
        cls(pilot="channel")
    msg = str(err.value)
    assert msg.startswith(f"semantic_equalizers.{name}.pilot: unknown setting") and "\n" not in msg, msg
    base = ChannelAwareEqualizer if name == "inverse" else PilotAligner
    shared = set(inspect.signature(base.__init__).parameters) - {
        "self",
        "precision",
        "device",
        "unknown",
        "settings",
    }
    for klass in cls.__mro__[: cls.__mro__.index(base)]:
        if "__init__" in klass.__dict__:
            restated = shared & set(inspect.signature(klass.__init__).parameters)
            assert not restated, f"{klass.__name__} restates {base.__name__}'s {sorted(restated)}"
    assert {k: cls.defaults()[k] for k in shared} == {k: base.defaults()[k] for k in shared}


def test_an_mlp_aligner_without_pilots_to_train_on_is_one_line():
    link, _ = _identical_link(3)
    with pytest.raises(SemcomInputError) as err:
        SEMANTIC_EQUALIZERS.get("mlp_aligner")(holdout=0.5).fit(link)
    msg = str(err.value)
    assert "num_anchors" in msg and "holdout" in msg and "\n" not in msg, msg
    assert isinstance(err.value, ScenarioError) and err.value.field == "sweep.num_anchors"


def _validate(tmp_path, scenario) -> tuple[int, str]:
    from semcom.simulator.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["validate", str(path)])
    return rc, err.getvalue()


BASE = dict(
    name="zoo",
    seed=1,
    data=dict(dataset="digits", limit=200, test_fraction=0.3),
    models=dict(tx=dict(kind="pca", latent_dim=8), rx=dict(kind="pca", latent_dim=6)),
    sweep=dict(
        snr_db=[10],
        num_anchors=[10],
        transmitter="tx",
        receiver="rx",
        semantic_equalizer=["kernel_ridge"],
        anchor_selection="kernel_herding",
    ),
)


@pytest.mark.parametrize(
    "change, needles",
    [
        (
            {
                "semantic_equalizers": {"kr": {"equalizer": "kernel_ridge", "bandwidth": -1}},
                "sweep": {**BASE["sweep"], "semantic_equalizer": ["kr"]},
            },
            ["semantic_equalizers.kr.bandwidth", "use"],
        ),
        (
            {
                "semantic_equalizers": {"mlp_aligner": {"holdout": 0}},
                "sweep": {**BASE["sweep"], "semantic_equalizer": ["mlp_aligner"]},
            },
            ["semantic_equalizers.mlp_aligner.holdout"],
        ),
        (
            {"sweep": {**BASE["sweep"], "num_anchors": [10, 500]}},
            ["sweep.num_anchors[1]", "anchor pool", "use at most"],
        ),
        (
            {"sweep": {**BASE["sweep"], "num_anchors": [10, 2], "semantic_equalizer": ["mlp_aligner"]}},
            ["sweep.num_anchors[1]", "holds out", "holdout"],
        ),
    ],
)
def test_bad_zoo_scenarios_fail_validation_with_one_line(tmp_path, change, needles):
    rc, err = _validate(tmp_path, {**BASE, **change})
    assert rc == 2 and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_a_valid_zoo_scenario_validates(tmp_path):
    rc, err = _validate(tmp_path, BASE)
    assert rc == 0, err


def test_kernel_herding_matches_the_pools_kernel_mean_better_than_random_pilots():
    """Herding greedily minimises the MMD between pilots and pool: at every budget its MMD is
    below the 10th percentile of 50 random draws'."""
    from semcom.transceivers.anchors import ANCHOR_STRATEGIES

    g = _gen(5)
    x = torch.cat([torch.randn(300, 4, generator=g) + 2, 0.5 * torch.randn(100, 4, generator=g) - 2])
    labels = torch.zeros(len(x), dtype=torch.long)
    xn = torch.nn.functional.normalize(x.double(), dim=1)
    d2 = torch.cdist(xn, xn).square()
    k = torch.exp(-d2 / (2 * d2[~torch.eye(len(x), dtype=torch.bool)].median()))

    def mmd(idx):
        idx = torch.as_tensor(idx)
        return float(k.mean() - 2 * k[idx].mean() + k[idx][:, idx].mean())

    herding = ANCHOR_STRATEGIES.get("kernel_herding")()
    rand = ANCHOR_STRATEGIES.get("random")()
    for budget in (5, 20, 50):
        h = mmd(herding(x, labels, budget, np.random.default_rng(0)))
        r = sorted(mmd(rand(x, labels, budget, np.random.default_rng(s))) for s in range(50))
        assert h < r[5], (budget, h, r[5])
