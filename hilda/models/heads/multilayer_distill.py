"""Multi-layer point-pixel distillation (HilDA's hierarchical term; one pair = ScaLR-style baseline).

For every configured (student decoder stage, teacher layer) pair a projector maps the student's
point features to the teacher width; the teacher's patch features of that layer are sampled
bilinearly at the pixels of the point-pixel pairs; the per-pair distance is averaged over all pairs
of the batch (all cameras), giving one loss per configured pair, weighted and summed by the task.
Points without a pair contribute nothing.

Cost: student features come as ``PointFeatures`` (one row per voxel), so the projector runs once per
distinct voxel among the paired points, and the distance is summed in its pooled form
(``hilda.losses.distill.pooled_distance``): per-pair work is only the gradient-free target sampling.
The loss equals projecting and comparing every pair (tests/models/heads/test_distill_heads.py).
"""
from __future__ import annotations

import torch
from torch import nn

from hilda.losses.distill import build_distance, pooled_distance
from hilda.models.heads.projector import MLPProjector
from hilda.models.teachers.sampling import sample_features
from hilda.registry import MODELS
from hilda.structures.batch import PairBatch
from hilda.structures.point_features import PointFeatures


@MODELS.register_module()
class MultiLayerDistillation(nn.Module):
    """Args:
        student_channels: ``{decoder stage: channels}`` of the student (``MinkUNet.out_channels``).
        teacher_channels: teacher embedding width.
        pairs: list of ``dict(student_stage=j, teacher_layer=i, weight=w)``; ``teacher_layer`` indexes
            the teacher's returned layers (0 = first requested), ``student_stage`` a decoder stage.
        loss: distance name or config (``hilda.losses.distill.build_distance``).
    """

    def __init__(self, student_channels: dict, teacher_channels: int, pairs: list[dict], loss="cosine",
                 hidden_channels: int = 256, num_layers: int = 2):
        super().__init__()
        if not pairs:
            raise ValueError("MultiLayerDistillation.pairs must name at least one (student_stage, teacher_layer)")
        self.pairs = [dict(student_stage=int(p["student_stage"]), teacher_layer=int(p["teacher_layer"]),
                           weight=float(p.get("weight", 1.0))) for p in pairs]
        for p in self.pairs:
            if p["student_stage"] not in student_channels:
                raise ValueError(f"student_stage {p['student_stage']} is not an output stage of the student "
                                 f"(available: {sorted(student_channels)}; add it to student.out_stages)")
        self.distance = build_distance(loss)
        self.projectors = nn.ModuleList(
            MLPProjector(student_channels[p["student_stage"]], teacher_channels, hidden_channels, num_layers)
            for p in self.pairs)

    def forward(self, student_feats: dict[int, PointFeatures | torch.Tensor], teacher_layers: list[torch.Tensor],
                pairs: PairBatch, image_size: tuple[int, int]) -> dict[str, torch.Tensor]:
        """``student_feats``: ``{stage: (N, C_j) or PointFeatures}``; ``teacher_layers``: ``[(B*K, C, h, w)]``;
        returns ``{"distill_s{j}_t{i}": loss}`` (unweighted) and ``"distill"`` (weighted sum)."""
        losses, total = {}, None
        for p, proj in zip(self.pairs, self.projectors):
            if p["teacher_layer"] >= len(teacher_layers):
                raise ValueError(f"teacher_layer {p['teacher_layer']} but the teacher returns "
                                 f"{len(teacher_layers)} layer(s)")
            feats = PointFeatures.wrap(student_feats[p["student_stage"]])
            if len(pairs) == 0:
                loss = feats.table.sum() * 0.0
            else:
                rows, _, inverse = feats.distinct(pairs.point_index)
                with torch.no_grad():
                    target = sample_features(teacher_layers[p["teacher_layer"]], pairs.camera_index, pairs.uv,
                                             image_size)
                loss = pooled_distance(self.distance, proj(rows), target, inverse) / len(pairs)
            losses[f"distill_s{p['student_stage']}_t{p['teacher_layer']}"] = loss
            total = p["weight"] * loss if total is None else total + p["weight"] * loss
        losses["distill"] = total
        return losses
