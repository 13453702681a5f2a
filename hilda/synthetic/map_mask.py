"""The map table's semantic prior: a binary drivable-area PNG at 0.1 m per pixel.

Pixel ``(row, col)`` covers global ``x = col * res``, ``y = (height - row) * res`` as the devkit's
``MapMask`` expects (origin at the bottom-left corner of the image).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from hilda.synthetic import road

RESOLUTION = 0.1


def drivable_mask(road_params: np.ndarray, extent_xy: tuple[float, float]) -> np.ndarray:
    """uint8 mask (255 = drivable) covering global ``[0, extent_x] x [0, extent_y]`` metres."""
    width = int(np.ceil(extent_xy[0] / RESOLUTION))
    height = int(np.ceil(extent_xy[1] / RESOLUTION))
    cols = (np.arange(width) + 0.5) * RESOLUTION
    mask = np.zeros((height, width), np.uint8)
    for row in range(height):
        y = (height - row - 0.5) * RESOLUTION
        sd = road.world_to_road_many(road_params, cols, np.full(width, y))
        mask[row] = np.where(np.abs(sd[:, 1]) < road.ROAD_HALF_WIDTH, 255, 0)
    return mask


def write_mask(path: Path, mask: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(mask, mode="L").save(path, format="PNG", optimize=False)
