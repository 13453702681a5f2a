"""Ray-primitive intersection and the sensors' ray windows against analytic answers."""
from __future__ import annotations

import numpy as np
import pytest

from hilda.synthetic import raycast
from hilda.synthetic.raycast import BOX, CYLINDER, ELLIPSOID, GROUND, MISS


def prim(kind, c, h, yaw=0.0):
    return np.array([kind, *c, *h, np.cos(yaw), np.sin(yaw)], dtype=np.float64)


@pytest.mark.parametrize("kind, expected", [(BOX, 9.0), (CYLINDER, 9.0), (ELLIPSOID, 9.0)])
def test_head_on_distance_and_normal(kind, expected):
    p = prim(kind, (10.0, 0.0, 1.0), (1.0, 1.0, 1.0))
    t, nx, ny, nz, lx, ly, lz = raycast.intersect(p, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0)
    assert t == pytest.approx(expected)
    assert (nx, ny, nz) == pytest.approx((-1.0, 0.0, 0.0))
    assert (lx, ly, lz) == pytest.approx((-1.0, 0.0, 0.0))


def test_rotated_box_and_miss():
    p = prim(BOX, (10.0, 0.0, 0.0), (2.0, 0.5, 1.0), yaw=np.pi / 2)  # long side now along y
    t = raycast.intersect(p, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)[0]
    assert t == pytest.approx(9.5)
    assert raycast.intersect(p, 0.0, 3.0, 0.0, 1.0, 0.0, 0.0)[0] == np.inf  # passes beside it
    assert raycast.intersect(p, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0)[0] == np.inf  # behind the ray


def test_cylinder_cap_and_ellipsoid_radii():
    cyl = prim(CYLINDER, (0.0, 0.0, 0.0), (0.5, 0.5, 1.0))
    t, *_ = raycast.intersect(cyl, 0.2, 0.0, 5.0, 0.0, 0.0, -1.0)
    assert t == pytest.approx(4.0)
    ell = prim(ELLIPSOID, (0.0, 0.0, 0.0), (3.0, 1.0, 2.0))
    assert raycast.intersect(ell, -10.0, 0.0, 0.0, 1.0, 0.0, 0.0)[0] == pytest.approx(7.0)
    assert raycast.intersect(ell, 0.0, 0.0, 10.0, 0.0, 0.0, -1.0)[0] == pytest.approx(8.0)


def test_spinning_cast_hits_ground_at_expected_range_and_keeps_nearest():
    elevations = np.deg2rad(np.array([-20.0, -10.0, 5.0]))
    cols = 360
    az = 2 * np.pi * np.arange(cols) / cols
    dirs = np.stack([np.cos(elevations)[:, None] * np.cos(az), np.cos(elevations)[:, None] * np.sin(az),
                     np.sin(elevations)[:, None] * np.ones_like(az)], axis=-1)
    origin = np.array([0.0, 0.0, 2.0])
    wall = prim(BOX, (5.0, 0.0, 2.0), (0.1, 1.0, 3.0))
    far_wall = prim(BOX, (8.0, 0.0, 2.0), (0.1, 3.0, 3.0))
    t, ids, _, _ = raycast.cast_spinning(origin, np.eye(3), dirs, elevations, 70.0,
                                         np.stack([far_wall, wall]))
    assert ids[0, 180] == GROUND and t[0, 180] == pytest.approx(2.0 / np.sin(np.deg2rad(20.0)))
    assert ids[2, 180] == MISS
    assert ids[2, 0] == 1 and t[2, 0] == pytest.approx(4.9 / np.cos(np.deg2rad(5.0)))
    # brute force over all rays agrees with the windowed cast
    for i in range(3):
        for j in range(cols):
            best = min(raycast.intersect(p, *origin, *dirs[i, j])[0] for p in (far_wall, wall))
            if np.isfinite(best) and best < t[i, j] + 1e-9:
                assert t[i, j] == pytest.approx(best)
