"""Headless figures of an exact pixel size (matplotlib's Agg canvas, no pyplot, no global backend).

Every view is drawn on a ``Figure`` of ``size = (W, H)`` pixels at ``dpi`` and saved without
``bbox_inches="tight"``, so the PNG is exactly ``W x H``. Raster views that must keep exact pixel
colours (camera overlays, mosaics) are written with PIL instead (``save_rgb``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

DEFAULT_DPI = 100


def new_figure(size: tuple[int, int] = (800, 800), dpi: int = DEFAULT_DPI) -> Figure:
    """A figure of ``size = (W, H)`` pixels on its own Agg canvas."""
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG at its own size and dpi; creates the parent folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=fig.dpi, format="png")
    return path


def save_rgb(image: np.ndarray, path: str | Path) -> Path:
    """Write an ``(H, W, 3)`` uint8 array as a lossless PNG, pixel for pixel."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8), "RGB").save(path, format="PNG")
    return path
