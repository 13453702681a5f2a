"""Global-context distillation: a learnable scene token against the teacher's CLS context.

Scene token = max over a sample's points of an MLP of the student point features, projected to the
teacher width; target = max over the sample's cameras of the teacher CLS tokens. Loss: MSE
(default) or another distance from ``hilda.losses.distill``.
"""
from __future__ import annotations

import torch
from torch import nn

from hilda.losses.distill import build_distance
from hilda.models.heads.projector import MLPProjector
from hilda.registry import MODELS


@MODELS.register_module()
class GlobalContextDistillation(nn.Module):
    def __init__(self, student_channels: int, teacher_channels: int, hidden_channels: int = 256, loss="mse"):
        super().__init__()
        self.point_mlp = nn.Sequential(nn.Linear(student_channels, hidden_channels), nn.LayerNorm(hidden_channels),
                                       nn.GELU(), nn.Linear(hidden_channels, hidden_channels))
        self.projector = MLPProjector(hidden_channels, teacher_channels, hidden_channels, num_layers=2)
        self.distance = build_distance(loss)

    def scene_tokens(self, point_feats: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """``(N, C)`` point features, ``(B + 1,)`` offsets -> ``(B, C_teacher)``."""
        h = self.point_mlp(point_feats)
        batch = torch.repeat_interleave(torch.arange(len(offsets) - 1, device=h.device), offsets.diff())
        pooled = h.new_full((len(offsets) - 1, h.shape[1]), float("-inf"))
        pooled = pooled.scatter_reduce(0, batch[:, None].expand_as(h), h, reduce="amax", include_self=True)
        return self.projector(pooled)

    @staticmethod
    def teacher_context(cls_tokens: torch.Tensor, num_cameras: int) -> torch.Tensor:
        """``(B * K, C)`` CLS tokens -> ``(B, C)`` max over each sample's cameras."""
        return cls_tokens.view(-1, num_cameras, cls_tokens.shape[-1]).amax(dim=1)

    def forward(self, point_feats, offsets, cls_tokens, num_cameras) -> dict[str, torch.Tensor]:
        pred = self.scene_tokens(point_feats, offsets)
        target = self.teacher_context(cls_tokens, num_cameras).to(pred.dtype).detach()
        return {"global": self.distance(pred, target).mean()}
