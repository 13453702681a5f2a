"""Block z-buffer occlusion filter of ``project_to_cameras``."""
from __future__ import annotations

import numpy as np
import pytest

from hilda.geometry.occlusion import OcclusionFilter
from hilda.geometry.projection import project_to_cameras
from tests.geometry.toy_camera import SIZE, lidar2img_toy, to_lidar


def _project(cam_xyz, occlusion):
    return project_to_cameras(to_lidar(cam_xyz), lidar2img_toy()[None], np.array([SIZE]), occlusion=occlusion)


def test_far_point_behind_near_point_is_dropped_only_when_enabled():
    # (u, v) = (52, 36), (52, 36), (44, 36): 8-px blocks (6, 4), (6, 4), (5, 4).
    cam = [[1.0, 0, 16], [2.0, 0, 32], [-2.0, 0, 32]]  # near, far behind it, far in another block
    assert list(_project(cam, None).point_index) == [0, 1, 2]
    kept = _project(cam, dict(block=8, tolerance=0.5))
    assert list(kept.point_index) == [0, 2]
    assert list(_project(cam, OcclusionFilter(block=8, tolerance=20.0)).point_index) == [0, 1, 2]


def test_tolerances():
    # Depths 16 and 16.25, both at pixel (52, 36) exactly: 0.25 m apart is within 0.5 m,
    # outside 0.1 m, within 2 % of 16 m.
    cam = [[1.0, 0, 16], [1.015625, 0, 16.25]]
    assert list(_project(cam, dict(block=8, tolerance=0.5)).point_index) == [0, 1]
    assert list(_project(cam, dict(block=8, tolerance=0.1)).point_index) == [0]
    assert list(_project(cam, dict(block=8, tolerance=0.0, relative=0.02)).point_index) == [0, 1]
    assert list(_project(cam, dict(block=1, tolerance=0.1)).point_index) == [0]


def test_blocks_are_per_camera_and_validated():
    cam = to_lidar([[1.0, 0, 16], [2.0, 0, 32]])
    lidar2img = np.stack([lidar2img_toy(), lidar2img_toy()])
    pairs = project_to_cameras(cam, lidar2img, np.array([SIZE, SIZE]), occlusion=dict(block=8, tolerance=0.5))
    np.testing.assert_array_equal(pairs.camera_index, [0, 1])
    np.testing.assert_array_equal(pairs.point_index, [0, 0])
    with pytest.raises(ValueError):
        OcclusionFilter(block=0)
