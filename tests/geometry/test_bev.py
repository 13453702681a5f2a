"""BEV scatter and non-ground occupancy on hand-made points."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hilda.geometry.bev import bev_cell_index, ground_mask, occupancy_bev, scatter_to_bev
from hilda.geometry.grid import VoxelGrid

# BEV 1 m cells: H = 4 rows along y in [-2, 2), W = 6 columns along x in [0, 6)
GRID = VoxelGrid((0.5, 0.5, 0.5), (0.0, -2.0, -3.0, 6.0, 2.0, 3.0))


def test_scatter_mean_max_and_out_of_range():
    xyz = torch.tensor([[0.5, -1.5, 0.0], [0.9, -1.1, 1.0],  # sample 0: both in row 0, col 0
                        [5.5, 1.5, 0.0],  # sample 0: row 3, col 5
                        [7.0, 0.0, 0.0], [1.0, 0.0, 3.5],  # outside x / z: dropped
                        [2.5, 0.5, 0.0]])  # sample 1: row 2, col 2
    offsets = torch.tensor([0, 5, 6])
    feats = torch.tensor([[1.0, -4.0], [3.0, -2.0], [5.0, 5.0], [100.0, 100.0], [100.0, 100.0], [7.0, -1.0]],
                         requires_grad=True)
    mean = scatter_to_bev(feats, xyz, offsets, GRID, 1.0, reduce="mean")
    assert mean.shape == (2, 2, 4, 6)
    assert torch.allclose(mean[0, :, 0, 0], torch.tensor([2.0, -3.0]))
    assert torch.allclose(mean[0, :, 3, 5], torch.tensor([5.0, 5.0]))
    assert torch.allclose(mean[1, :, 2, 2], torch.tensor([7.0, -1.0]))
    assert int((mean.abs().sum(1) > 0).sum()) == 3  # nothing else written, 100s dropped
    mx = scatter_to_bev(feats, xyz, offsets, GRID, 1.0, reduce="max")
    assert torch.allclose(mx[0, :, 0, 0], torch.tensor([3.0, -2.0]))
    assert mx.abs().max() < 100
    (mean.sum() + mx.sum()).backward()
    assert torch.all(feats.grad[[3, 4]] == 0)
    assert torch.allclose(feats.grad[0], torch.tensor([0.5, 0.5]))  # mean only: point 1 wins the max
    assert torch.allclose(feats.grad[1], torch.tensor([1.5, 1.5]))
    with pytest.raises(ValueError):
        scatter_to_bev(feats, xyz, offsets, GRID, 1.0, reduce="sum")


def test_cell_index_layout():
    xyz = torch.tensor([[0.1, -1.9, 0.0], [5.9, 1.9, 0.0], [0.1, -1.9, 0.0]])
    idx = bev_cell_index(xyz, torch.tensor([0, 2, 3]), GRID, 1.0)
    assert idx.tolist() == [0, 3 * 6 + 5, 24]  # (b * H + row) * W + col


def _sloped_scene(seed=0, slope=(0.05, 0.03)):
    """Ground ``z = -1.8 + sx * x + sy * y`` over [-20, 20]^2 (hidden under the box) plus a box
    x 4..6, y 6..8 (one whole 2 m coarse cell) from 0.3 m to 1.8 m above the ground."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-20, 20, (6000, 2))
    xy = xy[~((xy[:, 0] > 4) & (xy[:, 0] < 6) & (xy[:, 1] > 6) & (xy[:, 1] < 8))]
    plane = lambda p: -1.8 + slope[0] * p[:, 0] + slope[1] * p[:, 1]  # noqa: E731
    ground = np.c_[xy, plane(xy) + rng.normal(0, 0.02, len(xy))]
    bxy = rng.uniform((4.0, 6.0), (6.0, 8.0), (800, 2))
    box = np.c_[bxy, plane(bxy) + rng.uniform(0.3, 1.8, len(bxy))]
    return torch.from_numpy(np.concatenate([ground, box])).float(), len(ground)


@pytest.mark.parametrize("slope", [(0.0, 0.0), (0.05, 0.03)])
def test_ground_envelope_on_slope_keeps_box(slope):
    grid = VoxelGrid((0.5, 0.5, 0.5), (-20.0, -20.0, -5.0, 20.0, 20.0, 3.0))
    xyz, n_ground = _sloped_scene(slope=slope)
    offsets = torch.tensor([0, len(xyz)])
    mask = ground_mask(xyz, offsets, grid)
    assert mask[:n_ground].float().mean() > 0.995
    height = xyz[n_ground:, 2] - (-1.8 + slope[0] * xyz[n_ground:, 0] + slope[1] * xyz[n_ground:, 1])
    assert not mask[n_ground:][height > 0.5].any()  # the cone allowance may eat the lowest few cm only
    assert mask[n_ground:].float().mean() < 0.05
    occ = occupancy_bev(xyz, offsets, grid, 1.0)
    assert occ.shape == (1, 1, 40, 40)
    rows, cols = torch.nonzero(occ[0, 0] > 0, as_tuple=True)
    assert rows.min() >= 26 and rows.max() <= 27 and cols.min() >= 24 and cols.max() <= 25  # y 6..8, x 4..6
    assert occ.sum() >= 4
    # a height threshold matches on flat ground but keeps the high end of a sloped road
    naive = occupancy_bev(xyz, offsets, grid, 1.0, ground=dict(mode="height", height=-1.5))
    if slope[0]:
        assert naive.sum() > occ.sum() + 50
    else:
        assert torch.equal(naive, occ)


def test_ground_per_sample_and_options():
    grid = VoxelGrid((0.5, 0.5, 0.5), (-20.0, -20.0, -5.0, 20.0, 20.0, 3.0))
    xyz, n = _sloped_scene()
    lifted = xyz.clone()
    lifted[:, 2] += 1.0  # sample 1 is the same scene 1 m higher: its ground must not use sample 0's
    both = torch.cat([xyz, lifted])
    offsets = torch.tensor([0, len(xyz), 2 * len(xyz)])
    occ = occupancy_bev(both, offsets, grid, 1.0)
    assert torch.equal(occ[0], occ[1])
    assert occupancy_bev(xyz, torch.tensor([0, len(xyz)]), grid, 1.0, ground=dict(mode="none")).sum() > 1000
    empty = occupancy_bev(torch.zeros(0, 3), torch.tensor([0, 0]), grid, 1.0)
    assert empty.shape == (1, 1, 40, 40) and empty.sum() == 0
    with pytest.raises(ValueError):
        ground_mask(xyz, offsets[:2], grid, dict(margn=0.3))
    with pytest.raises(ValueError):
        ground_mask(xyz, offsets[:2], grid, dict(mode="ransac"))
