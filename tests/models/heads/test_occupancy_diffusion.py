"""Diffusion schedule, DDIM sampler, BEV U-Net and the occupancy diffusion head (CPU, small grids)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hilda.models.heads.bev_unet import BEVUNet
from hilda.models.heads.ddpm import DiffusionSchedule
from hilda.models.heads.occupancy_diffusion import OccupancyDiffusionHead
from hilda.registry import MODELS
from hilda.structures.point_batch import PointBatch

# 0.8 m cells over 25.6 m: a 32 x 32 BEV
HEAD_CFG = dict(type="OccupancyDiffusionHead", in_channels=8, voxel_size=(0.4, 0.4, 0.5),
                point_cloud_range=(-12.8, -12.8, -3.0, 12.8, 12.8, 3.0), bev_cell_size=0.8,
                cond_channels=8, base_channels=16, channel_mults=(1, 2), num_steps=100, bce_weight=0.5)


@pytest.mark.parametrize("schedule", ["cosine", "linear"])
def test_schedule_round_trip_and_monotone(schedule):
    sched = DiffusionSchedule(1000, schedule)
    ac = sched.alphas_cumprod
    assert ac.shape == (1000,) and torch.all(ac[1:] < ac[:-1]) and 0 < ac[-1] < ac[0] < 1
    x0 = torch.rand(6, 1, 5, 7, dtype=torch.float64) * 2 - 1
    noise = torch.randn_like(x0)
    t = torch.tensor([0, 1, 250, 500, 998, 999])
    x_t = sched.q_sample(x0, t, noise)
    assert torch.allclose(sched.predict_x0(x_t, t, noise), x0, atol=1e-6)
    assert torch.allclose(sched.predict_eps(x_t, t, x0), noise, atol=1e-6)
    assert torch.allclose(sched.predict_x0(x_t.float(), t, noise.float()), x0.float(), atol=0.05)
    assert sched.ddim_timesteps(10)[0] == 999 and sched.ddim_timesteps(10)[-1] == 0
    assert len(sched.ddim_timesteps(10)) == 10


def test_v_parametrisation_round_trip():
    sched = DiffusionSchedule(1000, "cosine")
    x0, noise, t = torch.rand(4, 1, 3, 3) * 2 - 1, torch.randn(4, 1, 3, 3), torch.tensor([0, 400, 900, 999])
    x_t = sched.q_sample(x0, t, noise)
    eps, x0_hat = sched.split(x_t, t, sched.v_target(x0, t, noise), "v")
    assert torch.allclose(eps, noise, atol=1e-5) and torch.allclose(x0_hat, x0, atol=1e-5)
    with pytest.raises(ValueError):
        sched.split(x_t, t, noise, "x0")


@pytest.mark.parametrize("eta,prediction", [(0.0, "eps"), (1.0, "eps"), (0.0, "v"), (1.0, "v")])
def test_ddim_with_perfect_denoiser_recovers_x0(eta, prediction):
    sched = DiffusionSchedule(1000, "cosine")
    x0 = (torch.rand(2, 1, 8, 9) > 0.7).float() * 2 - 1

    def perfect(x_t, t, cond):  # the true noise (or velocity) of x_t given the known x0
        eps = sched.predict_eps(x_t, t, x0)
        return eps if prediction == "eps" else sched.v_target(x0, t, eps)

    out = sched.ddim_sample(perfect, torch.zeros(2, 3, 8, 9), x0.shape, steps=10, eta=eta,
                            generator=torch.Generator().manual_seed(0), prediction=prediction)
    assert torch.allclose(out, x0, atol=1e-4)


def test_unet_odd_shapes():
    net = BEVUNet(cond_channels=5, base_channels=8, channel_mults=(1, 2, 4))
    out = net(torch.randn(2, 1, 13, 22), torch.tensor([3, 70]), torch.randn(2, 5, 13, 22))
    assert out.shape == (2, 1, 13, 22) and torch.isfinite(out).all()


def _scene(seed: int, shift: float) -> np.ndarray:
    """Flat ground (z = -1.8) plus two boxes moving along +x by ``shift``; columns x, y, z, i, t."""
    rng = np.random.default_rng(seed)
    ground = np.c_[rng.uniform(-12, 12, (1500, 2)), np.full(1500, -1.8)]
    boxes = [np.c_[rng.uniform((cx + shift, cy), (cx + shift + 3, cy + 1.6), (200, 2)), rng.uniform(-1.2, 0, 200)]
             for cx, cy in ((-8.0, -5.0), (2.0, 4.0))]
    xyz = np.concatenate([ground, *boxes])
    return np.c_[xyz, rng.uniform(0, 1, (len(xyz), 2))].astype(np.float32)


def _batch(shifts, seed=0) -> PointBatch:
    clouds = [_scene(seed + b, s) for b, s in enumerate(shifts)]
    offsets = torch.tensor(np.concatenate([[0], np.cumsum([len(c) for c in clouds])]))
    return PointBatch(torch.from_numpy(np.concatenate(clouds)), offsets)


@pytest.fixture()
def inputs():
    prev, t0, nxt = _batch([0.0, 0.5]), _batch([1.0, 1.5], seed=10), _batch([2.0, 2.5], seed=20)
    gen = torch.Generator().manual_seed(0)
    feat_t0 = torch.randn(len(t0.points), 8, generator=gen, requires_grad=True)
    feat_prev = torch.randn(len(prev.points), 8, generator=gen, requires_grad=True)
    return feat_t0, t0, feat_prev, prev, nxt


@pytest.mark.parametrize("prediction", ["v", "eps"])
def test_head_registered_target_and_gradients(inputs, prediction):
    torch.manual_seed(0)
    head = MODELS.build(dict(HEAD_CFG, prediction=prediction))
    assert isinstance(head, OccupancyDiffusionHead) and head.bev_shape == (32, 32)
    occ = head.target(inputs[-1])
    assert occ.shape == (2, 1, 32, 32) and set(occ.unique().tolist()) == {0.0, 1.0}
    assert 8 <= occ[0].sum() <= 40  # two 3 x 1.6 m boxes, no ground
    out = head(*inputs)
    assert set(out) == {"loss_noise", "loss_bce", "loss"}
    assert torch.allclose(out["loss"], out["loss_noise"] + 0.5 * out["loss_bce"])
    out["loss"].backward()
    for feat in (inputs[0], inputs[2]):
        assert torch.isfinite(feat.grad).all() and feat.grad.abs().sum() > 0


def test_head_noise_loss_decreases(inputs):
    torch.manual_seed(0)
    head = MODELS.build(HEAD_CFG)
    feat_t0, t0, feat_prev, prev, nxt = inputs
    opt = torch.optim.Adam([*head.parameters(), feat_t0, feat_prev], lr=2e-3)
    losses = []
    for _ in range(60):  # a fixed batch and a fixed (t, noise) draw: a fixed objective
        out = head(feat_t0, t0, feat_prev, prev, nxt, generator=torch.Generator().manual_seed(1))
        opt.zero_grad()
        out["loss"].backward()
        opt.step()
        losses.append(out["loss_noise"].item())
    assert np.isfinite(losses).all() and np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


def test_head_forecast_and_determinism(inputs):
    torch.manual_seed(0)
    head = MODELS.build(HEAD_CFG)
    feat_t0, t0, feat_prev, prev, nxt = inputs
    prob = head.forecast(feat_t0, t0, feat_prev, prev, steps=4, generator=torch.Generator().manual_seed(3))
    assert prob.shape == (2, 1, 32, 32) and prob.min() >= 0 and prob.max() <= 1
    again = head.forecast(feat_t0, t0, feat_prev, prev, steps=4, generator=torch.Generator().manual_seed(3))
    assert torch.equal(prob, again)
    torch.manual_seed(5)
    a = head(*inputs)["loss"]
    torch.manual_seed(5)
    b = head(*inputs)["loss"]
    c = head(*inputs)["loss"]
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_condition_from_voxel_rows_equals_condition_from_points(inputs):
    """Projecting once per voxel row (``PointFeatures``) gives the per-point condition, including the
    projected zero feature of points outside the grid."""
    from hilda.structures.point_features import PointFeatures

    head = MODELS.build(HEAD_CFG)
    _, t0, _, prev, _ = inputs
    gen = torch.Generator().manual_seed(3)
    voxel = [PointFeatures(torch.randn(50, 8, generator=gen), torch.randint(-1, 50, (len(p.points),), generator=gen))
             for p in (t0, prev)]
    by_voxel = head.condition(voxel[0], t0, voxel[1], prev)
    by_point = head.condition(voxel[0].gather(), t0, voxel[1].gather(), prev)
    assert torch.allclose(by_voxel, by_point, atol=1e-6) and by_voxel.abs().sum() > 0
