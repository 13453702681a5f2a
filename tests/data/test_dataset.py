"""The dataset reads samples from the index alone and they agree with the devkit."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hilda.data.nuscenes_labels import lidarseg32_to_16
from hilda.structures.sample import CAMERA_NAMES
from tests.synthetic.helpers import devkit_projection, lidarseg_labels


def test_pairs_equal_devkit_for_every_camera(make_dataset, nusc):
    ds = make_dataset("mini_val", image_size=(320, 180))  # the world's own size: no rescaling
    for i in (0, 3):
        s = ds[i]
        sample = nusc.get("sample", s.token)
        for k, cam in enumerate(CAMERA_NAMES):
            idx, uv, depth = devkit_projection(nusc, sample["data"]["LIDAR_TOP"], sample["data"][cam])
            mine = s.pairs.camera_index == k
            np.testing.assert_array_equal(s.pairs.point_index[mine], idx)
            np.testing.assert_allclose(s.pairs.uv[mine], uv, atol=2e-2)  # devkit rounds in float32
            np.testing.assert_allclose(s.pairs.depth[mine], depth, atol=1e-3)


def test_labels_sweeps_and_shapes(make_dataset, nusc):
    ds = make_dataset(sweeps=3, image_size=(224, 126), temporal=True, boxes=True)
    s = ds[0]
    sd = nusc.get("sample", s.token)["data"]["LIDAR_TOP"]
    key_labels = lidarseg32_to_16(lidarseg_labels(nusc, sd))
    assert s.n_key == len(key_labels) and s.points.shape[1] == 5
    np.testing.assert_array_equal(s.labels[:s.n_key], key_labels)
    assert np.all(s.labels[s.n_key:] == 255) and np.all(s.points[s.n_key:, 4] > 0) and np.all(s.points[:s.n_key, 4] == 0)
    assert len(s.points) > 3 * s.n_key  # 3 sweeps accumulated
    assert s.images.shape == (6, 126, 224, 3) and s.images.dtype == np.uint8
    assert s.pairs.uv[:, 0].max() < 224 and s.pairs.uv[:, 1].max() < 126
    assert s.prev_points is not None and s.next_points is not None and len(s.boxes) == len(s.box_labels) > 0
    # voxels: every in-range point maps to the voxel that contains it
    # in float32, like spconv's PointToVoxel
    lo, size = np.float32(ds.grid.point_cloud_range[:3]), np.float32(ds.grid.voxel_size)
    inside = s.voxels.point2voxel >= 0
    zyx = np.floor((s.points[inside, :3] - lo) / size).astype(np.int64)[:, ::-1]
    np.testing.assert_array_equal(s.voxels.coords[s.voxels.point2voxel[inside]], zyx)


def test_prev_and_next_keyframes_align_static_world(make_dataset):
    """Structures of t-1 / t+1, moved into t0, fall in the t0 scan's occupied cells (ego moves
    ~4.5 m between keyframes); the unmoved scans do much worse, so the test can fail."""
    from hilda.data.loading import read_points

    ds = make_dataset(temporal=True)
    s, rec = ds[0], ds.records[0]
    key = s.points[:s.n_key, :3]
    cells = lambda p: map(tuple, np.floor(p[:, :2]).astype(int))  # noqa: E731  (1 m cells)
    occupied = set(cells(key[key[:, 2] > -1.0]))  # above the ground

    def hit_rate(other):
        near = other[(np.linalg.norm(other[:, :2], axis=1) < 30) & (other[:, 2] > -1.0)]
        return np.mean([c in occupied for c in cells(near)])

    for name in ("prev", "next"):
        moved, raw = hit_rate(getattr(s, f"{name}_points")), hit_rate(read_points(ds.data_root / rec[name]["path"]))
        assert moved > 0.6 and moved > raw + 0.2, (name, moved, raw)


def test_temporal_keeps_only_samples_with_both_neighbours(make_dataset, index_dir):
    full, temporal = make_dataset(), make_dataset(temporal=True)
    n_scenes = len({full.records[i]["scene_token"] for i in range(len(full))})
    assert n_scenes > 1 and len(temporal) == len(full) - 2 * n_scenes  # first and last keyframes go


def test_loader_with_workers_is_reproducible(make_dataset):
    from functools import partial

    from torch.utils.data import DataLoader

    from hilda.data.collate import collate

    ds = make_dataset(pipeline=[dict(type="RandomRotateZ"), dict(type="PointDropout", ratio=0.2)])

    def first_points(seed):
        torch.manual_seed(seed)
        loader = DataLoader(ds, batch_size=2, num_workers=2, collate_fn=partial(collate, spatial_shape=ds.grid.spatial_shape))
        return next(iter(loader)).points.points

    a, b, c = first_points(0), first_points(0), first_points(1)
    assert torch.equal(a, b) and not (a.shape == c.shape and torch.equal(a, c))


def test_teacher_cache_with_image_transforms_is_refused(make_dataset, tmp_path):
    with pytest.raises(Exception, match="no teacher cache"):
        make_dataset(image_size=(224, 126), teacher_cache=dict(root=str(tmp_path), model_name="m", layers=(10, 11),
                                                                image_size=(224, 126)))


def test_ego_box_removes_ego_returns_and_keeps_labels_aligned(make_dataset, nusc):
    from hilda.data.nuscenes_labels import CATEGORY_INDEX

    plain, boxed = make_dataset(), make_dataset(ego_box=(-1.0, -1.1, 3.6, 1.1), temporal=True)
    token = boxed.tokens[0]
    s, full = boxed[0], plain[plain.tokens.index(token)]
    raw = lidarseg_labels(nusc, nusc.get("sample", token)["data"]["LIDAR_TOP"])
    ego = raw == CATEGORY_INDEX["vehicle.ego"]
    from hilda.structures.calib import transform_points

    lidar2ego = np.asarray(boxed.records[0]["lidar"]["lidar2ego"])
    p_ego = transform_points(lidar2ego, full.points[:, :3].astype(np.float64))
    keep = ~((p_ego[:, 0] >= -1.0) & (p_ego[:, 0] <= 3.6) & (np.abs(p_ego[:, 1]) <= 1.1))
    assert ego.sum() > 100 and not (keep & ego).any()  # every ego return goes
    assert (~keep & ~ego).sum() < 0.001 * len(keep)  # and (almost) nothing else
    np.testing.assert_array_equal(s.points[:, :3], full.points[keep, :3])
    np.testing.assert_array_equal(s.labels, lidarseg32_to_16(raw[keep]))
    from hilda.structures.calib import invert

    for name in ("prev", "next"):  # t-1 / t+1 lose the ego returns of their own frame
        own = transform_points(invert(np.asarray(boxed.records[0][name]["a2lidar"])),
                               getattr(s, f"{name}_points")[:, :3].astype(np.float64))
        e = transform_points(lidar2ego, own)
        assert not ((e[:, 0] >= -1.0) & (e[:, 0] <= 3.6) & (np.abs(e[:, 1]) <= 1.1)).any()
