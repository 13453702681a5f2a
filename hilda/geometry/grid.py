"""``VoxelGrid``: the one place where sparse shapes and BEV grids are derived.

Configs give ``voxel_size = (dx, dy, dz)`` and ``point_cloud_range = (x0, y0, z0, x1, y1, z1)``
in metres (LiDAR frame). A point ``p`` lies in voxel ``floor((p - min) / voxel_size)`` when
``min <= p < max`` on every axis. Voxel coordinates are stored ``[z, y, x]`` (spconv order).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VoxelGrid:
    voxel_size: tuple[float, float, float]
    point_cloud_range: tuple[float, float, float, float, float, float]

    def __post_init__(self):
        vs = np.asarray(self.voxel_size, dtype=np.float64)
        pcr = np.asarray(self.point_cloud_range, dtype=np.float64)
        if vs.shape != (3,) or np.any(vs <= 0):
            raise ValueError(f"voxel_size must be three positive numbers, got {self.voxel_size}")
        if pcr.shape != (6,) or np.any(pcr[3:] <= pcr[:3]):
            raise ValueError(f"point_cloud_range must be (x0, y0, z0, x1, y1, z1) with max > min, "
                             f"got {self.point_cloud_range}")
        object.__setattr__(self, "voxel_size", tuple(float(v) for v in vs))
        object.__setattr__(self, "point_cloud_range", tuple(float(v) for v in pcr))

    @property
    def grid_size_xyz(self) -> tuple[int, int, int]:
        """Number of voxels along (x, y, z)."""
        pcr = np.asarray(self.point_cloud_range)
        n = np.round((pcr[3:] - pcr[:3]) / np.asarray(self.voxel_size)).astype(np.int64)
        return int(n[0]), int(n[1]), int(n[2])

    @property
    def spatial_shape(self) -> tuple[int, int, int]:
        """spconv ``spatial_shape``: (Z, Y, X)."""
        x, y, z = self.grid_size_xyz
        return z, y, x

    def bev_shape(self, cell_size: float) -> tuple[int, int]:
        """(H, W) = (rows along y, columns along x) of a BEV grid with square ``cell_size`` cells."""
        pcr = self.point_cloud_range
        return (int(round((pcr[4] - pcr[1]) / cell_size)), int(round((pcr[3] - pcr[0]) / cell_size)))
