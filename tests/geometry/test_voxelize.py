"""``voxelize`` against spconv's ``PointToVoxel`` and by construction."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from nuscenes.utils.data_classes import LidarPointCloud

from hilda.geometry.grid import VoxelGrid
from hilda.geometry.voxelize import voxelize

GRID = VoxelGrid((0.2, 0.2, 0.25), (-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))


def _spconv(points: np.ndarray, grid: VoxelGrid, max_points: int):
    from spconv.pytorch.utils import PointToVoxel

    gen = PointToVoxel(vsize_xyz=list(grid.voxel_size), coors_range_xyz=list(grid.point_cloud_range),
                       num_point_features=points.shape[1], max_num_voxels=max(len(points), 1),
                       max_num_points_per_voxel=max_points)
    voxels, coords, num, point2voxel = gen.generate_voxel_with_id(torch.from_numpy(points))
    means = voxels.double().sum(1) / num[:, None].double()
    return coords.numpy(), point2voxel.numpy(), means.numpy()


def _check_equal_to_spconv(points: np.ndarray, grid: VoxelGrid):
    vox = voxelize(points, grid)
    inside = vox.point2voxel >= 0
    max_points = int(np.bincount(vox.point2voxel[inside]).max())
    coords, point2voxel, means = _spconv(points, grid, max_points)
    # Same numbering (first occurrence), so the arrays are equal as they stand, not only as sets.
    np.testing.assert_array_equal(vox.coords, coords)
    np.testing.assert_array_equal(vox.point2voxel, point2voxel)
    np.testing.assert_allclose(vox.feats, means, atol=1e-5, rtol=0)
    return vox


def _boundary_points(grid: VoxelGrid, rng, n: int) -> np.ndarray:
    """Points exactly on voxel faces (in decimal), the range's min and max faces included."""
    lo, hi, size = np.array(grid.point_cloud_range[:3]), np.array(grid.point_cloud_range[3:]), np.array(grid.voxel_size)
    steps = rng.integers(0, np.round((hi - lo) / size).astype(int) + 1, size=(n, 3))
    return np.round(lo + steps * size, 6).astype(np.float32)


def test_equals_spconv_on_random_points_and_boundaries():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-60, 60, size=(20000, 4)).astype(np.float32)
    pts[:, 2] = rng.uniform(-6, 4, size=len(pts))
    faces = np.concatenate([_boundary_points(GRID, rng, 3000), rng.normal(size=(3000, 1))], axis=1)
    pts = np.concatenate([pts, faces.astype(np.float32), pts[:500] + 1e-3]).astype(np.float32)
    vox = _check_equal_to_spconv(pts, GRID)
    assert 0 < len(vox.coords) < len(pts) and np.any(vox.point2voxel == -1)
    _check_equal_to_spconv(pts.astype(np.float64) + 1e-9, GRID)  # spconv also computes in double


def test_equals_spconv_on_synthetic_scan(nusc):
    sd = nusc.sample[5]["data"]["LIDAR_TOP"]
    pts = LidarPointCloud.from_file(nusc.get_sample_data_path(sd)).points.T.copy()
    vox = _check_equal_to_spconv(pts, VoxelGrid((0.1, 0.1, 0.2), GRID.point_cloud_range))
    assert len(vox.coords) > 1000 and vox.feats.shape == (len(vox.coords), 4)


def test_inverse_map_reconstructs_coordinates_and_means():
    rng = np.random.default_rng(1)
    pts = rng.uniform(-55, 55, size=(5000, 5)).astype(np.float32)
    pts[:, 2] = rng.uniform(-6, 4, size=len(pts))
    vox = voxelize(pts, GRID)
    lo, size = np.array(GRID.point_cloud_range[:3]), np.array(GRID.voxel_size)
    hi = np.array(GRID.point_cloud_range[3:])
    inside = np.all((pts[:, :3] >= lo) & (pts[:, :3] < hi), axis=1)
    np.testing.assert_array_equal(vox.point2voxel >= 0, inside)
    xyz = np.floor((pts[inside, :3] - lo) / size).astype(np.int32)
    np.testing.assert_array_equal(vox.coords[vox.point2voxel[inside]], xyz[:, ::-1])
    assert len(np.unique(vox.coords, axis=0)) == len(vox.coords)
    assert np.all(vox.coords < np.array(GRID.spatial_shape)) and np.all(vox.coords >= 0)
    # Voxels numbered by first occurrence.
    first = np.unique(vox.point2voxel[inside], return_index=True)[1]
    assert np.all(np.diff(first) > 0)
    sums = np.zeros((len(vox.coords), 5))
    np.add.at(sums, vox.point2voxel[inside], pts[inside].astype(np.float64))
    counts = np.bincount(vox.point2voxel[inside], minlength=len(vox.coords))
    np.testing.assert_allclose(vox.feats, sums / counts[:, None], atol=1e-5)
    assert vox.coords.dtype == np.int32 and vox.point2voxel.dtype == np.int64 and vox.feats.dtype == np.float32


@pytest.mark.parametrize("points", [np.zeros((0, 4), np.float32),
                                    np.array([[100.0, 0, 0, 1], [0, 0, 3.0, 1], [np.nan, 0, 0, 1]], np.float32)])
def test_empty_and_out_of_range(points):
    vox = voxelize(points, GRID)
    assert vox.coords.shape == (0, 3) and vox.coords.dtype == np.int32
    assert vox.feats.shape == (0, 4) and vox.feats.dtype == np.float32
    assert vox.point2voxel.dtype == np.int64
    np.testing.assert_array_equal(vox.point2voxel, -np.ones(len(points)))


def test_max_face_excluded_min_face_included():
    pts = np.array([[51.2, 0, 0], [-51.2, -51.2, -5.0], [51.19, 51.19, 2.99]], np.float32)
    vox = voxelize(pts, GRID)
    np.testing.assert_array_equal(vox.point2voxel, [-1, 0, 1])
    np.testing.assert_array_equal(vox.coords, [[0, 0, 0], [31, 511, 511]])
