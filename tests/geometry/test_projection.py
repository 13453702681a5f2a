"""``project_to_cameras`` against the devkit on the synthetic world, and hand-made geometry."""
from __future__ import annotations

import numpy as np
import pytest
from nuscenes.utils.data_classes import LidarPointCloud
from pyquaternion import Quaternion

from hilda.geometry.projection import project_to_cameras
from hilda.structures.calib import compose, intrinsic_to_4x4, invert, record2a2b
from hilda.structures.sample import CAMERA_NAMES
from tests.geometry.toy_camera import SIZE, lidar2img_toy, to_lidar
from tests.synthetic.helpers import devkit_projection

F32_EPS = float(np.finfo(np.float32).eps)


def _calib(nusc, sample):
    """LiDAR token, ``(6, 4, 4)`` lidar2img from the tables and ``(6, 2)`` (W, H)."""
    lidar = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
    lidar2ego = record2a2b(nusc.get("calibrated_sensor", lidar["calibrated_sensor_token"]))
    ego2global_lidar = record2a2b(nusc.get("ego_pose", lidar["ego_pose_token"]))
    mats, sizes = [], []
    for ch in CAMERA_NAMES:
        cam = nusc.get("sample_data", sample["data"][ch])
        cs = nusc.get("calibrated_sensor", cam["calibrated_sensor_token"])
        ego2global_cam = record2a2b(nusc.get("ego_pose", cam["ego_pose_token"]))
        mats.append(compose(intrinsic_to_4x4(np.array(cs["camera_intrinsic"])), invert(record2a2b(cs)),
                            invert(ego2global_cam), ego2global_lidar, lidar2ego))
        sizes.append((cam["width"], cam["height"]))
    return lidar["token"], np.stack(mats), np.array(sizes, dtype=np.float64)


def _devkit_chain_f64(nusc, lidar_sd, cam_sd, points):
    """The devkit's chain of record rotations/translations, in float64: ``(u, v, depth)`` per point."""
    lidar, cam = nusc.get("sample_data", lidar_sd), nusc.get("sample_data", cam_sd)
    p = points[:, :3].astype(np.float64).T
    for rec, inv in ((nusc.get("calibrated_sensor", lidar["calibrated_sensor_token"]), False),
                     (nusc.get("ego_pose", lidar["ego_pose_token"]), False),
                     (nusc.get("ego_pose", cam["ego_pose_token"]), True),
                     (nusc.get("calibrated_sensor", cam["calibrated_sensor_token"]), True)):
        rot, t = Quaternion(rec["rotation"]).rotation_matrix, np.array(rec["translation"])[:, None]
        p = rot.T @ (p - t) if inv else rot @ p + t
    intrinsic = np.array(nusc.get("calibrated_sensor", cam["calibrated_sensor_token"])["camera_intrinsic"])
    q = intrinsic @ p
    return q[0] / q[2], q[1] / q[2], p[2]


def _boundary_margin(u, v, depth, w, h):
    """Distance (px or m) of each point to the nearest keep/drop decision boundary."""
    return np.min(np.abs(np.stack([u - 1, u - (w - 1), v - 1, v - (h - 1), depth - 1.0])), axis=0)


@pytest.mark.parametrize("which", [0, 7, 14, 22, 29])
def test_pairs_equal_devkit_projection(nusc, which):
    sample = nusc.sample[which]
    lidar_sd, lidar2img, sizes = _calib(nusc, sample)
    points = LidarPointCloud.from_file(nusc.get_sample_data_path(lidar_sd)).points.T
    pairs = project_to_cameras(points, lidar2img, sizes)
    assert np.all(np.diff(pairs.camera_index) >= 0)
    # The devkit rounds to float32 after each of its 8 steps, in the global frame (|x| ~ 100s m):
    # its pixels are off by up to ~f * eps32 * |global| / depth; hilda composes in float64.
    ego = nusc.get("ego_pose", nusc.get("sample_data", lidar_sd)["ego_pose_token"])
    f32_px_m = 4 * lidar2img[:, 0, 0].max() * F32_EPS * (np.abs(ego["translation"]).max() + 100.0)
    for k, ch in enumerate(CAMERA_NAMES):
        idx, uv, depth = devkit_projection(nusc, lidar_sd, sample["data"][ch])
        ours = pairs.select(pairs.camera_index == k)
        assert len(idx) > 100 and np.all(np.diff(ours.point_index) > 0)
        u64, v64, d64 = _devkit_chain_f64(nusc, lidar_sd, sample["data"][ch], points)
        # Same points, except (never seen so far) any within float32 noise of a decision boundary.
        differ = np.setxor1d(idx, ours.point_index)
        assert np.all(_boundary_margin(u64, v64, d64, *sizes[k])[differ] < 1e-2), differ
        common, i_dev, i_ours = np.intersect1d(idx, ours.point_index, return_indices=True)
        assert len(common) >= len(idx) - len(differ)
        err = np.abs(uv[i_dev] - ours.uv[i_ours]).max(axis=1)
        assert np.all(err <= 1e-3 + f32_px_m / depth[i_dev]), err.max()
        np.testing.assert_allclose(ours.depth[i_ours], depth[i_dev], atol=1e-4, rtol=0)
        # Against the same chain in float64 the agreement is tight everywhere.
        ref = np.stack([u64, v64], axis=1)[ours.point_index]
        np.testing.assert_allclose(ours.uv, ref, atol=1e-3, rtol=0)
        np.testing.assert_allclose(ours.depth, d64[ours.point_index], atol=1e-4, rtol=0)
        np.testing.assert_array_equal(ours.point_index, np.flatnonzero(
            (d64 > 1) & (u64 > 1) & (u64 < sizes[k, 0] - 1) & (v64 > 1) & (v64 < sizes[k, 1] - 1)))


def test_matches_explorer_map_pointcloud_to_image(nusc):
    sample = nusc.sample[3]
    lidar_sd, lidar2img, sizes = _calib(nusc, sample)
    points = LidarPointCloud.from_file(nusc.get_sample_data_path(lidar_sd)).points.T
    uvd, coloring, _ = nusc.explorer.map_pointcloud_to_image(lidar_sd, sample["data"]["CAM_FRONT"])
    pairs = project_to_cameras(points, lidar2img[:1], sizes[:1])
    assert len(pairs) == uvd.shape[1] > 100
    np.testing.assert_allclose(pairs.uv, uvd[:2].T, atol=2e-2, rtol=0)
    np.testing.assert_allclose(pairs.depth, coloring, atol=1e-4, rtol=0)


def test_depth_and_border_rules():
    cam = [[0, 0, 10],  # centre: kept, (48, 36)
           [0, 0, -10], [0, 0, 0.5], [0, 0, 1.0],  # behind, too near, exactly min depth: dropped
           [0, 0, 1.001],  # just beyond min depth: kept
           [-47, 0, 64], [47, 0, 64], [0, -35, 64], [0, 35, 64],  # u = 1, u = 95, v = 1, v = 71: dropped
           [-46.9, 0, 64], [46.9, 34.9, 64]]  # just inside: kept
    pairs = project_to_cameras(to_lidar(cam), lidar2img_toy()[None], np.array([SIZE]))
    np.testing.assert_array_equal(pairs.point_index, [0, 4, 9, 10])
    np.testing.assert_array_equal(pairs.camera_index, [0, 0, 0, 0])
    np.testing.assert_allclose(pairs.uv[0], [48, 36], atol=1e-6)
    np.testing.assert_allclose(pairs.depth, [10, 1.001, 64, 64], rtol=1e-6)
    assert pairs.uv.dtype == np.float32 and pairs.depth.dtype == np.float32
    assert pairs.point_index.dtype == np.int64 and pairs.camera_index.dtype == np.int64


def test_overlap_of_two_cameras_gives_two_pairs_sorted():
    yaw1 = np.deg2rad(45.0)  # half field of view atan(47/64) ~ 36 deg: overlap 9..36 deg
    angles = np.deg2rad([22.5, 0.0, 60.0, 180.0])  # both, cam 0 only, cam 1 only, none
    pts = np.stack([10 * np.cos(angles), 10 * np.sin(angles), np.zeros(4), np.arange(4.0)], axis=1)
    lidar2img = np.stack([lidar2img_toy(0.0), lidar2img_toy(yaw1)])
    pairs = project_to_cameras(pts.astype(np.float32), lidar2img, np.array([SIZE, SIZE]))
    np.testing.assert_array_equal(pairs.camera_index, [0, 0, 1, 1])
    np.testing.assert_array_equal(pairs.point_index, [0, 1, 0, 2])
    np.testing.assert_allclose(pairs.depth[[0, 2]], 10 * np.cos(np.deg2rad(22.5)), rtol=1e-5)
    np.testing.assert_allclose(pairs.uv[0, 0], 48 + 64 * np.tan(np.deg2rad(-22.5)), atol=1e-4)
    np.testing.assert_allclose(pairs.uv[2, 0], 48 + 64 * np.tan(np.deg2rad(22.5)), atol=1e-4)


def test_empty_inputs():
    pairs = project_to_cameras(np.zeros((0, 3)), lidar2img_toy()[None], np.array([SIZE]))
    assert len(pairs) == 0 and pairs.uv.shape == (0, 2) and pairs.uv.dtype == np.float32
    with pytest.raises(ValueError):
        project_to_cameras(np.zeros((4, 3)), np.stack([lidar2img_toy()] * 2), np.array([SIZE]))
