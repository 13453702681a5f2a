"""Synthetic voxelised ``PointBatch``es for the model tests (numpy voxelisation, no numba)."""
from __future__ import annotations

import numpy as np
import torch

from hilda.geometry.grid import VoxelGrid
from hilda.structures.point_batch import PointBatch, VoxelBatch

GRID = VoxelGrid(voxel_size=(0.5, 0.5, 0.5), point_cloud_range=(-16.0, -16.0, -4.0, 16.0, 16.0, 4.0))


def random_points(n: int, seed: int, outside: int = 0) -> np.ndarray:
    """``(n + outside, 5)`` points ``x, y, z, intensity, time_lag``; the last ``outside`` rows lie
    beyond ``GRID``'s range."""
    rng = np.random.default_rng(seed)
    xyz = rng.uniform((-15.9, -15.9, -3.9), (15.9, 15.9, 3.9), (n, 3))
    far = rng.uniform((20.0, -10.0, -1.0), (30.0, 10.0, 1.0), (outside, 3))
    xyz = np.concatenate([xyz, far])
    return np.concatenate([xyz, rng.uniform(0, 1, (len(xyz), 2))], 1).astype(np.float32)


def voxelize_batch(clouds: list[np.ndarray], grid: VoxelGrid = GRID) -> PointBatch:
    """Concatenate ``clouds`` with offsets and voxelise them: coords ``[b, z, y, x]``, mean features."""
    lo, size = np.asarray(grid.point_cloud_range[:3]), np.asarray(grid.voxel_size)
    coords, feats, p2v, offsets, n_vox = [], [], [], [0], 0
    for b, pts in enumerate(clouds):
        cell = np.floor((pts[:, :3] - lo) / size).astype(np.int64)
        inside = np.all((cell >= 0) & (cell < np.asarray(grid.grid_size_xyz)), axis=1)
        uniq, inverse = np.unique(cell[inside][:, ::-1], axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        mean = np.zeros((len(uniq), pts.shape[1]))
        np.add.at(mean, inverse, pts[inside])
        mean /= np.bincount(inverse)[:, None]
        point2voxel = np.full(len(pts), -1, np.int64)
        point2voxel[inside] = inverse + n_vox
        coords.append(np.concatenate([np.full((len(uniq), 1), b), uniq], 1))
        feats.append(mean)
        p2v.append(point2voxel)
        offsets.append(offsets[-1] + len(pts))
        n_vox += len(uniq)
    voxels = VoxelBatch(torch.from_numpy(np.concatenate(coords)).int(),
                        torch.from_numpy(np.concatenate(feats)).float(),
                        torch.from_numpy(np.concatenate(p2v)), grid.spatial_shape, len(clouds))
    return PointBatch(torch.from_numpy(np.concatenate(clouds)), torch.tensor(offsets), voxels)
