"""Cheap checks of the files a sample points to; each returns a reason string or ``None``.

Used by the index builder so that a missing or truncated file becomes a skipped sample with a
reason in the report, instead of a crash in a data-loader worker hours into training.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

POINT_BYTES = 5 * 4  # nuScenes .pcd.bin: float32 x, y, z, intensity, ring


def check_points_file(path: Path) -> str | None:
    if not path.is_file():
        return f"missing point file {path}"
    size = path.stat().st_size
    if size == 0 or size % POINT_BYTES:
        return f"truncated point file {path} ({size} bytes, not a positive multiple of {POINT_BYTES})"
    return None


def count_points(path: Path) -> int:
    return path.stat().st_size // POINT_BYTES


def check_image_file(path: Path, width: int, height: int) -> str | None:
    if not path.is_file():
        return f"missing image {path}"
    if path.stat().st_size == 0:
        return f"empty image {path}"
    try:
        with Image.open(path) as im:
            size = im.size
    except (OSError, ValueError) as e:
        return f"unreadable image {path}: {e}"
    if size != (width, height):
        return f"image {path} is {size[0]}x{size[1]}, table says {width}x{height}"
    return None


def check_lidarseg_file(path: Path, n_points: int) -> str | None:
    if not path.is_file():
        return f"missing lidarseg file {path}"
    size = path.stat().st_size
    if size != n_points:
        return f"lidarseg file {path} has {size} labels for {n_points} points"
    return None
