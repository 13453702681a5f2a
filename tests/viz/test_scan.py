"""Scan views: box corners agree with the devkit; BEV and perspective PNGs have the asked size."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.data_classes import Box
from PIL import Image
from pyquaternion import Quaternion

from hilda.viz.colors import height_colors, intensity_colors, label_colors
from hilda.viz.scan import box_corners, render_bev, render_perspective


def _png(path):
    return np.asarray(Image.open(path).convert("RGB"))


def test_box_corners_match_devkit_box():
    boxes = np.array([[1.0, 2.0, -0.5, 1.8, 4.5, 1.6, 0.3], [-10.0, 5.0, 0.0, 0.6, 0.8, 1.7, -2.0]])
    for box, corners in zip(boxes, box_corners(boxes)):
        ref = Box(box[:3], box[3:6], Quaternion(axis=[0, 0, 1], angle=box[6])).corners().T
        np.testing.assert_allclose(corners, ref, atol=1e-9)


def test_bev_and_perspective_pngs(viz_sample, tmp_path):
    xyz = viz_sample.points[:, :3]
    views = ((render_bev, height_colors(xyz[:, 2])), (render_perspective, label_colors(viz_sample.labels)))
    for render, colors in views:
        path = render(xyz, colors, tmp_path / f"{render.__name__}.png", boxes=viz_sample.boxes, size=(320, 240),
                      title="t")
        img = _png(path)
        assert img.shape == (240, 320, 3) and img.std() > 5, path


def test_failed_open3d_render_falls_back_to_matplotlib(viz_sample, tmp_path, monkeypatch, capsys):
    import hilda.viz.interactive as interactive
    from hilda.viz.commands import run_scan

    monkeypatch.setattr(interactive, "render_offscreen", lambda *a, **k: None)  # as after a driver abort
    rgb = intensity_colors(viz_sample.points[:, 3])
    paths = run_scan(viz_sample, tmp_path, rgb, views=("perspective",), size=(200, 150), renderer="open3d")
    assert "matplotlib" in capsys.readouterr().out
    assert len(paths) == 1 and _png(paths[0]).shape == (150, 200, 3)
