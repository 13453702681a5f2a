"""A hand-made camera for geometry tests: f = 64 px, principal point (48, 36), 96 x 72 images.

Integer intrinsics and an axis-permutation extrinsic keep the projections exact in float64, so
points can be put exactly on the 1-pixel border.
"""
from __future__ import annotations

import numpy as np

from hilda.structures.calib import intrinsic_to_4x4, invert, make_a2b, yaw_to_quaternion

INTRINSIC = np.array([[64.0, 0, 48], [0, 64, 36], [0, 0, 1]])
SIZE = (96, 72)
CAM_AXES_IN_LIDAR = np.array([[0.0, 0, 1], [-1, 0, 0], [0, -1, 0]])  # cam x,y,z -> lidar -y,-z,x


def lidar2img_toy(yaw: float = 0.0) -> np.ndarray:
    """A camera at the LiDAR origin looking along lidar +x rotated by ``yaw`` about +z."""
    cam2lidar = make_a2b(yaw_to_quaternion(yaw), [0, 0, 0])
    cam2lidar[:3, :3] = cam2lidar[:3, :3] @ CAM_AXES_IN_LIDAR
    return intrinsic_to_4x4(INTRINSIC) @ invert(cam2lidar)


def to_lidar(cam_xyz):
    """LiDAR coordinates of points given in the frame of the ``yaw = 0`` camera."""
    c = np.asarray(cam_xyz, dtype=np.float64)
    return np.stack([c[:, 2], -c[:, 0], -c[:, 1]], axis=1)
