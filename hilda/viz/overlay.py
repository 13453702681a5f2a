"""LiDAR points painted on the camera images through ``Sample.pairs``, and the six-camera mosaic.

Painting is done in numpy, pixel-exact: pair ``i`` colours the square of side ``2 * radius + 1``
centred on pixel ``(floor(v_i), floor(u_i))`` with exactly its colour, far pairs first so the
nearest point wins a shared pixel. A calibration error shows as points sliding off their objects.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from hilda.structures.sample import CAMERA_NAMES, Sample
from hilda.viz.canvas import save_rgb

# how the six cameras sit around the car, seen from above with the front up
MOSAIC_LAYOUT: tuple[tuple[str, ...], ...] = (("CAM_FRONT_LEFT", "CAM_FRONT", "CAM_FRONT_RIGHT"),
                                              ("CAM_BACK_LEFT", "CAM_BACK", "CAM_BACK_RIGHT"))


def paint_points(image: np.ndarray, uv: np.ndarray, colors: np.ndarray, depth: np.ndarray | None = None,
                 radius: int = 1) -> np.ndarray:
    """A copy of ``image (H, W, 3)`` uint8 with ``colors (P, 3)`` uint8 painted at ``uv (P, 2)``."""
    out = np.array(image, dtype=np.uint8, copy=True)
    h, w = out.shape[:2]
    uv = np.asarray(uv, np.float64).reshape(-1, 2)
    cols, rows = np.floor(uv[:, 0]).astype(np.int64), np.floor(uv[:, 1]).astype(np.int64)
    colors = np.asarray(colors, np.uint8).reshape(-1, 3)
    if depth is not None:
        order = np.argsort(-np.asarray(depth), kind="stable")
        cols, rows, colors = cols[order], rows[order], colors[order]
    offsets = [(dr, dc) for dr in range(-radius, radius + 1) for dc in range(-radius, radius + 1) if dr or dc]
    for dr, dc in offsets + [(0, 0)]:  # centres last: a pair's own pixel shows its own colour
        _put(out, rows + dr, cols + dc, colors)  # unless a nearer pair falls on that very pixel
    return out


def _put(image: np.ndarray, rows: np.ndarray, cols: np.ndarray, colors: np.ndarray) -> None:
    """``image[rows, cols] = colors`` where the last of several writes to one pixel wins."""
    h, w = image.shape[:2]
    ok = np.flatnonzero((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w))
    flat = rows[ok] * w + cols[ok]
    _, first_of_reversed = np.unique(flat[::-1], return_index=True)
    last = ok[len(ok) - 1 - first_of_reversed]
    image[rows[last], cols[last]] = colors[last]


def camera_overlays(sample: Sample, point_colors: np.ndarray | None = None, radius: int = 1,
                    pair_colors: np.ndarray | None = None) -> list[np.ndarray]:
    """One painted image per camera of ``sample``: colours per point ``(N, 3)`` (looked up through
    the pairs) or per pair ``(P, 3)`` (e.g. camera depth), uint8."""
    if sample.images is None or sample.pairs is None:
        raise ValueError(f"sample {sample.token} has no camera images / pairs (read it with an image_size)")
    pairs = sample.pairs
    if pair_colors is None:
        pair_colors = np.asarray(point_colors, np.uint8)[pairs.point_index]
    colors = np.asarray(pair_colors, np.uint8)
    out = []
    for k, image in enumerate(sample.images):
        sel = pairs.camera_index == k
        out.append(paint_points(image, pairs.uv[sel], colors[sel], pairs.depth[sel], radius))
    return out


def label_tile(tile: np.ndarray, text: str) -> np.ndarray:
    im = Image.fromarray(tile)
    draw = ImageDraw.Draw(im)
    box = draw.textbbox((4, 3), text)
    draw.rectangle((box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2), fill=(0, 0, 0))
    draw.text((4, 3), text, fill=(255, 255, 255))
    return np.asarray(im)


def mosaic(images, names=CAMERA_NAMES, layout=MOSAIC_LAYOUT, labels: bool = True) -> np.ndarray:
    """Tile equally sized camera images as in ``layout`` (names absent from ``names`` stay black)."""
    by_name = dict(zip(names, images))
    h, w = np.asarray(images[0]).shape[:2]
    grid = np.zeros((h * len(layout), w * max(len(r) for r in layout), 3), np.uint8)
    for i, row in enumerate(layout):
        for j, name in enumerate(row):
            if name in by_name:
                tile = np.asarray(by_name[name], np.uint8)
                grid[i * h:(i + 1) * h, j * w:(j + 1) * w] = label_tile(tile, name) if labels else tile
    return grid


def write_overlays(sample: Sample, point_colors: np.ndarray | None, out_dir: str | Path, stem: str,
                   cameras=None, radius: int = 1, pair_colors: np.ndarray | None = None) -> list[Path]:
    """``<stem>_<CAMERA>.png`` per camera (all, or those named in ``cameras``), image-sized."""
    names = sample.meta.get("cameras", CAMERA_NAMES)
    painted = camera_overlays(sample, point_colors, radius, pair_colors)
    return [save_rgb(img, Path(out_dir) / f"{stem}_{name}.png")
            for name, img in zip(names, painted) if cameras is None or name in cameras]


def write_mosaic(sample: Sample, point_colors: np.ndarray | None, out: str | Path, radius: int = 1,
                 pair_colors: np.ndarray | None = None) -> Path:
    """The six cameras as one ``3W x 2H`` PNG; points painted unless both colour arrays are None."""
    if sample.images is None:
        raise ValueError(f"sample {sample.token} has no camera images (read it with an image_size)")
    plain = point_colors is None and pair_colors is None
    images = list(sample.images) if plain else camera_overlays(sample, point_colors, radius, pair_colors)
    return save_rgb(mosaic(images, sample.meta.get("cameras", CAMERA_NAMES)), out)
