"""a2b transforms against pyquaternion and the devkit's transform_matrix."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.geometry_utils import transform_matrix
from pyquaternion import Quaternion

from hilda.structures.calib import (compose, invert, make_a2b, matrix_to_quaternion, transform_points,
                                    yaw_to_quaternion)


def _random_pose(rng):
    q = Quaternion(rng.normal(size=4)).normalised
    return list(q.elements), rng.normal(size=3) * 10


def test_make_a2b_and_invert_match_devkit():
    rng = np.random.default_rng(0)
    for _ in range(10):
        q, t = _random_pose(rng)
        a2b = make_a2b(q, t)
        np.testing.assert_allclose(a2b, transform_matrix(t, Quaternion(q)), atol=1e-12)
        np.testing.assert_allclose(invert(a2b), transform_matrix(t, Quaternion(q), inverse=True), atol=1e-12)
        np.testing.assert_allclose(invert(a2b) @ a2b, np.eye(4), atol=1e-12)


def test_compose_order_and_points():
    rng = np.random.default_rng(1)
    a2b, b2c = make_a2b(*_random_pose(rng)), make_a2b(*_random_pose(rng))
    pts = rng.normal(size=(20, 4)).astype(np.float32)
    via = transform_points(b2c, transform_points(a2b, pts.astype(np.float64)))
    direct = transform_points(compose(b2c, a2b), pts.astype(np.float64))
    np.testing.assert_allclose(via, direct, atol=1e-9)
    assert transform_points(a2b, pts).dtype == np.float32
    np.testing.assert_array_equal(transform_points(a2b, pts)[:, 3], pts[:, 3])


def test_quaternion_round_trip_and_yaw():
    rng = np.random.default_rng(2)
    for _ in range(10):
        q, _ = _random_pose(rng)
        back = matrix_to_quaternion(Quaternion(q).rotation_matrix)
        assert back[0] >= 0
        np.testing.assert_allclose(Quaternion(back).rotation_matrix, Quaternion(q).rotation_matrix, atol=1e-9)
    assert abs(Quaternion(yaw_to_quaternion(0.3)).yaw_pitch_roll[0] - 0.3) < 1e-12
