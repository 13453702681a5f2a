"""Overlays paint exact colours at the pair pixels; the mosaic tiles six cameras."""
from __future__ import annotations

import numpy as np
from PIL import Image

from hilda.viz.overlay import MOSAIC_LAYOUT, paint_points, write_mosaic, write_overlays

MARK = np.array([255, 0, 255], np.uint8)


def test_paint_points_nearest_wins_and_radius():
    img = np.zeros((10, 12, 3), np.uint8)
    uv = np.array([[3.7, 2.2], [3.1, 2.9], [8.5, 6.5]])
    cols = np.array([[10, 0, 0], [20, 0, 0], [30, 0, 0]], np.uint8)
    out = paint_points(img, uv, cols, depth=np.array([5.0, 2.0, 9.0]), radius=1)
    assert tuple(out[2, 3]) == (20, 0, 0)  # both pairs fall on (2, 3); the nearer one wins
    assert tuple(out[6, 8]) == (30, 0, 0) and tuple(out[7, 9]) == (30, 0, 0)  # 3x3 square
    assert not img.any()  # input untouched


def _marked(sample, camera):
    """Point colours: green everywhere, MARK on the nearest point seen by ``camera`` alone."""
    pairs = sample.pairs
    once = np.bincount(pairs.point_index, minlength=len(sample.points))[pairs.point_index] == 1
    in_cam = np.flatnonzero((pairs.camera_index == camera) & once)
    pick = in_cam[np.argmin(pairs.depth[in_cam])]
    colors = np.tile(np.array([0, 255, 0], np.uint8), (len(sample.points), 1))
    colors[pairs.point_index[pick]] = MARK
    return colors, pairs.uv[pick]


def test_overlay_colours_a_known_pair_pixel(viz_sample, tmp_path):
    names = viz_sample.meta["cameras"]
    camera = names.index("CAM_FRONT")
    colors, (u, v) = _marked(viz_sample, camera)
    paths = write_overlays(viz_sample, colors, tmp_path, "ov", radius=0)
    assert [p.name for p in paths] == [f"ov_{n}.png" for n in names]
    img = np.asarray(Image.open(paths[camera]).convert("RGB"))
    h, w = viz_sample.images.shape[1:3]
    assert img.shape == (h, w, 3)
    assert tuple(img[int(np.floor(v)), int(np.floor(u))]) == tuple(MARK)
    assert (img == MARK).all(-1).sum() == 1  # one pixel, radius 0
    other = np.asarray(Image.open(paths[camera + 1]).convert("RGB"))
    assert not (other == MARK).all(-1).any()


def test_mosaic_has_six_tiles_and_the_pair_in_its_tile(viz_sample, tmp_path):
    names = viz_sample.meta["cameras"]
    camera = names.index("CAM_BACK")
    colors, (u, v) = _marked(viz_sample, camera)
    path = write_mosaic(viz_sample, colors, tmp_path / "m.png", radius=0)
    img = np.asarray(Image.open(path).convert("RGB"))
    h, w = viz_sample.images.shape[1:3]
    assert img.shape == (2 * h, 3 * w, 3)
    row = next(i for i, r in enumerate(MOSAIC_LAYOUT) if "CAM_BACK" in r)
    col = MOSAIC_LAYOUT[row].index("CAM_BACK")
    assert tuple(img[row * h + int(v), col * w + int(u)]) == tuple(MARK)
    plain = np.asarray(Image.open(write_mosaic(viz_sample, None, tmp_path / "p.png")).convert("RGB"))
    assert plain.shape == img.shape and not (plain == MARK).all(-1).any()
