"""Distillation distances: zero for a perfect student, positive otherwise."""
from __future__ import annotations

import pytest
import torch

from hilda.losses.distill import build_distance


@pytest.mark.parametrize("name", ["cosine", "l2", "mse", "kl"])
def test_zero_for_identical_features_positive_otherwise(name):
    torch.manual_seed(0)
    target = torch.randn(64, 32)
    d = build_distance(name)
    assert d(target.clone(), target).abs().max() < 1e-5
    other = torch.randn(64, 32)
    assert (d(other, target) > 1e-3).all()


def test_cosine_and_l2_ignore_scale_mse_does_not():
    target = torch.randn(16, 8)
    assert build_distance("cosine")(3 * target, target).abs().max() < 1e-5
    assert build_distance("l2")(3 * target, target).abs().max() < 1e-5
    assert (build_distance("mse")(3 * target, target) > 0.1).all()
    assert torch.allclose(build_distance("cosine")(-target, target), torch.full((16,), 2.0))


def test_kl_temperature_from_config_and_unknown_name():
    d = build_distance(dict(type="KLDistance", temperature=1.0))
    assert d.temperature == 1.0
    with pytest.raises(ValueError, match="unknown distillation loss 'huber'"):
        build_distance("huber")


@pytest.mark.parametrize("loss", ["cosine", "l2", "mse", "kl"])
def test_pooled_form_equals_the_sum_over_pairs_with_gradients(loss):
    from hilda.losses.distill import pooled_distance

    torch.manual_seed(0)
    d = build_distance(loss)
    pred = torch.randn(30, 16, requires_grad=True)
    inverse = torch.randint(0, 30, (400,))  # many pairs share one prediction; some rows have none
    targets = torch.randn(400, 16) * 2 + 0.5
    pooled = pooled_distance(d, pred, targets, inverse)
    naive = d(pred[inverse], targets).sum()
    assert torch.allclose(pooled, naive, rtol=1e-5)
    g_pooled, = torch.autograd.grad(pooled, pred)
    g_naive, = torch.autograd.grad(naive, pred)
    assert torch.allclose(g_pooled, g_naive, atol=1e-4)
