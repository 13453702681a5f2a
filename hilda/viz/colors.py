"""Point colours as ``(N, 3)`` uint8 RGB: height, intensity, 16-class labels, PCA of features.

Scalars are normalised robustly (2nd..98th percentile by default) before a matplotlib colormap.
Labels use the nuScenes-lidarseg colour map of the devkit (``nuscenes.utils.color_map``), keyed by
general category name; a 16-class id takes the colour of the first general category that maps to it
(``hilda.data.nuscenes_labels``). Ignore (255: noise, unmapped classes, unlabelled sweeps) is a dim
grey rather than the devkit's black ``noise`` so that it stays visible on the dark views.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib import colormaps

from hilda.data.nuscenes_labels import IGNORE_INDEX, LIDARSEG_CATEGORIES, SEG16_CLASSES, lidarseg32_to_16_lut


IGNORE_COLOR = np.array([96, 96, 96], np.uint8)


def _to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.asarray(rgb, np.float64) * 255.0), 0, 255).astype(np.uint8)


def robust_range(values: np.ndarray, percentiles: tuple[float, float] = (2.0, 98.0)) -> tuple[float, float]:
    """``(lo, hi)`` percentiles of the finite values, with ``hi > lo`` guaranteed."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(v, percentiles)
    return float(lo), float(hi if hi > lo else lo + 1e-6)


def scalar_colors(values: np.ndarray, cmap: str = "viridis", lo: float | None = None,
                  hi: float | None = None) -> np.ndarray:
    """Colour ``values (N,)`` with ``cmap`` over ``[lo, hi]`` (default: the robust range)."""
    v = np.asarray(values, np.float64)
    r_lo, r_hi = robust_range(v)
    lo = r_lo if lo is None else lo
    hi = r_hi if hi is None else hi
    t = np.clip((v - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    return _to_uint8(colormaps[cmap](np.nan_to_num(t))[:, :3])


def height_colors(z: np.ndarray, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    return scalar_colors(z, "viridis", lo, hi)


def intensity_colors(intensity: np.ndarray) -> np.ndarray:
    return scalar_colors(intensity, "inferno", 0.0, None)


def depth_colors(depth: np.ndarray, max_depth: float = 50.0) -> np.ndarray:
    """Near = yellow, far = dark blue (fixed range, so images of a mosaic agree)."""
    return scalar_colors(-np.asarray(depth, np.float64), "viridis", -max_depth, -1.0)


@lru_cache(maxsize=1)
def seg16_palette() -> np.ndarray:
    """``(256, 3)`` uint8: row ``c`` is the colour of 16-class id ``c``; other rows = ``IGNORE_COLOR``."""
    from nuscenes.utils.color_map import get_colormap

    devkit = get_colormap()
    palette = np.tile(IGNORE_COLOR, (256, 1))
    lut, done = lidarseg32_to_16_lut(), set()
    for general, name in enumerate(LIDARSEG_CATEGORIES):
        seg16 = int(lut[general])
        if seg16 != IGNORE_INDEX and seg16 not in done:
            palette[seg16] = devkit[name]
            done.add(seg16)
    palette.setflags(write=False)
    return palette


def label_colors(labels: np.ndarray) -> np.ndarray:
    """Colours of 16-class ids (ground truth or predictions; 255 = ignore)."""
    lab = np.asarray(labels, np.int64)
    return seg16_palette()[np.where((lab >= 0) & (lab < 256), lab, IGNORE_INDEX)]


def legend_entries(labels: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """``(class name, rgb uint8)`` of the 16-class ids present in ``labels``."""
    present = np.unique(np.asarray(labels, np.int64))
    return [(SEG16_CLASSES[c], seg16_palette()[c]) for c in present if 0 <= c < len(SEG16_CLASSES)]


def pca_basis(feats: np.ndarray, k: int = 3, max_rows: int = 50000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(mean (C,), components (C, k))`` of ``feats (N, C)``; fitted on at most ``max_rows`` rows."""
    x = np.asarray(feats, np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"features must be a non-empty (N, C) array, got shape {x.shape}")
    if x.shape[0] > max_rows:
        x = x[np.random.default_rng(seed).choice(x.shape[0], max_rows, replace=False)]
    mean = x.mean(0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    comps = np.zeros((x.shape[1], k))
    n = min(k, vt.shape[0])
    comps[:, :n] = vt[:n].T
    # deterministic sign: the largest-magnitude loading of each component is positive
    signs = np.sign(comps[np.abs(comps).argmax(0), np.arange(k)])
    return mean, comps * np.where(signs == 0, 1.0, signs)


def pca_rgb(feats: np.ndarray, basis: tuple[np.ndarray, np.ndarray] | None = None,
            percentiles: tuple[float, float] = (1.0, 99.0)) -> np.ndarray:
    """First three principal components of ``feats (N, C)`` as RGB, each channel normalised to its
    own robust range (``percentiles``). ``basis`` (from ``pca_basis``) shares one projection
    between several feature sets (e.g. all cameras of a sample)."""
    x = np.asarray(feats, np.float64)
    mean, comps = basis if basis is not None else pca_basis(x)
    proj = (x - mean) @ comps
    rgb = np.empty_like(proj)
    for c in range(proj.shape[1]):
        lo, hi = robust_range(proj[:, c], percentiles)
        rgb[:, c] = (proj[:, c] - lo) / (hi - lo)
    return _to_uint8(np.clip(rgb, 0.0, 1.0))
