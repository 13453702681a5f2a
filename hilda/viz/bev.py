"""Bird's-eye occupancy: t-1 / t0 / t+1 panels, and the diffusion head's forecast next to its target.

Grids are ``(H, W)`` arrays over a ``VoxelGrid``'s x/y range, rows along +y and columns along +x of
the LiDAR frame (``hilda.geometry.bev``: row 0 at ``y0``); they are drawn with +y (forward) up.
``occupancy`` is the training target's rasteriser (``hilda.geometry.bev.occupancy_bev``: non-ground
points, ground removed as configured there) for one scan.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hilda.geometry.grid import VoxelGrid
from hilda.viz.canvas import new_figure, save_figure

PANEL_PX = 400  # width of one panel; the figure is PANEL_PX * panels x (PANEL_PX + 30) pixels
DEFAULT_GRID = VoxelGrid((0.2, 0.2, 0.2), (-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))


def occupancy(xyz: np.ndarray, grid: VoxelGrid = DEFAULT_GRID, cell_size: float = 0.4,
              ground: dict | None = None) -> np.ndarray:
    """``(H, W)`` bool occupancy of ``xyz (N, >=3)`` (LiDAR frame); ``ground`` as in ``hilda.geometry.bev``."""
    import torch

    from hilda.geometry.bev import occupancy_bev

    pts = torch.as_tensor(np.ascontiguousarray(np.asarray(xyz, np.float32)[:, :3]))
    occ = occupancy_bev(pts, torch.tensor([0, len(pts)]), grid, cell_size, ground)
    return occ[0, 0].numpy() > 0.5


def grid_extent(grid: VoxelGrid) -> tuple[float, float, float, float]:
    """``(x0, x1, y0, y1)`` for ``imshow(..., origin="lower", extent=...)``."""
    x0, y0, _, x1, y1, _ = grid.point_cloud_range
    return x0, x1, y0, y1


def _panels(grids, titles, out, extent, cmaps, size=None) -> Path:
    size = size or (PANEL_PX * len(grids), PANEL_PX + 30)
    fig = new_figure(size)
    fig.set_facecolor("white")
    width = 1.0 / len(grids)
    for i, (grid, title, cmap) in enumerate(zip(grids, titles, cmaps)):
        ax = fig.add_axes((i * width + 0.01 * width, 0.02, 0.98 * width, 0.88))
        grid = np.asarray(grid)
        rgb = grid.ndim == 3
        ax.imshow(grid if rgb else grid.astype(np.float32), origin="lower", extent=extent,
                  cmap=None if rgb else cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.plot([0], [0], marker="^", color="tab:orange", ms=4)
    return save_figure(fig, out)


def render_temporal(prev: np.ndarray | None, cur: np.ndarray, nxt: np.ndarray | None, out: str | Path,
                    extent=grid_extent(DEFAULT_GRID), size=None) -> Path:
    """Three panels t-1 / t0 / t+1 (all in the t0 frame); a missing neighbour is an empty panel."""
    empty = np.zeros_like(np.asarray(cur, bool))
    grids = [empty if g is None else g for g in (prev, cur, nxt)]
    titles = ["t-1" + (" (none)" if prev is None else ""), "t0", "t+1" + (" (none)" if nxt is None else "")]
    return _panels(grids, titles, out, extent, ["gray"] * 3, size)


def compare_rgb(forecast: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """``(H, W, 3)`` float: hits green, false alarms red, misses blue, free space black."""
    pred, tgt = np.asarray(forecast) >= threshold, np.asarray(target) > 0.5
    rgb = np.zeros((*pred.shape, 3), np.float32)
    rgb[pred & tgt] = (0.1, 0.85, 0.2)
    rgb[pred & ~tgt] = (0.95, 0.15, 0.15)
    rgb[~pred & tgt] = (0.2, 0.4, 1.0)
    return rgb


def render_forecast(forecast: np.ndarray, target: np.ndarray, out: str | Path, extent=grid_extent(DEFAULT_GRID),
                    threshold: float = 0.5, size=None) -> Path:
    """Forecast occupancy probability ``(H, W)`` in [0, 1], target ``(H, W)``, and their comparison."""
    forecast, target = np.asarray(forecast, np.float32), np.asarray(target, np.float32)
    if forecast.shape != target.shape:
        raise ValueError(f"forecast {forecast.shape} and target {target.shape} differ in shape")
    pred, tgt = forecast >= threshold, target > 0.5
    iou = (pred & tgt).sum() / max((pred | tgt).sum(), 1)
    titles = ["forecast t+1", "target t+1", f"hit / false / miss (IoU {iou:.2f})"]
    return _panels([forecast, target, compare_rgb(forecast, target, threshold)], titles, out, extent,
                   ["magma", "gray", None], size)
