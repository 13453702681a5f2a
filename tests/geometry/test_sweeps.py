"""Sweep accumulation: known motions, the time-lag channel, and the devkit's multisweep."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.data_classes import LidarPointCloud

from hilda.geometry.sweeps import accumulate_sweeps, remove_close
from hilda.structures.calib import make_a2b, record2a2b, sensor2sensor, yaw_to_quaternion


def test_known_motion_and_time_lag():
    key = np.array([[1.0, 2.0, 3.0, 0.5], [4.0, 5.0, 6.0, 0.6]], np.float32)
    sweep = np.array([[1.0, 0.0, 0.0, 0.1], [0.0, 2.0, 1.0, 0.2], [3.0, 4.0, 5.0, 0.3]], np.float32)
    quarter_turn = make_a2b(yaw_to_quaternion(np.pi / 2), [10.0, -1.0, 0.5])  # (x, y) -> (-y, x), then t
    shift = make_a2b([1, 0, 0, 0], [0.0, 0.0, -2.0])
    out = accumulate_sweeps(key, [(sweep, quarter_turn, 0.05), (sweep[:1], shift, 0.1)])
    assert out.shape == (6, 5) and out.dtype == np.float32
    np.testing.assert_array_equal(out[:2, :4], key)
    expected = np.array([[10.0, 0.0, 0.5], [8.0, -1.0, 1.5], [6.0, 2.0, 5.5], [1.0, 0.0, -2.0]])
    np.testing.assert_allclose(out[2:, :3], expected, atol=1e-6)
    np.testing.assert_array_equal(out[2:, 3], np.float32([0.1, 0.2, 0.3, 0.1]))  # passed through
    np.testing.assert_allclose(out[:, 4], [0, 0, 0.05, 0.05, 0.05, 0.1])


def test_no_sweeps_and_empty_sweep():
    key = np.ones((3, 4), np.float64)
    out = accumulate_sweeps(key, [(np.zeros((0, 4)), np.eye(4), 0.5)])
    assert out.shape == (3, 5) and out.dtype == np.float32
    np.testing.assert_array_equal(out[:, 4], 0)
    assert accumulate_sweeps(np.zeros((0, 4)), []).shape == (0, 5)


def test_remove_close_devkit_rule():
    pts = np.array([[0.5, 0.5, 0, 1], [0.5, 1.5, 0, 2], [-0.9, -0.9, 9, 3], [2, 0, 0, 4]], np.float32)
    np.testing.assert_array_equal(remove_close(pts, 1.0)[:, 3], [2, 4])


def test_equals_devkit_multisweep(nusc):
    """Key scan + 2 sweeps, moved with ``sensor2sensor`` from the tables, equal the devkit's."""
    sample = nusc.sample[1]
    ref = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])

    def calib(sd):
        return (record2a2b(nusc.get("calibrated_sensor", sd["calibrated_sensor_token"])),
                record2a2b(nusc.get("ego_pose", sd["ego_pose_token"])))

    def load(sd):
        pc = LidarPointCloud.from_file(f"{nusc.dataroot}/{sd['filename']}")
        return remove_close(pc.points.T, 1.0)

    ref2ego, ref_ego2global = calib(ref)
    sweeps, sd = [], ref
    while sd["prev"] and len(sweeps) < 2:
        sd = nusc.get("sample_data", sd["prev"])
        s2e, e2g = calib(sd)
        sweeps.append((load(sd), sensor2sensor(s2e, e2g, ref_ego2global, ref2ego),
                       1e-6 * ref["timestamp"] - 1e-6 * sd["timestamp"]))
    assert len(sweeps) == 2
    ours = accumulate_sweeps(load(ref), sweeps)
    pc, times = LidarPointCloud.from_file_multisweep(nusc, sample, "LIDAR_TOP", "LIDAR_TOP", nsweeps=3)
    assert ours.shape == (pc.points.shape[1], 5)
    np.testing.assert_allclose(ours[:, :3], pc.points[:3].T, atol=1e-4, rtol=0)
    np.testing.assert_array_equal(ours[:, 3], pc.points[3])
    np.testing.assert_allclose(ours[:, 4], times[0], atol=1e-6)
    assert np.all(ours[len(load(ref)):, 4] > 0)
