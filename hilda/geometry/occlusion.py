"""Block z-buffer occlusion filter for point-pixel pairs.

LiDAR and cameras sit at different places, so a point hidden behind a nearer surface in the
camera view still projects into the image and would be paired with the occluder's pixel. The
filter splits every image into ``block x block`` pixel cells (cell ``(floor(v) // block,
floor(u) // block)``), takes the nearest pair depth ``d_min`` in each cell and keeps a pair only
when ``depth <= d_min + tolerance + relative * d_min`` (metres). Cells are per camera.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from hilda.structures.sample import PixelPairs


@dataclass(frozen=True)
class OcclusionFilter:
    block: int = 8  # cell side in pixels
    tolerance: float = 0.5  # absolute slack over the cell's nearest depth, metres
    relative: float = 0.0  # extra slack as a fraction of the cell's nearest depth

    def __post_init__(self):
        if int(self.block) < 1 or self.tolerance < 0 or self.relative < 0:
            raise ValueError(f"invalid occlusion filter {self}")


@numba.njit(cache=False, nogil=True)
def _occlusion_kernel(camera_index, uv, depth, cells_w, cell_offset, block, tolerance, relative):
    """``(P,)`` bool keep mask."""
    n = depth.shape[0]
    zbuf = np.full(cell_offset[-1], np.inf, np.float32)
    cell = np.empty(n, np.int64)
    for i in range(n):
        c = camera_index[i]
        row, col = int(np.floor(uv[i, 1])) // block, int(np.floor(uv[i, 0])) // block
        cell[i] = cell_offset[c] + row * cells_w[c] + col
        if depth[i] < zbuf[cell[i]]:
            zbuf[cell[i]] = depth[i]
    keep = np.empty(n, np.bool_)
    for i in range(n):
        d_min = zbuf[cell[i]]
        keep[i] = depth[i] <= d_min + tolerance + relative * d_min
    return keep


@numba.njit(cache=False, nogil=True)
def _compact(keep, point_index, camera_index, uv, depth):
    n = int(keep.sum())
    out_p, out_c = np.empty(n, np.int64), np.empty(n, np.int64)
    out_uv, out_d = np.empty((n, 2), np.float32), np.empty(n, np.float32)
    j = 0
    for i in range(keep.shape[0]):
        if keep[i]:
            out_p[j], out_c[j], out_d[j] = point_index[i], camera_index[i], depth[i]
            out_uv[j, 0], out_uv[j, 1] = uv[i, 0], uv[i, 1]
            j += 1
    return out_p, out_c, out_uv, out_d


def occlusion_mask(pairs: PixelPairs, image_sizes: np.ndarray, filt: OcclusionFilter) -> np.ndarray:
    """``(P,)`` bool: pairs that survive the block z-buffer; ``image_sizes (K, 2)`` as ``(W, H)``."""
    sizes = np.asarray(image_sizes, dtype=np.int64).reshape(-1, 2)
    block = int(filt.block)
    cells_w = -(-sizes[:, 0] // block)
    cells_h = -(-sizes[:, 1] // block)
    cell_offset = np.concatenate([[0], np.cumsum(cells_w * cells_h)]).astype(np.int64)
    return _occlusion_kernel(pairs.camera_index, pairs.uv, pairs.depth, cells_w, cell_offset, block,
                             float(filt.tolerance), float(filt.relative))


def drop_occluded(pairs: PixelPairs, image_sizes: np.ndarray, filt: OcclusionFilter) -> PixelPairs:
    """The pairs that survive ``occlusion_mask``, order kept (compacted in one numba pass)."""
    keep = occlusion_mask(pairs, image_sizes, filt)
    return PixelPairs(*_compact(keep, pairs.point_index, pairs.camera_index, pairs.uv, pairs.depth))
