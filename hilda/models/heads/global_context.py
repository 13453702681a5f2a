"""Global-context distillation: a learnable scene token against the teacher's CLS context.

Scene token = max over a sample's points of an MLP of the student point features, projected to the
teacher width; target = max over the sample's cameras of the teacher CLS tokens. Loss: MSE
(default) or another distance from ``hilda.losses.distill``.

Cost, with the same result: with ``PointFeatures`` (one row per voxel) the MLP runs once per distinct
voxel of each sample. Under autograd, only the rows that attain some channel's maximum receive
gradient through the max-pool, so the MLP first runs over all rows without autograd, then again,
recording, on those maximising rows only (at most ``hidden_channels`` per sample).
"""
from __future__ import annotations

import torch
from torch import nn

from hilda.losses.distill import build_distance
from hilda.models.heads.projector import MLPProjector
from hilda.registry import MODELS
from hilda.structures.point_features import PointFeatures


@MODELS.register_module()
class GlobalContextDistillation(nn.Module):
    def __init__(self, student_channels: int, teacher_channels: int, hidden_channels: int = 256, loss="mse"):
        super().__init__()
        self.point_mlp = nn.Sequential(nn.Linear(student_channels, hidden_channels), nn.LayerNorm(hidden_channels),
                                       nn.GELU(), nn.Linear(hidden_channels, hidden_channels))
        self.projector = MLPProjector(hidden_channels, teacher_channels, hidden_channels, num_layers=2)
        self.distance = build_distance(loss)

    def scene_tokens(self, point_feats: PointFeatures | torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """``(N, C)`` point features (or ``PointFeatures``), ``(B + 1,)`` offsets -> ``(B, C_teacher)``."""
        point_feats = PointFeatures.wrap(point_feats)
        batch = torch.repeat_interleave(torch.arange(len(offsets) - 1, device=offsets.device), offsets.diff())
        feats, sample, _ = point_feats.distinct(groups=batch)
        if torch.is_grad_enabled():
            with torch.no_grad():
                h = self.point_mlp(feats)
                maximising = (h == self._max_pool(h, sample, len(offsets) - 1)[sample]).any(1)
            feats, sample = feats[maximising], sample[maximising]
        return self.projector(self._max_pool(self.point_mlp(feats), sample, len(offsets) - 1))

    @staticmethod
    def _max_pool(h: torch.Tensor, sample: torch.Tensor, batch_size: int) -> torch.Tensor:
        pooled = h.new_full((batch_size, h.shape[1]), float("-inf"))
        return pooled.scatter_reduce(0, sample[:, None].expand_as(h), h, reduce="amax", include_self=True)

    @staticmethod
    def teacher_context(cls_tokens: torch.Tensor, num_cameras: int) -> torch.Tensor:
        """``(B * K, C)`` CLS tokens -> ``(B, C)`` max over each sample's cameras."""
        return cls_tokens.view(-1, num_cameras, cls_tokens.shape[-1]).amax(dim=1)

    def forward(self, point_feats, offsets, cls_tokens, num_cameras) -> dict[str, torch.Tensor]:
        pred = self.scene_tokens(point_feats, offsets)
        target = self.teacher_context(cls_tokens, num_cameras).to(pred.dtype).detach()
        return {"global": self.distance(pred, target).mean()}
