"""PointFeatures: per-point features held once per voxel."""
from __future__ import annotations

import torch

from hilda.structures.point_features import PointFeatures


def _features(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    table = torch.randn(20, 6, generator=g)
    rows = torch.randint(-1, 20, (200,), generator=g)  # -1 = point outside the grid
    return PointFeatures(table, rows)


def test_gather_takes_the_voxel_row_and_zeros_outside_the_grid():
    pf = _features()
    dense = pf.gather()
    inside = pf.rows >= 0
    assert torch.equal(dense[inside], pf.table[pf.rows[inside]])
    assert dense[~inside].abs().sum() == 0 and (~inside).any()
    index = torch.tensor([5, 0, 5, 199])
    assert torch.equal(pf.gather(index), dense[index])


def test_distinct_rows_rebuild_every_point_and_are_distinct():
    pf = _features(1)
    index = torch.randint(0, 200, (500,), generator=torch.Generator().manual_seed(2))
    feats, group, inverse = pf.distinct(index)
    assert group is None
    assert torch.equal(feats[inverse], pf.gather(index))
    assert len(feats) == len(torch.unique(pf.rows[index])) < len(index)


def test_distinct_keeps_groups_apart():
    pf = PointFeatures(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, -1, 0, -1, 2]))
    groups = torch.tensor([0, 0, 0, 1, 1, 1])
    feats, group, inverse = pf.distinct(groups=groups)
    assert torch.equal(feats[inverse], pf.gather())
    # sample 0 owns rows {0, 1, zero}, sample 1 rows {0, 2, zero}: the shared ones appear per sample
    assert sorted(group.tolist()) == [0, 0, 0, 1, 1, 1]
    assert torch.equal(group[inverse], groups)


def test_from_dense_is_the_identity_layout():
    x = torch.randn(7, 3)
    pf = PointFeatures.wrap(x)
    assert torch.equal(pf.gather(), x) and PointFeatures.wrap(pf) is pf and len(pf) == 7
