"""Bird's-eye-view rasterisation (torch): point features -> ``(B, C, H, W)``, non-ground occupancy.

A BEV grid covers ``grid.point_cloud_range`` in x and y with square cells of ``cell_size`` metres:
row ``i = floor((y - y0) / cell_size)`` (``H`` rows along y), column ``j = floor((x - x0) / cell_size)``
(``W`` columns along x), ``(H, W) = grid.bev_shape(cell_size)``. Points outside the 3D range are
dropped. Points are ``(N, 3+)`` rows in the LiDAR frame; samples are rows
``offsets[b]:offsets[b + 1]``.

Ground removal (``ground`` config dict, keys of ``GROUND_DEFAULTS``):

- ``mode="envelope"`` (default): every coarse cell (``coarse_cell`` metres) keeps its lowest point
  ``q``; on it stands a cone of slope ``max_slope``. A point ``p`` is ground when it lies less than
  ``margin`` above the lower envelope of the cones of its own and its ``window`` neighbouring cells:
  ``z_p - min_q (z_q + max_slope * |xy_p - xy_q|) < margin``. Roads sloping less than
  ``max_slope`` are removed in full (the cone of any road point lies under the rest of the road);
  an object that covers a whole coarse cell is still kept because the cones of the road around it
  are lower. It needs no sensor height, so it works on real nuScenes (LIDAR_TOP ~1.8 m above the
  road) and on the synthetic world alike. ``window=0, max_slope=0`` is the plain "within
  ``margin`` of the lowest point of the cell" rule. Points below the true ground (multipath) lower
  the envelope locally, which leaves a little ground in the occupancy: an accepted cost.
- ``mode="height"``: ground when ``z < height`` (LiDAR frame; nuScenes LIDAR_TOP: about -1.4).
- ``mode="none"``: keep everything.
"""
from __future__ import annotations

import math

import torch

from hilda.geometry.grid import VoxelGrid

GROUND_DEFAULTS = dict(mode="envelope", coarse_cell=2.0, margin=0.25, window=1, max_slope=0.08, height=-1.4)


def batch_index(offsets: torch.Tensor) -> torch.Tensor:
    """(N,) int64 sample index of every row from ``(B + 1,)`` offsets."""
    counts = offsets[1:] - offsets[:-1]
    return torch.repeat_interleave(torch.arange(counts.numel(), device=offsets.device), counts)


def bev_cell_index(xyz: torch.Tensor, offsets: torch.Tensor, grid: VoxelGrid, cell_size: float) -> torch.Tensor:
    """(N,) int64 flat index ``(b * H + row) * W + col`` into ``B * H * W`` cells; -1 outside the range."""
    x0, y0, z0, _, _, z1 = grid.point_cloud_range
    h, w = grid.bev_shape(cell_size)
    col = torch.floor((xyz[:, 0] - x0) / cell_size).long()
    row = torch.floor((xyz[:, 1] - y0) / cell_size).long()
    inside = (col >= 0) & (col < w) & (row >= 0) & (row < h) & (xyz[:, 2] >= z0) & (xyz[:, 2] < z1)
    flat = (batch_index(offsets).to(xyz.device) * h + row) * w + col
    return torch.where(inside, flat, torch.full_like(flat, -1))


def _scatter_mean(out, idx, feats):
    counts = feats.new_zeros(out.shape[0]).index_add_(0, idx, feats.new_ones(idx.shape[0]))
    return out.index_add(0, idx, feats) / counts.clamp(min=1.0)[:, None]


def _scatter_max(out, idx, feats):
    return out.scatter_reduce(0, idx[:, None].expand(-1, feats.shape[1]), feats, "amax", include_self=False)


_REDUCERS = dict(mean=_scatter_mean, max=_scatter_max)


def scatter_to_bev(features: torch.Tensor, xyz: torch.Tensor, offsets: torch.Tensor, grid: VoxelGrid,
                   cell_size: float, reduce: str = "mean") -> torch.Tensor:
    """Scatter ``(N, C)`` point features to ``(B, C, H, W)`` (empty cells 0); differentiable in ``features``.

    Accumulates in at least float32 (half-precision sums and counts go wrong past 256 points a cell).
    """
    if reduce not in _REDUCERS:
        raise ValueError(f"reduce must be one of {sorted(_REDUCERS)}, got {reduce!r}")
    if features.shape[0] != xyz.shape[0]:
        raise ValueError(f"{features.shape[0]} feature rows for {xyz.shape[0]} points")
    b, (h, w), c = offsets.numel() - 1, grid.bev_shape(cell_size), features.shape[1]
    idx = bev_cell_index(xyz, offsets, grid, cell_size)
    keep = idx >= 0
    feats = features[keep].to(torch.promote_types(features.dtype, torch.float32))
    out = _REDUCERS[reduce](feats.new_zeros(b * h * w, c), idx[keep], feats)
    return out.view(b, h, w, c).permute(0, 3, 1, 2).contiguous()


def ground_config(ground: dict | None) -> dict:
    """``GROUND_DEFAULTS`` updated with ``ground``; unknown keys or modes raise ``ValueError``."""
    cfg = {**GROUND_DEFAULTS, **(ground or {})}
    unknown = set(cfg) - set(GROUND_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown ground options {sorted(unknown)}; known: {sorted(GROUND_DEFAULTS)}")
    if cfg["mode"] not in _GROUND_MODES:
        raise ValueError(f"ground mode must be one of {sorted(_GROUND_MODES)}, got {cfg['mode']!r}")
    return cfg


def _ground_envelope(xyz, batch, grid, cfg):
    x0, y0, _, x1, y1, _ = grid.point_cloud_range
    size, r = float(cfg["coarse_cell"]), int(cfg["window"])
    hc, wc = math.ceil((y1 - y0) / size), math.ceil((x1 - x0) / size)
    col = torch.floor((xyz[:, 0] - x0) / size).long()
    row = torch.floor((xyz[:, 1] - y0) / size).long()
    inside = (col >= 0) & (col < wc) & (row >= 0) & (row < hc)
    n_cells = (int(batch.max()) + 1) * hc * wc
    cell = torch.where(inside, (batch * hc + row) * wc + col, torch.zeros_like(col))
    z = xyz[:, 2]
    zmin = z.new_full((n_cells,), math.inf).scatter_reduce(0, cell[inside], z[inside], "amin")
    is_low = inside & (z == zmin[cell])
    rows = torch.arange(z.numel(), device=z.device)
    low = torch.zeros(n_cells, dtype=torch.long, device=z.device).scatter_reduce(
        0, cell[is_low], rows[is_low], "amax", include_self=False)
    low_xy = xyz[low, :2]  # empty cells: any point, their zmin is inf
    envelope = z.new_full(z.shape, math.inf)
    for dr in range(-r, r + 1):
        for dc in range(-r, r + 1):
            rr, cc = row + dr, col + dc
            valid = inside & (rr >= 0) & (rr < hc) & (cc >= 0) & (cc < wc)
            nb = torch.where(valid, (batch * hc + rr) * wc + cc, torch.zeros_like(cc))
            cone = zmin[nb] + cfg["max_slope"] * torch.linalg.vector_norm(xyz[:, :2] - low_xy[nb], dim=1)
            envelope = torch.minimum(envelope, torch.where(valid, cone, torch.full_like(cone, math.inf)))
    return inside & (z - envelope < cfg["margin"])


_GROUND_MODES = dict(
    envelope=_ground_envelope,
    height=lambda xyz, batch, grid, cfg: xyz[:, 2] < cfg["height"],
    none=lambda xyz, batch, grid, cfg: torch.zeros_like(xyz[:, 0], dtype=torch.bool),
)


def ground_mask(xyz: torch.Tensor, offsets: torch.Tensor, grid: VoxelGrid, ground: dict | None = None) -> torch.Tensor:
    """(N,) bool, True for ground points (see the module docstring for ``ground``)."""
    cfg = ground_config(ground)
    if xyz.shape[0] == 0:
        return torch.zeros(0, dtype=torch.bool, device=xyz.device)
    return _GROUND_MODES[cfg["mode"]](xyz, batch_index(offsets).to(xyz.device), grid, cfg)


@torch.no_grad()
def occupancy_bev(xyz: torch.Tensor, offsets: torch.Tensor, grid: VoxelGrid, cell_size: float,
                  ground: dict | None = None) -> torch.Tensor:
    """``(B, 1, H, W)`` float {0, 1}: cells holding at least one non-ground point inside the range."""
    b, (h, w) = offsets.numel() - 1, grid.bev_shape(cell_size)
    idx = bev_cell_index(xyz, offsets, grid, cell_size)
    idx = idx[(idx >= 0) & ~ground_mask(xyz, offsets, grid, ground)]
    occ = xyz.new_zeros(b * h * w)
    occ[idx] = 1.0
    return occ.view(b, 1, h, w)
