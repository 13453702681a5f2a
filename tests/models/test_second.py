"""SecondBackbone: BEV shape from the grid, gradients, checks."""
from __future__ import annotations

import pytest
import torch

from hilda.registry import MODELS
from tests.models.helpers import GRID, random_points, voxelize_batch


def test_bev_shape_and_gradients():
    torch.manual_seed(0)
    model = MODELS.build(dict(type="SecondBackbone", in_channels=5, sparse_shape=GRID.spatial_shape,
                              out_padding_z=1))
    assert GRID.spatial_shape == (16, 64, 64)
    # z: 16 -> 8 -> 4 -> 2 after three stride-2 stages, then (2 + 2 - 3) // 2 + 1 = 1
    assert model.bev_channels == 128 and model.bev_shape == (8, 8) and model.stride == 8
    batch = voxelize_batch([random_points(1200, seed=3), random_points(800, seed=4, outside=2)])
    out = model(batch)
    assert out.bev.shape == (2, 128, 8, 8) and out.stride == 8
    assert GRID.bev_shape(GRID.voxel_size[0] * out.stride) == out.bev.shape[2:]
    (out.bev * torch.randn_like(out.bev)).sum().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name


def test_default_nuscenes_grid_and_checks():
    model = MODELS.build(dict(type="SecondBackbone", sparse_shape=(40, 1024, 1024)))
    assert model.bev_channels == 256 and model.bev_shape == (128, 128)  # 40 -> 20 -> 10 -> 5 -> 2 z cells
    with pytest.raises(ValueError, match="z cells"):
        MODELS.build(dict(type="SecondBackbone", sparse_shape=GRID.spatial_shape))
    with pytest.raises(ValueError, match="grid"):
        model(voxelize_batch([random_points(100, seed=5)]))
