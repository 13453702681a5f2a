"""Point -> pixel pairs for all cameras of a sample at once.

``lidar2img`` is the ``(K, 4, 4)`` float64 stack of ``cam2img @ cam2ego^-1 @ global2ego(t_cam)
@ ego2global(t_lidar) @ lidar2ego`` (``cam2img = calib.intrinsic_to_4x4(K)``), so row 2 of
``lidar2img @ [x, y, z, 1]`` is the camera depth and rows 0/1 divided by it are the pixel
``(u, v)``. A pair is kept when ``depth > min_depth`` and ``1 < u < W - 1`` and ``1 < v < H - 1``:
exactly the rule of the devkit's ``NuScenesExplorer.map_pointcloud_to_image`` (1-pixel margin), so
the pairs equal the devkit's per-camera projection. One fused numba pass over points x cameras
(float64) replaces the devkit's per-camera chain of eight float32 transforms.
"""
from __future__ import annotations

import numba
import numpy as np

from hilda.geometry.occlusion import OcclusionFilter, drop_occluded
from hilda.structures.sample import PixelPairs


@numba.njit(cache=False, nogil=True)
def _project_kernel(points, lidar2img, sizes, min_depth):
    """Pairs of ``points (N, >=3)`` for every camera, in (camera, point) order."""
    n, k = points.shape[0], lidar2img.shape[0]
    point_index = np.empty(n * k, np.int64)
    camera_index = np.empty(n * k, np.int64)
    uv = np.empty((n * k, 2), np.float32)
    depth = np.empty(n * k, np.float32)
    p = 0
    for c in range(k):
        m = lidar2img[c]
        u_max, v_max = sizes[c, 0] - 1.0, sizes[c, 1] - 1.0
        for i in range(n):
            x, y, z = np.float64(points[i, 0]), np.float64(points[i, 1]), np.float64(points[i, 2])
            d = m[2, 0] * x + m[2, 1] * y + m[2, 2] * z + m[2, 3]
            if not d > min_depth:
                continue
            u = (m[0, 0] * x + m[0, 1] * y + m[0, 2] * z + m[0, 3]) / d
            if not (u > 1.0 and u < u_max):
                continue
            v = (m[1, 0] * x + m[1, 1] * y + m[1, 2] * z + m[1, 3]) / d
            if not (v > 1.0 and v < v_max):
                continue
            point_index[p] = i
            camera_index[p] = c
            uv[p, 0] = u
            uv[p, 1] = v
            depth[p] = d
            p += 1
    return point_index[:p].copy(), camera_index[:p].copy(), uv[:p].copy(), depth[:p].copy()


def project_to_cameras(points_xyz: np.ndarray, lidar2img: np.ndarray, image_sizes: np.ndarray,
                       min_depth: float = 1.0,
                       occlusion: OcclusionFilter | dict | None = None) -> PixelPairs:
    """Point-pixel pairs of ``points_xyz (N, >=3)`` (LiDAR frame; extra columns ignored).

    Args:
        lidar2img: ``(K, 4, 4)`` (or one ``(4, 4)``) LiDAR -> image matrices, float64.
        image_sizes: ``(K, 2)`` image sizes as ``(W, H)``.
        min_depth: keep camera depth strictly greater than this (metres; devkit: 1.0).
        occlusion: ``None`` (default, off) or an ``OcclusionFilter`` / its kwargs as a dict, e.g.
            ``dict(block=8, tolerance=0.5)``: per camera and pixel block, keep only pairs within
            the tolerance of the block's nearest depth (see ``hilda.geometry.occlusion``).

    Returns:
        ``PixelPairs`` sorted by (camera, point); a point seen by two cameras gives two pairs.
    """
    pts = np.asarray(points_xyz)
    if pts.ndim != 2 or pts.shape[1] < 3:
        raise ValueError(f"points must be (N, >=3), got {pts.shape}")
    if pts.dtype not in (np.float32, np.float64):
        pts = pts.astype(np.float64)
    mats = np.ascontiguousarray(np.asarray(lidar2img, dtype=np.float64).reshape(-1, 4, 4))
    sizes = np.asarray(image_sizes, dtype=np.float64).reshape(-1, 2)
    if sizes.shape[0] != mats.shape[0]:
        raise ValueError(f"{mats.shape[0]} lidar2img matrices but {sizes.shape[0]} image sizes")
    if pts.shape[0] == 0 or mats.shape[0] == 0:
        return PixelPairs.empty()
    pairs = PixelPairs(*_project_kernel(pts, mats, sizes, float(min_depth)))
    if occlusion is not None and len(pairs):
        filt = occlusion if isinstance(occlusion, OcclusionFilter) else OcclusionFilter(**occlusion)
        pairs = drop_occluded(pairs, sizes, filt)
    return pairs
