"""``Sample``: one training example as numpy arrays, before collation.

Produced by ``hilda.data.dataset.NuScenesIndexDataset`` and modified in place by the transforms.
All point coordinates are in the LiDAR frame of the keyframe ``t0`` (after augmentation: the
augmented frame). Axis conventions:

- points ``(N, C)`` float32: ``x, y, z, intensity, time_lag`` (C = 5; ``time_lag`` in seconds,
  0 for the keyframe scan, > 0 for older sweeps). ``n_key`` first rows are the keyframe scan.
- images ``(K, H, W, 3)`` uint8 RGB, one per camera in ``CAMERA_NAMES`` order; the teacher
  normalises them (its timm config owns mean/std).
- pairs: see ``PixelPairs`` (point index into ``points``, camera index into ``images``).
- voxels: ``coords (V, 3)`` int32 ``[z, y, x]`` (spconv order), ``point2voxel (N,)`` int64,
  ``feats (V, C)`` float32 mean of the member points' features.
- boxes ``(M, 7)`` float32 ``[x, y, z, w, l, h, yaw]`` (centre; nuScenes ``wlh``; yaw about +z of
  the length axis), ``box_labels (M,)`` int64 detection-class index, ``velocity (M, 2)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CAMERA_NAMES: tuple[str, ...] = ("CAM_FRONT", "CAM_FRONT_RIGHT", "CAM_BACK_RIGHT",
                                 "CAM_BACK", "CAM_BACK_LEFT", "CAM_FRONT_LEFT")
POINT_CHANNELS: tuple[str, ...] = ("x", "y", "z", "intensity", "time_lag")


@dataclass
class PixelPairs:
    """Point-pixel pairs of one sample: pair ``i`` says point ``point_index[i]`` is seen by camera
    ``camera_index[i]`` at continuous pixel ``uv[i] = (u, v)`` (u = column, v = row; pixel
    ``(floor(v), floor(u))``) with camera depth ``depth[i]`` metres."""

    point_index: np.ndarray  # (P,) int64
    camera_index: np.ndarray  # (P,) int64
    uv: np.ndarray  # (P, 2) float32
    depth: np.ndarray  # (P,) float32

    def __len__(self) -> int:
        return int(self.point_index.shape[0])

    def select(self, keep: np.ndarray) -> "PixelPairs":
        """Subset by boolean mask or index array."""
        return PixelPairs(self.point_index[keep], self.camera_index[keep], self.uv[keep], self.depth[keep])

    @staticmethod
    def empty() -> "PixelPairs":
        return PixelPairs(np.zeros(0, np.int64), np.zeros(0, np.int64),
                          np.zeros((0, 2), np.float32), np.zeros(0, np.float32))


@dataclass
class Voxels:
    coords: np.ndarray  # (V, 3) int32 [z, y, x]
    point2voxel: np.ndarray  # (N,) int64, -1 for points outside the range
    feats: np.ndarray  # (V, C) float32


@dataclass
class Sample:
    token: str
    points: np.ndarray  # (N, C) float32
    n_key: int  # rows of `points` that belong to the keyframe scan
    images: np.ndarray | None = None  # (K, H, W, 3) uint8
    image_labels: np.ndarray | None = None  # (K, H, W) uint8 per-pixel class maps (optional)
    pairs: PixelPairs | None = None
    labels: np.ndarray | None = None  # (N,) int64 16-class, 255 = ignore / unlabelled
    prev_points: np.ndarray | None = None  # (N1, C) keyframe t-1 in this frame
    next_points: np.ndarray | None = None  # (N2, C) keyframe t+1 in this frame
    boxes: np.ndarray | None = None  # (M, 7)
    box_labels: np.ndarray | None = None  # (M,) int64
    velocity: np.ndarray | None = None  # (M, 2)
    voxels: Voxels | None = None
    prev_voxels: Voxels | None = None
    teacher: dict | None = None  # {"layers": [(K, C, h, w) float16, ...], "cls": (K, C) float16}
    meta: dict = field(default_factory=dict)  # scene name, timestamps, applied augmentations
