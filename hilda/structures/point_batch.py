"""``PointBatch``: point clouds of a batch concatenated with offsets (never padded).

Sample ``b`` owns rows ``offsets[b]:offsets[b + 1]`` of ``points``. Its voxels (when voxelised)
are rows of ``voxels.coords`` whose first column is ``b``; ``voxels.point2voxel`` maps every point
to its row in the batch's voxel table (-1 when the point fell outside ``point_cloud_range``).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class VoxelBatch:
    coords: torch.Tensor  # (V, 4) int32 [batch, z, y, x]
    feats: torch.Tensor  # (V, C) float32, mean of member point features
    point2voxel: torch.Tensor  # (N,) int64 into rows of coords, -1 = outside range
    spatial_shape: tuple[int, int, int]  # (Z, Y, X) from voxel_size / point_cloud_range
    batch_size: int

    def to_sparse(self, feats: torch.Tensor | None = None):
        """An ``spconv.pytorch.SparseConvTensor`` over these voxels (optionally other features)."""
        import spconv.pytorch as spconv

        return spconv.SparseConvTensor(self.feats if feats is None else feats, self.coords,
                                       list(self.spatial_shape), self.batch_size)

    def to(self, device) -> "VoxelBatch":
        return VoxelBatch(self.coords.to(device), self.feats.to(device), self.point2voxel.to(device),
                          self.spatial_shape, self.batch_size)


@dataclass
class PointBatch:
    points: torch.Tensor  # (N, C) float32
    offsets: torch.Tensor  # (B + 1,) int64, offsets[0] = 0, offsets[-1] = N
    voxels: VoxelBatch | None = None

    @property
    def batch_size(self) -> int:
        return int(self.offsets.numel() - 1)

    def batch_index(self) -> torch.Tensor:
        """(N,) int64 sample index of every point."""
        counts = self.offsets[1:] - self.offsets[:-1]
        return torch.repeat_interleave(torch.arange(self.batch_size, device=self.points.device), counts)

    def split(self, values: torch.Tensor) -> list[torch.Tensor]:
        """Split an ``(N, ...)`` per-point tensor into per-sample pieces."""
        return list(torch.split(values, (self.offsets[1:] - self.offsets[:-1]).tolist()))

    def to(self, device) -> "PointBatch":
        return PointBatch(self.points.to(device), self.offsets.to(device),
                          None if self.voxels is None else self.voxels.to(device))
