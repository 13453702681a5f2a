"""``OccupancyDiffusionHead``: temporal occupancy diffusion (DESIGN.md §1).

Student point features of ``t-1`` and ``t0`` (both already in the ``t0`` LiDAR frame) are projected
to ``cond_channels`` by one shared linear layer, scattered to the BEV grid and concatenated along
channels, ``[prev, t0]``: the ``(B, 2 * cond_channels, H, W)`` condition of a ``BEVUNet`` that
denoises the binary non-ground BEV occupancy of ``t+1``, mapped to ``x0 in {-1, +1}``.

The U-Net output is, by default, the velocity ``v = sqrt(a_t) * eps - sqrt(1 - a_t) * x0``
(``prediction="v"``; ``"eps"`` predicts the noise directly); both give the noise ``eps_hat`` and
the clean map ``x0_hat`` (``DiffusionSchedule.split``). Why ``v``: with ``eps`` the clean map is
``(x_t - sqrt(1 - a_t) * eps_hat) / sqrt(a_t)``, hopeless where ``a_t -> 0`` (the cosine schedule
ends at ``a ~ 1e-9``), so high-noise steps never learn to read the future from the condition and
few-step DDIM forecasts collapse; with ``v`` the high-noise output *is* ``-x0``.

Losses (per batch, random ``t`` per sample):

- ``loss_noise``: MSE between ``eps_hat`` and the true noise.
- ``loss_bce``: occupancy reconstruction, BCE-with-logits (stable for any magnitude) of the logit
  ``logit_scale * x0_hat`` (``x0 = +-1`` <-> probability ``sigmoid(+-logit_scale)``). Per sample it
  is weighted by ``w_t`` = 1 for ``"v"`` and ``sqrt(a_t)`` for ``"eps"``, which bounds its gradient in
  the U-Net output by ``logit_scale * sqrt(1 - a_t)`` per cell (unweighted ``eps`` would multiply it
  by ``1 / sqrt(a_t)``, up to ~3e4).
- ``loss = loss_noise + bce_weight * loss_bce``.

:meth:`forecast` samples with DDIM and returns ``sigmoid(logit_scale * x0)``, the same probability.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from hilda.geometry.bev import ground_config, occupancy_bev, scatter_to_bev
from hilda.geometry.grid import VoxelGrid
from hilda.models.heads.bev_unet import BEVUNet
from hilda.models.heads.ddpm import PREDICTIONS, DiffusionSchedule
from hilda.registry import MODELS
from hilda.structures.point_batch import PointBatch
from hilda.structures.point_features import PointFeatures


@MODELS.register_module()
class OccupancyDiffusionHead(nn.Module):
    """Args:
        in_channels: width of the student point features.
        voxel_size, point_cloud_range: the voxel grid; the BEV covers its x/y range.
        bev_cell_size: BEV cell edge in metres (``(H, W) = grid.bev_shape(bev_cell_size)``).
        cond_channels: projected feature channels per frame (the condition has twice as many).
        base_channels, channel_mults: ``BEVUNet`` widths / levels.
        num_steps, schedule: ``DiffusionSchedule`` (``"cosine"`` or ``"linear"``).
        bce_weight: lambda of the occupancy reconstruction term.
        logit_scale: ``x0_hat -> logit`` scale of the BCE (and of ``forecast``'s probabilities).
        prediction: U-Net output, ``"v"`` (velocity) or ``"eps"`` (noise).
        reduce: ``"mean"`` or ``"max"`` pooling of point features per BEV cell.
        ground: ground-removal options for the target (``hilda.geometry.bev.GROUND_DEFAULTS``).
    """

    def __init__(self, in_channels: int, voxel_size, point_cloud_range, bev_cell_size: float = 0.8,
                 cond_channels: int = 32, base_channels: int = 32, channel_mults=(1, 2, 4),
                 num_steps: int = 1000, schedule: str = "cosine", bce_weight: float = 1.0,
                 logit_scale: float = 5.0, prediction: str = "v", reduce: str = "mean",
                 ground: dict | None = None):
        super().__init__()
        self.grid = VoxelGrid(tuple(voxel_size), tuple(point_cloud_range))
        self.cell_size = float(bev_cell_size)
        self.bev_shape = self.grid.bev_shape(self.cell_size)
        self.bce_weight, self.logit_scale, self.reduce = float(bce_weight), float(logit_scale), reduce
        if prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {PREDICTIONS}, got {prediction!r}")
        self.prediction = prediction
        self.ground = ground_config(ground)
        self.project = nn.Linear(in_channels, cond_channels)
        self.schedule = DiffusionSchedule(num_steps, schedule)
        self.denoiser = BEVUNet(2 * cond_channels, base_channels, tuple(channel_mults))

    def condition(self, feat_t0: PointFeatures | torch.Tensor, points_t0: PointBatch,
                  feat_prev: PointFeatures | torch.Tensor, points_prev: PointBatch) -> torch.Tensor:
        """``(B, 2 * cond_channels, H, W)``: projected BEV features of ``t-1`` then ``t0``."""
        if points_t0.batch_size != points_prev.batch_size:
            raise ValueError(f"t0 has {points_t0.batch_size} samples, t-1 has {points_prev.batch_size}")
        maps = [scatter_to_bev(self._project(feat), pts.points[:, :3], pts.offsets, self.grid, self.cell_size,
                               self.reduce) for feat, pts in ((feat_prev, points_prev), (feat_t0, points_t0))]
        return torch.cat(maps, dim=1)

    def _project(self, feats: PointFeatures | torch.Tensor) -> torch.Tensor:
        """``(N, cond_channels)`` projected point features, computed once per distinct voxel row."""
        rows, _, inverse = PointFeatures.wrap(feats).distinct()
        return self.project(rows)[inverse]

    @torch.no_grad()
    def target(self, next_points: PointBatch) -> torch.Tensor:
        """``(B, 1, H, W)`` float {0, 1}: non-ground occupancy of ``t+1`` (already in the ``t0`` frame)."""
        return occupancy_bev(next_points.points[:, :3], next_points.offsets, self.grid, self.cell_size, self.ground)

    def forward(self, feat_t0: torch.Tensor, points_t0: PointBatch, feat_prev: torch.Tensor,
                points_prev: PointBatch, next_points: PointBatch,
                generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Losses ``loss_noise``, ``loss_bce`` and ``loss`` (scalars).

        ``feat_t0`` ``(N0, in_channels)`` rows of ``points_t0.points``, ``feat_prev`` ``(N1, in_channels)``
        rows of ``points_prev.points`` (tensors or ``PointFeatures``). ``t`` and the noise come from
        ``generator`` (on the inputs' device) or the global torch RNG.
        """
        cond = self.condition(feat_t0, points_t0, feat_prev, points_prev)
        if next_points.batch_size != cond.shape[0]:
            raise ValueError(f"t+1 has {next_points.batch_size} samples, t0 has {cond.shape[0]}")
        # the diffusion arithmetic stays in (at least) float32 under autocast
        occ = self.target(next_points).to(device=cond.device, dtype=torch.promote_types(cond.dtype, torch.float32))
        x0 = occ * 2.0 - 1.0
        t = torch.randint(0, self.schedule.num_steps, (x0.shape[0],), generator=generator, device=x0.device)
        noise = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
        x_t = self.schedule.q_sample(x0, t, noise)
        eps_hat, x0_hat = self.schedule.split(x_t, t, self.denoiser(x_t, t, cond), self.prediction)
        loss_noise = F.mse_loss(eps_hat, noise)
        bce = F.binary_cross_entropy_with_logits(self.logit_scale * x0_hat, occ, reduction="none").mean((1, 2, 3))
        weight = self.schedule.alphas_cumprod[t].to(bce.dtype).sqrt() if self.prediction == "eps" else 1.0
        loss_bce = (weight * bce).mean()
        return dict(loss_noise=loss_noise, loss_bce=loss_bce, loss=loss_noise + self.bce_weight * loss_bce)

    @torch.no_grad()
    def forecast(self, feat_t0: torch.Tensor, points_t0: PointBatch, feat_prev: torch.Tensor,
                 points_prev: PointBatch, steps: int = 10, eta: float = 0.0,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """``(B, 1, H, W)`` occupancy probabilities of ``t+1`` sampled with ``steps`` DDIM steps."""
        cond = self.condition(feat_t0, points_t0, feat_prev, points_prev)
        shape = (cond.shape[0], 1, *self.bev_shape)
        x0 = self.schedule.ddim_sample(self.denoiser, cond, shape, steps=steps, eta=eta, generator=generator,
                                       prediction=self.prediction)
        return torch.sigmoid(self.logit_scale * x0)
