"""``Batch``: what ``hilda.data.collate.collate`` returns and every task consumes.

Shapes (B samples, K cameras per sample, N points, P pairs, M boxes in the batch):

- ``points``: ``PointBatch`` of the keyframe scans (+ sweeps), voxelised.
- ``images``: ``(B * K, 3, H, W)`` uint8, camera ``k`` of sample ``b`` at row ``b * K + k``.
- ``pairs``: ``PairBatch``; ``point_index`` indexes ``points.points``, ``camera_index`` indexes
  ``images`` rows (and rows of the teacher features).
- ``prev_points``: keyframe ``t-1`` in each sample's ``t0`` frame, voxelised (same grid).
- ``next_points``: keyframe ``t+1`` in the ``t0`` frame (not voxelised; occupancy target).
- ``labels``: ``(N,)`` int64, 16-class lidarseg, 255 = ignore.
- ``boxes``: ``(M, 7)`` ``[x, y, z, w, l, h, yaw]``, ``box_labels (M,)``, ``box_offsets (B + 1,)``.
- ``teacher``: cached teacher features ``{"layers": [(B*K, C, h, w)], "cls": (B*K, C)}``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import torch

from hilda.structures.point_batch import PointBatch


@dataclass
class PairBatch:
    point_index: torch.Tensor  # (P,) int64
    camera_index: torch.Tensor  # (P,) int64
    uv: torch.Tensor  # (P, 2) float32 continuous pixel coordinates (u = column, v = row)
    depth: torch.Tensor  # (P,) float32

    def __len__(self) -> int:
        return int(self.point_index.numel())

    def to(self, device) -> "PairBatch":
        return PairBatch(self.point_index.to(device), self.camera_index.to(device),
                         self.uv.to(device), self.depth.to(device))


def _move(value, device):
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, torch.Tensor) or hasattr(value, "to"):
        return value.to(device)
    if isinstance(value, dict):
        return {k: _move(v, device) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_move(v, device) for v in value)
    return value


@dataclass
class Batch:
    tokens: list[str]
    points: PointBatch
    num_cameras: int = 0
    images: torch.Tensor | None = None
    pairs: PairBatch | None = None
    prev_points: PointBatch | None = None
    next_points: PointBatch | None = None
    labels: torch.Tensor | None = None
    boxes: torch.Tensor | None = None
    box_labels: torch.Tensor | None = None
    box_offsets: torch.Tensor | None = None
    teacher: dict | None = None
    meta: list[dict] = field(default_factory=list)

    @property
    def batch_size(self) -> int:
        return len(self.tokens)

    def to(self, device) -> "Batch":
        moved = {f.name: _move(getattr(self, f.name), device) for f in fields(self)
                 if f.name not in ("tokens", "meta", "num_cameras")}
        return replace(self, **moved)
