"""Multi-sweep accumulation into the keyframe LiDAR frame (nuScenes ``from_file_multisweep``).

Each sweep comes with ``sweep2key = global2key_lidar @ sweep_lidar2global`` (``ref_from_global @
global_from_curr`` in devkit terms, built with ``hilda.structures.calib``) and its ``time_lag`` in
seconds (``t_key - t_sweep``, > 0 for older sweeps). The output appends ``time_lag`` as the last
channel, 0 for the keyframe rows, which come first.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from hilda.structures.calib import transform_points


def remove_close(points: np.ndarray, radius: float = 1.0) -> np.ndarray:
    """Drop points with ``|x| < radius and |y| < radius`` (ego-vehicle returns; devkit rule)."""
    pts = np.asarray(points)
    close = (np.abs(pts[:, 0]) < radius) & (np.abs(pts[:, 1]) < radius)
    return pts[~close]


def accumulate_sweeps(key_points: np.ndarray,
                      sweeps: Sequence[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """Stack the keyframe scan and its sweeps in the keyframe LiDAR frame.

    Args:
        key_points: ``(N, C0)`` keyframe scan, xyz first.
        sweeps: ``(points (Ni, C0), sweep2key (4, 4), time_lag)`` per sweep.

    Returns:
        ``(N + sum Ni, C0 + 1)`` float32: keyframe rows first (time lag 0), then the sweeps in the
        given order, xyz moved by their ``sweep2key``, other channels unchanged, time lag last.
    """
    key = np.asarray(key_points)
    if key.ndim != 2 or key.shape[1] < 3:
        raise ValueError(f"key_points must be (N, C>=3), got {key.shape}")
    n_feat = key.shape[1]
    total = key.shape[0] + sum(int(np.asarray(p).shape[0]) for p, _, _ in sweeps)
    out = np.empty((total, n_feat + 1), dtype=np.float32)
    out[:key.shape[0], :n_feat] = key
    out[:key.shape[0], n_feat] = 0.0
    row = key.shape[0]
    for points, sweep2key, time_lag in sweeps:
        pts = np.asarray(points)
        if pts.ndim != 2 or pts.shape[1] != n_feat:
            raise ValueError(f"sweep points must be (Ni, {n_feat}), got {pts.shape}")
        moved = transform_points(np.asarray(sweep2key, dtype=np.float64), pts.astype(np.float64))
        out[row:row + pts.shape[0], :n_feat] = moved
        out[row:row + pts.shape[0], n_feat] = time_lag
        row += pts.shape[0]
    return out
