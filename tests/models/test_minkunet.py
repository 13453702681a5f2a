"""MinkUNet students: registry layouts, shapes, gradients, batch independence, devoxelisation."""
from __future__ import annotations

import pytest
import torch

from hilda.models.students.minkunet import lookup_coarse
from hilda.registry import MODELS
from tests.models.helpers import random_points, voxelize_batch


@pytest.fixture(scope="module")
def clouds():
    return [random_points(1500, seed=1, outside=7), random_points(900, seed=2, outside=3)]


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return MODELS.build(dict(type="MinkUNet34", in_channels=5, out_stages=(1, 2, 3)))


def test_layouts_through_the_registry():
    m18 = MODELS.build(dict(type="MinkUNet18", in_channels=4))
    m34 = MODELS.build(dict(type="MinkUNet34", in_channels=5, out_stages=(-2, -1)))
    assert [len(stage) for stage in m18.encoder] == [2, 2, 2, 2]
    assert [len(stage) for stage in m34.encoder] == [2, 3, 4, 6]
    assert [len(stage) for stage in m34.decoder] == [2, 2, 2, 2]
    assert m34.out_stages == (2, 3) and m34.out_channels == {2: 96, 3: 96}
    assert m18.out_channels == {3: 96}
    assert 37e6 < sum(p.numel() for p in m34.parameters()) < 39e6  # the usual ~37.9 M of MinkUNet34
    with pytest.raises(ValueError, match="out_stages"):
        MODELS.build(dict(type="MinkUNet34", out_stages=(4,)))


def test_forward_backward_shapes_and_gradients(model, clouds):
    batch = voxelize_batch(clouds)
    model.train()
    out = model(batch)
    n = batch.points.shape[0]
    assert out.points.shape == (n, 96)
    assert {j: f.shape for j, f in out.stages.items()} == {1: (n, 128), 2: (n, 96), 3: (n, 96)}
    assert out.points is out.stages[3]
    assert torch.equal(out.voxels.indices, batch.voxels.coords)
    outside = batch.voxels.point2voxel < 0
    assert outside.sum() == 10
    for feats in out.stages.values():
        assert torch.all(feats[outside] == 0) and feats[~outside].abs().sum(1).gt(0).float().mean() > 0.5
    loss = sum((f * torch.randn_like(f)).sum() for f in out.stages.values())
    model.zero_grad()
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert sum(bool(p.grad.abs().sum() > 0) for p in model.parameters()) == len(list(model.parameters()))


def test_batch_equals_samples_one_by_one(model, clouds):
    model.train()
    with torch.no_grad():  # give BN non-trivial running statistics first
        model(voxelize_batch(clouds))
    model.eval()
    with torch.no_grad():
        joint = model(voxelize_batch(clouds))
        alone = [model(voxelize_batch([c])) for c in clouds]
    split = voxelize_batch(clouds).split
    for j in joint.stages:
        pieces = split(joint.stages[j])
        assert len(pieces) == 2
        for piece, single in zip(pieces, alone):
            assert piece.abs().max() > 0
            assert torch.allclose(piece, single.stages[j], atol=1e-4)


def test_input_checks(model, clouds):
    batch = voxelize_batch(clouds)
    batch.voxels.feats = batch.voxels.feats[:, :4]
    with pytest.raises(ValueError, match="channels"):
        model(batch)
    batch.voxels = None
    with pytest.raises(ValueError, match="voxelised"):
        model(batch)


def test_lookup_coarse_matches_brute_force():
    class Coarse:  # the two attributes of a SparseConvTensor that the lookup reads
        spatial_shape = [3, 4, 5]
        indices = torch.tensor([[0, 0, 1, 2], [1, 2, 3, 4], [0, 1, 0, 0], [1, 0, 0, 0]], dtype=torch.int32)

    fine = torch.tensor([[0, 1, 2, 5], [1, 5, 7, 9], [0, 2, 1, 1], [1, 1, 1, 1], [0, 5, 5, 5], [1, 0, 0, 2]])
    rows = lookup_coarse(fine, Coarse, stride=2)
    expected = [next((r for r, c in enumerate(Coarse.indices.tolist())
                      if c == [f[0], f[1] // 2, f[2] // 2, f[3] // 2]), -1) for f in fine.tolist()]
    assert rows.tolist() == expected == [0, 1, 2, 3, -1, -1]
