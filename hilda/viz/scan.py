"""A scan as a bird's-eye scatter or a perspective (chase-camera) scatter, with 3D box outlines.

Points are ``(N, 3)`` xyz in the LiDAR frame (nuScenes LIDAR_TOP: x right, y forward, z up) with
``(N, 3)`` uint8 colours (``hilda.viz.colors``). Boxes are ``(M, 7)`` ``[x, y, z, w, l, h, yaw]``:
centre, ``w`` along the box's lateral axis, ``l`` along ``yaw`` (about +z), nuScenes ``wlh``.
In the BEV, +x points right and +y up (forward is up).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.patches import Patch

from hilda.viz.canvas import new_figure, save_figure

# corner order of the devkit's ``Box.corners()``: 0-3 front face (+l/2), 4-7 rear face
BOX_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7))
BOTTOM_FACE = [2, 3, 7, 6]
BACKGROUND = "#141414"
BOX_COLOR = "#ff4040"
TITLE_FRACTION = 0.95  # height share of the axes when a title line is drawn above them


def box_corners(boxes: np.ndarray) -> np.ndarray:
    """``(M, 8, 3)`` corners of ``boxes (M, 7)``, in the devkit's ``Box.corners()`` order."""
    b = np.asarray(boxes, np.float64).reshape(-1, 7)
    sx = np.array([1, 1, 1, 1, -1, -1, -1, -1]) * 0.5
    sy = np.array([1, -1, -1, 1, 1, -1, -1, 1]) * 0.5
    sz = np.array([1, 1, -1, -1, 1, 1, -1, -1]) * 0.5
    local = np.stack([b[:, 4:5] * sx, b[:, 3:4] * sy, b[:, 5:6] * sz], axis=-1)  # l along x, w along y
    c, s = np.cos(b[:, 6])[:, None], np.sin(b[:, 6])[:, None]
    x = c * local[..., 0] - s * local[..., 1]
    y = s * local[..., 0] + c * local[..., 1]
    return np.stack([x, y, local[..., 2]], axis=-1) + b[:, None, :3]


def _axes(fig, title: str | None):
    ax = fig.add_axes((0.0, 0.0, 1.0, TITLE_FRACTION if title else 1.0))
    ax.set_facecolor(BACKGROUND)
    fig.set_facecolor(BACKGROUND)
    if title:
        fig.text(0.5, (1.0 + TITLE_FRACTION) / 2, title, color="white", ha="center", va="center", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _legend(ax, legend) -> None:
    if legend:
        handles = [Patch(color=np.asarray(rgb) / 255.0, label=name) for name, rgb in legend]
        ax.legend(handles=handles, loc="lower right", fontsize=6, framealpha=0.6)


def render_bev(xyz: np.ndarray, colors: np.ndarray, out: str | Path, boxes: np.ndarray | None = None,
               extent: float = 50.0, size: tuple[int, int] = (800, 800), point_size: float = 1.0,
               title: str | None = None, legend=None) -> Path:
    """Top view of the square ``[-extent, extent]^2`` (metres); points drawn low to high."""
    xyz = np.asarray(xyz)
    fig = new_figure(size)
    ax = _axes(fig, title)
    order = np.argsort(xyz[:, 2], kind="stable")
    ax.scatter(xyz[order, 0], xyz[order, 1], c=np.asarray(colors)[order] / 255.0, s=point_size,
               marker="o", linewidths=0)
    if boxes is not None and len(boxes):
        for corners in box_corners(boxes)[:, BOTTOM_FACE, :2]:  # its first edge is the front
            ring = np.vstack([corners, corners[:1]])
            ax.plot(ring[:, 0], ring[:, 1], color=BOX_COLOR, lw=0.8)
            front = corners[:2].mean(0)
            centre = corners.mean(0)
            ax.plot([centre[0], front[0]], [centre[1], front[1]], color=BOX_COLOR, lw=0.8)
    ax.plot([0], [0], marker="^", color="white", ms=5)  # the sensor
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal", adjustable="box")
    _legend(ax, legend)
    return save_figure(fig, out)


def look_at(eye, target, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """``(4, 4)`` world -> camera (x right, y down, z forward) for a camera at ``eye``."""
    eye, target, up = (np.asarray(v, np.float64) for v in (eye, target, up))
    fwd = target - eye
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, up)
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    rot = np.stack([right, down, fwd])
    mat = np.eye(4)
    mat[:3, :3], mat[:3, 3] = rot, -rot @ eye
    return mat


def _project(world2cam: np.ndarray, pts: np.ndarray, focal: float, size: tuple[int, int]):
    cam = pts @ world2cam[:3, :3].T + world2cam[:3, 3]
    z = cam[..., 2]
    safe = np.where(z > 1e-6, z, 1e-6)
    return focal * cam[..., 0] / safe + size[0] / 2, focal * cam[..., 1] / safe + size[1] / 2, z


def render_perspective(xyz: np.ndarray, colors: np.ndarray, out: str | Path, boxes: np.ndarray | None = None,
                       eye=(0.0, -28.0, 18.0), target=(0.0, 12.0, 0.0), fov_deg: float = 70.0,
                       size: tuple[int, int] = (800, 800), point_size: float = 1.0,
                       title: str | None = None, legend=None) -> Path:
    """Chase-camera view (default: behind and above the sensor, looking forward along +y); far
    points are drawn first and shrink with depth."""
    xyz = np.asarray(xyz, np.float64)
    world2cam = look_at(eye, target)
    view = (size[0], round(size[1] * (TITLE_FRACTION if title else 1.0)))  # the axes in pixels
    focal = 0.5 * view[0] / np.tan(np.radians(fov_deg) / 2)
    u, v, z = _project(world2cam, xyz[:, :3], focal, view)
    keep = np.flatnonzero((z > 0.5) & (u >= 0) & (u < view[0]) & (v >= 0) & (v < view[1]))
    keep = keep[np.argsort(-z[keep], kind="stable")]
    fig = new_figure(size)
    ax = _axes(fig, title)
    ax.scatter(u[keep], v[keep], c=np.asarray(colors)[keep] / 255.0,
               s=point_size * np.clip(20.0 / z[keep], 0.3, 4.0), marker="o", linewidths=0)
    if boxes is not None and len(boxes):
        bu, bv, bz = _project(world2cam, box_corners(boxes), focal, view)
        for m in range(len(bu)):
            for i, j in BOX_EDGES:
                if bz[m, i] > 0.5 and bz[m, j] > 0.5:
                    ax.plot([bu[m, i], bu[m, j]], [bv[m, i], bv[m, j]], color=BOX_COLOR, lw=0.6)
    ax.set_xlim(0, view[0])
    ax.set_ylim(view[1], 0)
    _legend(ax, legend)
    return save_figure(fig, out)
