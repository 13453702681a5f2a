"""Rigid transforms as 4x4 ``a2b`` matrices.

Every transform in hilda is a float64 ``(4, 4)`` homogeneous matrix named ``a2b``: it maps
coordinates expressed in frame ``a`` to frame ``b`` (``p_b = a2b @ p_a``). Composition reads
right to left: ``lidar2global = ego2global @ lidar2ego``. nuScenes stores rotations as
``[w, x, y, z]`` quaternions; this module is the one place that converts them.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from pyquaternion import Quaternion


def make_a2b(rotation_wxyz: Sequence[float], translation: Sequence[float]) -> np.ndarray:
    """Build ``a2b`` from a nuScenes-style quaternion ``[w, x, y, z]`` and a translation."""
    m = np.eye(4)
    m[:3, :3] = Quaternion(np.asarray(rotation_wxyz, dtype=np.float64)).rotation_matrix
    m[:3, 3] = np.asarray(translation, dtype=np.float64)
    return m


def record2a2b(record: dict) -> np.ndarray:
    """``a2b`` of a nuScenes ``calibrated_sensor`` (sensor2ego) or ``ego_pose`` (ego2global) record."""
    return make_a2b(record["rotation"], record["translation"])


def invert(a2b: np.ndarray) -> np.ndarray:
    """Inverse of a rigid ``a2b`` (i.e. ``b2a``), exact for rotation + translation."""
    b2a = np.eye(4)
    rot_t = a2b[:3, :3].T
    b2a[:3, :3] = rot_t
    b2a[:3, 3] = -rot_t @ a2b[:3, 3]
    return b2a


def compose(*chain: np.ndarray) -> np.ndarray:
    """Compose transforms right to left: ``compose(b2c, a2b) == b2c @ a2b`` (a -> c)."""
    out = np.eye(4)
    for m in chain:
        out = out @ m
    return out


def transform_points(a2b: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply ``a2b`` to ``(N, 3+)`` points; extra columns (intensity, ...) are passed through."""
    pts = np.asarray(points)
    out = pts.astype(np.float64, copy=True)
    out[:, :3] = pts[:, :3] @ a2b[:3, :3].T + a2b[:3, 3]
    return out.astype(pts.dtype, copy=False)


def yaw_to_quaternion(yaw: float) -> list[float]:
    """``[w, x, y, z]`` of a rotation by ``yaw`` radians about +z."""
    return [float(np.cos(yaw / 2.0)), 0.0, 0.0, float(np.sin(yaw / 2.0))]


def matrix_to_quaternion(rot: np.ndarray) -> list[float]:
    """``[w, x, y, z]`` of a 3x3 rotation matrix (w >= 0, normalised)."""
    q = Quaternion(matrix=np.asarray(rot, dtype=np.float64), atol=1e-6, rtol=1e-6).normalised
    if q.w < 0:
        q = -q
    return [float(q.w), float(q.x), float(q.y), float(q.z)]


def intrinsic_to_4x4(intrinsic: np.ndarray) -> np.ndarray:
    """Pad a 3x3 camera matrix to 4x4 so that ``cam2img = intrinsic_to_4x4(K)`` composes."""
    m = np.eye(4)
    m[:3, :3] = np.asarray(intrinsic, dtype=np.float64)
    return m


def sensor2sensor(src2ego: np.ndarray, ego2global_src: np.ndarray,
                  ego2global_dst: np.ndarray, dst2ego: np.ndarray) -> np.ndarray:
    """``src2dst`` through both ego poses: ``dst <- ego(t_dst) <- global <- ego(t_src) <- src``.

    The one place where a sensor reading is moved to another sensor at another time (LiDAR to
    camera, sweep to keyframe LiDAR, neighbouring keyframe to this keyframe).
    """
    return compose(invert(dst2ego), invert(ego2global_dst), ego2global_src, src2ego)
