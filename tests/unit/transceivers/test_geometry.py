"""Latent-geometry diagnostics against their theory: CKA invariances and the simplex."""

import math

import pytest
import torch

from semcom.transceivers.geometry import collapse_index, linear_cka, simplex_cosine


def _orthogonal(d: int, gen: torch.Generator) -> torch.Tensor:
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=gen, dtype=torch.float64))
    return q


def test_cka_of_a_space_with_itself_is_one():
    x = torch.randn(300, 12, generator=torch.Generator().manual_seed(0))
    assert linear_cka(x, x) == pytest.approx(1.0, abs=1e-12)


def test_cka_is_invariant_to_orthogonal_maps_scaling_and_translation():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(400, 10, generator=gen, dtype=torch.float64)
    y = x[:, :6] @ torch.randn(6, 8, generator=gen, dtype=torch.float64) + 0.3 * torch.randn(
        400, 8, generator=gen, dtype=torch.float64
    )
    base = linear_cka(x, y)
    assert 0.05 < base < 0.999  # a non-trivial value to preserve
    moved_x = 7.5 * x @ _orthogonal(10, gen) + 4.0  # rotate, scale, shift x
    moved_y = 0.2 * y @ _orthogonal(8, gen) - 1.0
    assert linear_cka(moved_x, moved_y) == pytest.approx(base, abs=1e-10)
    assert linear_cka(y, x) == pytest.approx(base, abs=1e-12)  # symmetric


def test_cka_is_not_invariant_to_a_general_linear_map():
    """Linear CKA is invariant to orthogonal maps only: stretching one axis changes it."""
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(400, 4, generator=gen, dtype=torch.float64)
    y = x.clone()
    y[:, 0] *= 10
    assert linear_cka(x, y) < 0.9


def test_cka_of_independent_random_features_is_near_zero():
    """E||Y^T X||_F^2 = n d1 d2 and ||X^T X||_F >= n sqrt(d), so E[CKA] <= sqrt(d1 d2) / n;
    the numerator is a sum of d1 d2 terms of relative spread sqrt(2/(d1 d2)) ~ 0.1, so a
    bound of 3x the mean cannot be crossed by chance."""
    gen = torch.Generator().manual_seed(3)
    n, d1, d2 = 2000, 16, 24
    x = torch.randn(n, d1, generator=gen)
    y = torch.randn(n, d2, generator=gen)
    assert linear_cka(x, y) < 3 * math.sqrt(d1 * d2) / n


def _simplex(num_classes: int) -> torch.Tensor:
    """Vertices of a regular simplex centred at 0 in R^C: the centred standard basis."""
    eye = torch.eye(num_classes, dtype=torch.float64)
    return eye - eye.mean(0)


@pytest.mark.parametrize("num_classes", [2, 3, 10])
def test_collapse_index_of_a_rotated_regular_simplex(num_classes):
    gen = torch.Generator().manual_seed(num_classes)
    vertices = (
        _simplex(num_classes) @ _orthogonal(num_classes, gen)[:num_classes] * 5 + 2.0
    )  # rotate, scale, shift
    labels = torch.arange(num_classes).repeat_interleave(7)
    index = collapse_index(vertices[labels], labels)
    assert index.class_mean_cosine == pytest.approx(-1 / (num_classes - 1), abs=1e-10)
    assert index.simplex_cosine == simplex_cosine(num_classes) == pytest.approx(-1 / (num_classes - 1))
    assert index.class_mean_cosine_std == pytest.approx(0.0, abs=1e-10)  # equiangular
    assert index.within_class_cosine == pytest.approx(1.0, abs=1e-10)  # every sample on its class mean


def test_collapse_index_of_spread_classes_with_random_means():
    """Class means small against the within-class spread: samples are far from their mean's
    direction (within-class cosine well below 1). The centred means of C iid isotropic
    vectors sum to 0, so their mean pairwise cosine is near -1/(C-1) here too: the class-
    mean cosine alone does not tell a simplex from random means, the within-class one does."""
    gen = torch.Generator().manual_seed(5)
    c, d, per = 10, 64, 200
    means = 0.3 * torch.randn(c, d, generator=gen)
    labels = torch.arange(c).repeat_interleave(per)
    x = means[labels] + torch.randn(c * per, d, generator=gen)
    index = collapse_index(x, labels)
    # a sample's cosine to its mean direction: |mean_c - centre| ~ 0.3 sqrt(d) against noise sqrt(d)
    assert index.within_class_cosine < 0.5
    assert -1 / (c - 1) - 0.1 < index.class_mean_cosine < 0.1
    # random directions in d = 64 are not equiangular: pairwise cosines spread by ~1/sqrt(d)
    assert index.class_mean_cosine_std > 0.5 / math.sqrt(d)
