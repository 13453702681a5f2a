"""BEV occupancy panels, forecast comparison, and teacher-feature PCA panels."""
from __future__ import annotations

import numpy as np
from PIL import Image

from hilda.geometry.grid import VoxelGrid
from hilda.viz.bev import compare_rgb, grid_extent, occupancy, render_forecast, render_temporal
from hilda.viz.features import pca_image, teacher_panel, write_teacher_panel

GRID = VoxelGrid((0.5, 0.5, 8.0), (-10.0, -10.0, -5.0, 10.0, 10.0, 3.0))


def _size(path):
    with Image.open(path) as im:
        return im.size


def test_occupancy_rows_are_y_and_columns_x():
    pts = np.array([[5.2, -3.1, 0.0], [0.0, 0.0, -4.9]])  # the second is ground (height mode)
    occ = occupancy(pts, GRID, 0.5, dict(mode="height", height=-1.4))
    assert occ.shape == (40, 40) and occ.sum() == 1
    assert occ[int((-3.1 + 10) / 0.5), int((5.2 + 10) / 0.5)]


def test_temporal_and_forecast_panels(viz_sample, tmp_path):
    ground = dict(mode="height")
    occ = [occupancy(p, GRID, 0.5, ground) for p in (viz_sample.prev_points, viz_sample.points, viz_sample.next_points)]
    assert all(o.any() for o in occ)
    path = render_temporal(occ[0], occ[1], None, tmp_path / "t.png", grid_extent(GRID), size=(600, 230))
    assert _size(path) == (600, 230)
    assert np.asarray(Image.open(path).convert("L")).std() > 5
    forecast = np.clip(occ[2] * 0.8 + 0.1 * np.random.default_rng(0).random(occ[2].shape), 0, 1)
    path = render_forecast(forecast, occ[2], tmp_path / "f.png", grid_extent(GRID))
    assert _size(path) == (1200, 430)
    rgb = compare_rgb(np.array([[0.9, 0.9], [0.1, 0.1]]), np.array([[1, 0], [1, 0]]))
    assert rgb[0, 0, 1] > 0.5 and rgb[0, 1, 0] > 0.5 and rgb[1, 0, 2] > 0.5 and not rgb[1, 1].any()


def test_teacher_panel_layout(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (2, 28, 56, 3), dtype=np.uint8)
    layers = [rng.standard_normal((2, 16, 2, 4)).astype(np.float32) for _ in range(2)]
    assert pca_image(layers[0][0], (56, 28)).shape == (28, 56, 3)
    panel = teacher_panel(images, layers, ["A", "B"], ["l0", "l1"])
    assert panel.shape == (2 * 28, 3 * 56, 3)
    path = write_teacher_panel(images, layers, tmp_path / "t.png", ["A", "B"])
    assert _size(path) == (3 * 56, 2 * 28)
