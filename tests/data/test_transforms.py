"""Augmentations keep pairs, labels, boxes and temporal frames consistent."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from nuscenes.utils.geometry_utils import points_in_box
from pyquaternion import Quaternion
from nuscenes.utils.data_classes import Box

from hilda.data.nuscenes_labels import lidarseg32_to_16
from hilda.data.transforms import Compose

IMAGE = (224, 126)


def pair_class_agreement(s) -> float:
    p = s.pairs
    u, v = np.floor(p.uv[:, 0]).astype(int), np.floor(p.uv[:, 1]).astype(int)
    pix = lidarseg32_to_16(s.image_labels[p.camera_index, v, u])
    lab = s.labels[p.point_index]
    ok = (lab != 255) & (pix != 255)
    return float((pix[ok] == lab[ok]).mean())


@pytest.fixture(scope="module")
def plain(make_dataset):
    return make_dataset(image_size=IMAGE, image_label_dir="hilda_semantic", temporal=True, boxes=True)


def test_pairs_land_on_the_same_class_after_augmentation(plain):
    full = Compose([dict(type="RandomRotateZ"), dict(type="RandomFlip"), dict(type="RandomScale"),
                    dict(type="PointDropout", ratio=0.3), dict(type="ImageResizeCrop", scale_range=(1.0, 1.5)),
                    dict(type="ImageFlip", prob=0.5)])
    rng = np.random.default_rng(0)
    for i in range(3):
        s = plain[i]
        before = pair_class_agreement(s)
        assert before > 0.85
        aug = full(copy.deepcopy(s), rng)
        assert len(aug.pairs) > 0.4 * len(s.pairs)
        assert pair_class_agreement(aug) > before - 0.05
        # the images moved with the pairs: the RGB under each pair is not the unaugmented one
        assert any(a["type"] == "flip" and a["flipped"].any() for a in aug.meta["image_aug"]) or i < 2


def test_broken_pair_update_is_detected(plain):
    """The agreement measure can fail: flipping images without moving the pairs breaks it."""
    s = copy.deepcopy(plain[0])
    s.image_labels = s.image_labels[:, :, ::-1]
    assert pair_class_agreement(s) < 0.6


def _box_counts(points, boxes):
    counts = []
    for b in boxes:
        box = Box(b[:3], b[3:6], Quaternion(axis=[0, 0, 1], angle=float(b[6])))
        counts.append(int(points_in_box(box, points[:, :3].T.astype(np.float64)).sum()))
    return np.array(counts)


def test_global_transforms_move_points_boxes_and_frames_together(plain):
    s = plain[1]
    t = Compose([dict(type="RandomRotateZ"), dict(type="RandomFlip", flip_x=1.0, flip_y=0.0),
                 dict(type="RandomScale", scale_range=(1.1, 1.1))])
    aug = t(copy.deepcopy(s), np.random.default_rng(3))
    m = aug.meta["point_aug"][:3, :3]
    np.testing.assert_allclose(aug.points[:, :3], s.points[:, :3] @ m.T, atol=1e-4)
    np.testing.assert_allclose(aug.prev_points[:, :3], s.prev_points[:, :3] @ m.T, atol=1e-4)
    np.testing.assert_allclose(aug.next_points[:, :3], s.next_points[:, :3] @ m.T, atol=1e-4)
    np.testing.assert_array_equal(aug.pairs.point_index, s.pairs.point_index)
    before, after = _box_counts(s.points, s.boxes), _box_counts(aug.points, aug.boxes)
    assert before.sum() > 100
    np.testing.assert_array_equal(before, after)


def test_point_dropout_reindexes_pairs_and_labels(plain):
    s = plain[0]
    aug = Compose([dict(type="PointDropout", ratio=0.5)])(copy.deepcopy(s), np.random.default_rng(1))
    assert 0.4 < len(aug.points) / len(s.points) < 0.6 and len(aug.labels) == len(aug.points)
    kept = {tuple(p) for p in aug.points[aug.pairs.point_index, :3]}
    orig = {tuple(p) for p in s.points[s.pairs.point_index, :3]}
    assert kept <= orig and len(aug.pairs) > 0.4 * len(s.pairs)
    # each surviving pair keeps its original camera and pixel (a point may be seen by two cameras)
    lookup = {(tuple(p), c): tuple(uv) for p, c, uv in
              zip(s.points[s.pairs.point_index, :3], s.pairs.camera_index, s.pairs.uv)}
    for p, c, uv in zip(aug.points[aug.pairs.point_index, :3], aug.pairs.camera_index, aug.pairs.uv):
        assert lookup[(tuple(p), c)] == tuple(uv)


@pytest.mark.parametrize("cfg", [dict(type="PointDropout", ratio=1.0), dict(type="RandomScale", scale_range=(0, 1)),
                                 dict(type="ImageResizeCrop", scale_range=(0.5, 1.0))])
def test_bad_transform_arguments_are_refused(cfg):
    with pytest.raises(ValueError, match=cfg["type"]):
        Compose([cfg])
