"""Global point augmentations (rotation about z, flips, scaling) and point dropout."""
from __future__ import annotations

import numpy as np

from hilda.registry import TRANSFORMS
from hilda.structures.sample import Sample


def apply_linear(sample: Sample, m: np.ndarray) -> Sample:
    """Apply a 3x3 linear map (rotation about z, mirror, isotropic scale) to every point set,
    the boxes (centre, size, yaw) and velocities; compose it into ``meta['point_aug']`` (4x4)."""
    for name in ("points", "prev_points", "next_points"):
        pts = getattr(sample, name)
        if pts is not None:
            pts = pts.copy()
            pts[:, :3] = pts[:, :3] @ m.T
            setattr(sample, name, pts.astype(np.float32))
    if sample.boxes is not None and len(sample.boxes):
        boxes = sample.boxes.copy()
        boxes[:, :3] = boxes[:, :3] @ m.T
        boxes[:, 3:6] *= abs(np.linalg.det(m)) ** (1.0 / 3.0)
        heading = np.stack([np.cos(boxes[:, 6]), np.sin(boxes[:, 6])], axis=1) @ m[:2, :2].T
        boxes[:, 6] = np.arctan2(heading[:, 1], heading[:, 0])
        sample.boxes = boxes.astype(np.float32)
        if sample.velocity is not None:
            sample.velocity = (sample.velocity @ m[:2, :2].T).astype(np.float32)
    aug = np.eye(4)
    aug[:3, :3] = m
    sample.meta["point_aug"] = aug @ sample.meta.get("point_aug", np.eye(4))
    return sample


@TRANSFORMS.register_module()
class RandomRotateZ:
    def __init__(self, max_angle: float = np.pi):
        self.max_angle = float(max_angle)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        a = rng.uniform(-self.max_angle, self.max_angle)
        c, s = np.cos(a), np.sin(a)
        return apply_linear(sample, np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]))


@TRANSFORMS.register_module()
class RandomFlip:
    """Mirror ``x -> -x`` and/or ``y -> -y``, each with its probability."""

    def __init__(self, flip_x: float = 0.5, flip_y: float = 0.5):
        self.flip_x, self.flip_y = float(flip_x), float(flip_y)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        fx, fy = rng.random() < self.flip_x, rng.random() < self.flip_y
        if not (fx or fy):
            return sample
        return apply_linear(sample, np.diag([-1.0 if fx else 1.0, -1.0 if fy else 1.0, 1.0]))


@TRANSFORMS.register_module()
class RandomScale:
    def __init__(self, scale_range: tuple[float, float] = (0.95, 1.05)):
        lo, hi = scale_range
        if not 0 < lo <= hi:
            raise ValueError(f"RandomScale.scale_range must satisfy 0 < lo <= hi, got {scale_range}")
        self.lo, self.hi = float(lo), float(hi)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        return apply_linear(sample, np.eye(3) * rng.uniform(self.lo, self.hi))


@TRANSFORMS.register_module()
class PointDropout:
    """Drop a random fraction of the scan's points; labels and pairs follow (pairs re-indexed)."""

    def __init__(self, ratio: float = 0.1):
        if not 0 <= ratio < 1:
            raise ValueError(f"PointDropout.ratio must be in [0, 1), got {ratio}")
        self.ratio = float(ratio)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        n = len(sample.points)
        keep = rng.random(n) >= self.ratio
        new_index = np.cumsum(keep) - 1
        sample.points = sample.points[keep]
        sample.n_key = int(keep[:sample.n_key].sum())
        if sample.labels is not None:
            sample.labels = sample.labels[keep]
        if sample.pairs is not None:
            pairs = sample.pairs.select(keep[sample.pairs.point_index])
            pairs.point_index = new_index[pairs.point_index]
            sample.pairs = pairs
        return sample
