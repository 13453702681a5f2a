"""File readers for index records (no devkit): scans, label files, images."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from hilda.data.nuscenes_labels import lidarseg32_to_16


class DataFileError(RuntimeError):
    """A file named by the index cannot be read; the message names it."""


def read_points(path: Path, intensity_scale: float = 1.0) -> np.ndarray:
    """``(N, 4)`` float32 ``x, y, z, intensity * intensity_scale`` of a nuScenes ``.pcd.bin``."""
    try:
        raw = np.fromfile(path, dtype=np.float32)
    except OSError as e:
        raise DataFileError(f"cannot read point file {path}: {e}") from None
    if raw.size % 5:
        raise DataFileError(f"point file {path} is truncated ({raw.size * 4} bytes)")
    pts = raw.reshape(-1, 5)[:, :4].copy()
    pts[:, 3] *= intensity_scale
    return pts


def read_lidarseg(path: Path, n_points: int) -> np.ndarray:
    """``(N,)`` int64 16-class labels (255 = ignore) from a uint8 lidarseg ``.bin``."""
    labels = np.fromfile(path, dtype=np.uint8)
    if labels.size != n_points:
        raise DataFileError(f"lidarseg file {path} has {labels.size} labels for {n_points} points")
    return lidarseg32_to_16(labels).astype(np.int64)


def read_image(path: Path, size: tuple[int, int] | None = None, resample=Image.BILINEAR) -> np.ndarray:
    """``(H, W, 3)`` uint8 RGB (or ``(H, W)`` for single-channel maps), resized to ``size=(W, H)``."""
    try:
        with Image.open(path) as im:
            im = im if im.mode in ("RGB", "L", "P") else im.convert("RGB")
            if size is not None and im.size != tuple(size):
                im = im.resize(tuple(size), resample)
            return np.asarray(im)
    except OSError as e:
        raise DataFileError(f"cannot read image {path}: {e}") from None
