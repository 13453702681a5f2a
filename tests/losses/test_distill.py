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
