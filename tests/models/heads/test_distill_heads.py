"""Multi-layer and global-context distillation heads."""
from __future__ import annotations

import torch

from hilda.models.heads.global_context import GlobalContextDistillation
from hilda.models.heads.multilayer_distill import MultiLayerDistillation
from hilda.models.teachers.sampling import sample_features
from hilda.structures.batch import PairBatch

W, H, PATCH = 64, 32, 8  # image (W, H), patch grid 8 x 4


def _pairs(n_images: int, n_points: int, seed: int = 0) -> PairBatch:
    g = torch.Generator().manual_seed(seed)
    cam = torch.randint(0, n_images, (n_points,), generator=g)
    uv = torch.rand(n_points, 2, generator=g) * torch.tensor([W - 1.0, H - 1.0])
    return PairBatch(torch.arange(n_points), cam, uv, torch.ones(n_points))


def _identity_head(channels: int, pairs) -> MultiLayerDistillation:
    head = MultiLayerDistillation({3: channels, 2: channels}, channels, pairs, loss="cosine", num_layers=1)
    with torch.no_grad():
        for proj in head.projectors:
            proj[0].weight.copy_(torch.eye(channels))
            proj[0].bias.zero_()
    return head


def test_multilayer_loss_zero_for_student_that_reproduces_the_teacher():
    torch.manual_seed(0)
    c, n = 16, 300
    layers = [torch.randn(2, c, H // PATCH, W // PATCH) for _ in range(2)]
    pairs = _pairs(2, n)
    head = _identity_head(c, [dict(student_stage=3, teacher_layer=1), dict(student_stage=2, teacher_layer=0, weight=0.5)])
    perfect = {3: sample_features(layers[1], pairs.camera_index, pairs.uv, (W, H)),
               2: sample_features(layers[0], pairs.camera_index, pairs.uv, (W, H))}
    losses = head(perfect, layers, pairs, (W, H))
    assert losses["distill"] < 1e-5 and set(losses) == {"distill_s3_t1", "distill_s2_t0", "distill"}
    wrong = {k: torch.randn(n, c, requires_grad=True) for k in (2, 3)}
    losses = head(wrong, layers, pairs, (W, H))
    assert losses["distill_s3_t1"] > 0.5 and losses["distill_s2_t0"] > 0.5
    assert torch.isclose(losses["distill"], losses["distill_s3_t1"] + 0.5 * losses["distill_s2_t0"])
    losses["distill"].backward()
    assert all(wrong[k].grad.abs().sum() > 0 for k in (2, 3))


def test_points_without_pairs_contribute_nothing():
    torch.manual_seed(1)
    layers = [torch.randn(2, 8, H // PATCH, W // PATCH)]
    pairs = _pairs(2, 50)
    head = MultiLayerDistillation({3: 8}, 8, [dict(student_stage=3, teacher_layer=0)])
    feats = torch.randn(80, 8, requires_grad=True)  # points 50..79 have no pair
    head({3: feats}, layers, pairs, (W, H))["distill"].backward()
    assert feats.grad[:50].abs().sum() > 0 and feats.grad[50:].abs().sum() == 0


def test_global_context_target_and_minimisation():
    torch.manual_seed(0)
    cls = torch.randn(2 * 6, 16)
    target = GlobalContextDistillation.teacher_context(cls, 6)
    assert torch.equal(target[1], cls[6:].amax(0))
    head = GlobalContextDistillation(8, 16, hidden_channels=32)
    feats = torch.randn(100, 8, requires_grad=True)
    offsets = torch.tensor([0, 40, 100])
    first = head(feats, offsets, cls, 6)["global"]
    first.backward()
    assert first > 0 and feats.grad.abs().sum() > 0
    opt = torch.optim.Adam(head.parameters(), lr=1e-2)
    for _ in range(200):
        opt.zero_grad()
        loss = head(feats.detach(), offsets, cls, 6)["global"]
        loss.backward()
        opt.step()
    assert loss < 0.01 * first.detach()


def _voxel_features(n_points: int, n_voxels: int, channels: int, seed: int):
    from hilda.structures.point_features import PointFeatures

    g = torch.Generator().manual_seed(seed)
    table = torch.randn(n_voxels, channels, generator=g).requires_grad_()
    return PointFeatures(table, torch.randint(-1, n_voxels, (n_points,), generator=g))


def test_voxel_level_heads_equal_point_level_heads_values_and_gradients():
    """Projecting once per voxel (pooled distances, max-pool over the maximising rows) gives the
    same losses and gradients as running the heads on every point / pair."""
    torch.manual_seed(0)
    c, n = 16, 300
    layers = [torch.randn(2, c, H // PATCH, W // PATCH) for _ in range(2)]
    pairs = _pairs(2, n, seed=3)
    pairs.point_index = torch.randint(0, 120, (n,), generator=torch.Generator().manual_seed(4))
    feats = {3: _voxel_features(120, 25, c, 5), 2: _voxel_features(120, 9, c, 6)}
    ml = MultiLayerDistillation({3: c, 2: c}, c, [dict(student_stage=3, teacher_layer=1),
                                                  dict(student_stage=2, teacher_layer=0, weight=0.5)])
    gc = GlobalContextDistillation(c, c, hidden_channels=32)
    cls, offsets = torch.randn(2 * 6, c), torch.tensor([0, 50, 120])

    def run(dense: bool):
        inputs = {k: f.gather() if dense else f for k, f in feats.items()}
        loss = ml(inputs, layers, pairs, (W, H))["distill"] + gc(inputs[3], offsets, cls, 6)["global"]
        params = [f.table for f in feats.values()] + list(ml.parameters()) + list(gc.parameters())
        return loss, torch.autograd.grad(loss, params)

    (voxel_loss, voxel_grads), (point_loss, point_grads) = run(dense=False), run(dense=True)
    assert torch.allclose(voxel_loss, point_loss, rtol=1e-5)
    for a, b in zip(voxel_grads, point_grads):
        assert torch.allclose(a, b, atol=1e-5)
    assert all(g.abs().sum() > 0 for g in voxel_grads[:2])
