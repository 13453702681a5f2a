"""Voxelisation: unique voxels, point -> voxel map and mean-pooled features (numba).

Voxel rule (identical to spconv's ``PointToVoxel`` CPU kernel): per axis
``c = floor((p - min) / voxel_size)`` evaluated in the points' dtype with ``min`` and
``voxel_size`` rounded to float32 (spconv stores them as float32), and the point is dropped unless
``0 <= c < grid_size`` on every axis -- so points at ``p >= max`` are out, as are NaNs. With the
same arithmetic the voxel of every point, boundaries included, equals spconv's. Voxels are numbered
in order of first occurrence in ``points`` (spconv's order too), which is deterministic.
``grid_size`` comes from ``VoxelGrid.grid_size_xyz`` (float64 round; spconv rounds in float32, the
same for any sane grid).
"""
from __future__ import annotations

import numba
import numpy as np

from hilda.geometry.grid import VoxelGrid
from hilda.structures.sample import Voxels

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@numba.njit(cache=False, nogil=True, inline='always')
def _slot(table, key, shift, mask):
    """Row of ``key`` in the open-addressing (linear probing) ``table (cap, 2)`` of ``[key, voxel]``
    rows (key -1 = empty): its own row or the empty one where it goes."""
    slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
    while table[slot, 0] != -1 and table[slot, 0] != key:
        slot = (slot + 1) & mask
    return slot


@numba.njit(cache=False, nogil=True)
def _voxelize_kernel(points, lo, size, grid_xyz):
    """``(coords (V, 3) int32 zyx, point2voxel (N,) int64, feats (V, C) float32)``.

    Pass 1 numbers the voxels through a hash table of voxel keys that grows with the number of
    voxels (not points), so it stays cache-sized; pass 2 accumulates the means in float64.
    """
    n, n_feat = points.shape
    gx, gy, gz = grid_xyz[0], grid_xyz[1], grid_xyz[2]
    bits = 10  # initial table: >= 2 slots per point up to 2^17 slots, then grown with the voxels
    while (1 << bits) < 2 * n and bits < 17:
        bits += 1
    table = np.full((1 << bits, 2), -1, np.int64)
    voxel_key = np.empty(max(n, 1), np.int64)
    point2voxel = np.empty(n, np.int64)
    n_vox = 0
    for i in range(n):
        fx = np.floor((points[i, 0] - lo[0]) / size[0])
        fy = np.floor((points[i, 1] - lo[1]) / size[1])
        fz = np.floor((points[i, 2] - lo[2]) / size[2])
        if not (fx >= 0 and fx < gx and fy >= 0 and fy < gy and fz >= 0 and fz < gz):
            point2voxel[i] = -1
            continue
        key = (np.int64(fz) * gy + np.int64(fy)) * gx + np.int64(fx)
        slot = _slot(table, key, np.uint64(64 - bits), (1 << bits) - 1)
        if table[slot, 0] == -1:
            table[slot, 0], table[slot, 1], voxel_key[n_vox] = key, n_vox, key
            n_vox += 1
            if 2 * n_vox > (1 << bits):  # keep the load factor <= 1/2: rehash into twice the size
                bits += 1
                table = np.full((1 << bits, 2), -1, np.int64)
                for v in range(n_vox):
                    s = _slot(table, voxel_key[v], np.uint64(64 - bits), (1 << bits) - 1)
                    table[s, 0], table[s, 1] = voxel_key[v], v
                point2voxel[i] = n_vox - 1
                continue
        point2voxel[i] = table[slot, 1]
    coords = np.empty((n_vox, 3), np.int32)
    for v in range(n_vox):
        key = voxel_key[v]
        coords[v, 0], coords[v, 1], coords[v, 2] = key // (gx * gy), (key // gx) % gy, key % gx
    sums = np.zeros((n_vox, n_feat), np.float64)
    counts = np.zeros(n_vox, np.int64)
    for i in range(n):
        v = point2voxel[i]
        if v >= 0:
            counts[v] += 1
            for j in range(n_feat):
                sums[v, j] += points[i, j]
    feats = np.empty((n_vox, n_feat), np.float32)
    for v in range(n_vox):
        for j in range(n_feat):
            feats[v, j] = sums[v, j] / counts[v]
    return coords, point2voxel, feats


def voxelize(points: np.ndarray, grid: VoxelGrid) -> Voxels:
    """Voxelise ``points (N, C)`` (``C >= 3``, xyz first; float32 or float64) on ``grid``.

    Returns ``Voxels``: ``coords (V, 3)`` int32 ``[z, y, x]`` in order of first occurrence,
    ``point2voxel (N,)`` int64 (-1 outside ``point_cloud_range``) and ``feats (V, C)`` float32,
    the mean of all member points' features (accumulated in float64). N == 0 or no point in range
    gives ``V == 0`` arrays of the same dtypes.
    """
    pts = np.asarray(points)
    if pts.ndim != 2 or pts.shape[1] < 3:
        raise ValueError(f"points must be (N, C>=3), got {pts.shape}")
    if pts.dtype not in (np.float32, np.float64):
        pts = pts.astype(np.float32)
    pcr = grid.point_cloud_range
    lo = np.asarray(pcr[:3], dtype=np.float32).astype(pts.dtype)
    size = np.asarray(grid.voxel_size, dtype=np.float32).astype(pts.dtype)
    grid_xyz = np.asarray(grid.grid_size_xyz, dtype=np.int64)
    coords, point2voxel, feats = _voxelize_kernel(pts, lo, size, grid_xyz)
    return Voxels(coords=coords, point2voxel=point2voxel, feats=feats)
