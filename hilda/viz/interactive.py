"""open3d views of a scan: an interactive window (needs a display) and an offscreen render.

The offscreen renderer (Filament) runs in a child process (``python -m hilda.viz.offscreen``):
without a usable GPU/Vulkan driver it aborts the whole process, which no ``try`` can catch, so the
parent only learns that it failed and falls back to the matplotlib views (``hilda.viz.scan``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from hilda.viz.scan import BOX_EDGES, box_corners


class NoDisplayError(RuntimeError):
    """``--interactive`` without a display."""


def has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open3d_geometries(xyz: np.ndarray, colors: np.ndarray, boxes: np.ndarray | None = None) -> list:
    """A ``PointCloud`` (colours uint8 -> [0, 1]) and, when there are boxes, one ``LineSet``."""
    import open3d as o3d

    cloud = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(np.asarray(xyz, np.float64)[:, :3]))
    cloud.colors = o3d.utility.Vector3dVector(np.asarray(colors, np.float64) / 255.0)
    out = [cloud]
    if boxes is not None and len(boxes):
        corners = box_corners(boxes).reshape(-1, 3)
        lines = (np.arange(len(boxes))[:, None, None] * 8 + np.asarray(BOX_EDGES)[None]).reshape(-1, 2)
        lineset = o3d.geometry.LineSet(o3d.utility.Vector3dVector(corners), o3d.utility.Vector2iVector(lines))
        lineset.paint_uniform_color((1.0, 0.25, 0.25))
        out.append(lineset)
    return out


def show(xyz: np.ndarray, colors: np.ndarray, boxes: np.ndarray | None = None, title: str = "hilda") -> None:
    """Open an open3d window (blocks until it is closed)."""
    if not has_display():
        raise NoDisplayError("--interactive needs a display (DISPLAY / WAYLAND_DISPLAY unset); "
                             "use the PNG views or --ply instead")
    import open3d as o3d

    o3d.visualization.draw_geometries(open3d_geometries(xyz, colors, boxes), window_name=title)


def render_offscreen(xyz: np.ndarray, colors: np.ndarray, out: str | Path, boxes: np.ndarray | None = None,
                     size: tuple[int, int] = (800, 800), eye=(0.0, -28.0, 18.0), target=(0.0, 12.0, 0.0),
                     fov_deg: float = 70.0, timeout: float = 120.0) -> Path | None:
    """Render with open3d's offscreen renderer in a child process; ``None`` when that fails."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        scene = Path(tmp) / "scene.npz"
        np.savez(scene, xyz=np.asarray(xyz, np.float32)[:, :3], colors=np.asarray(colors, np.uint8),
                 boxes=np.zeros((0, 7), np.float32) if boxes is None else np.asarray(boxes, np.float32),
                 size=np.asarray(size), eye=np.asarray(eye), target=np.asarray(target), fov=fov_deg)
        try:
            res = subprocess.run([sys.executable, "-m", "hilda.viz.offscreen", str(scene), str(out)],
                                 capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    return out if res.returncode == 0 and out.is_file() and out.stat().st_size > 0 else None
