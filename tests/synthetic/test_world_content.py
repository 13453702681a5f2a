"""What the default world must contain, in both mini splits."""
from __future__ import annotations

import numpy as np
from nuscenes.eval.detection.utils import category_to_detection_name
from nuscenes.utils.splits import create_splits_scenes

from hilda.data.nuscenes_labels import SEG16_CLASSES, lidarseg32_to_16
from tests.synthetic.helpers import lidarseg_labels
from tests.synthetic.test_detection_eval import DETECTION_CLASSES


def _split_samples(nusc, split):
    scenes = set(create_splits_scenes()[split])
    return [s for s in nusc.sample if nusc.get("scene", s["scene_token"])["name"] in scenes]


def test_every_detection_and_lidarseg16_class_in_both_splits(nusc):
    for split in ("mini_train", "mini_val"):
        det, seg = set(), np.zeros(len(SEG16_CLASSES), np.int64)
        for sample in _split_samples(nusc, split):
            for token in sample["anns"]:
                ann = nusc.get("sample_annotation", token)
                if ann["num_lidar_pts"] > 0:
                    det.add(category_to_detection_name(ann["category_name"]))
            seg16 = lidarseg32_to_16(lidarseg_labels(nusc, sample["data"]["LIDAR_TOP"]))
            seg += np.bincount(seg16[seg16 < 255], minlength=len(SEG16_CLASSES))
        assert set(DETECTION_CLASSES) <= det, (split, set(DETECTION_CLASSES) - det)
        missing = [c for c, n in zip(SEG16_CLASSES, seg) if n < 20]
        assert not missing, (split, missing)


def test_lidar_scans_look_like_hdl32(nusc):
    from nuscenes.utils.data_classes import LidarPointCloud

    for sample in nusc.sample[:5]:
        sd = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
        raw = np.fromfile(nusc.get_sample_data_path(sd["token"]), dtype=np.float32).reshape(-1, 5)
        assert 25_000 < len(raw) < 40_000
        assert set(np.unique(raw[:, 4]).astype(int)) == set(range(32))
        rng = np.linalg.norm(raw[:, :3], axis=1)
        assert rng.max() < 70.1 and rng.min() > 0.85
        assert raw[:, 3].min() >= 0 and raw[:, 3].max() <= 255 and raw[:, 3].std() > 5
        elev = np.degrees(np.arcsin(raw[:, 2] / rng))
        assert -31.5 < elev.min() < -29.5 and 9.5 < elev.max() < 11.5
        # ground points sit at z ~ 0 in the ego frame
        pc = LidarPointCloud.from_file(nusc.get_sample_data_path(sd["token"]))
        cs = nusc.get("calibrated_sensor", sd["calibrated_sensor_token"])
        from pyquaternion import Quaternion

        pc.rotate(Quaternion(cs["rotation"]).rotation_matrix)
        pc.translate(np.array(cs["translation"]))
        labels = lidarseg_labels(nusc, sd["token"])
        road = pc.points[2, labels == nusc.lidarseg_name2idx_mapping["flat.driveable_surface"]]
        assert abs(np.median(road)) < 0.05


def test_materials_change_intensity(nusc):
    sd = nusc.sample[2]["data"]["LIDAR_TOP"]
    raw = np.fromfile(nusc.get_sample_data_path(sd), dtype=np.float32).reshape(-1, 5)
    labels = lidarseg_labels(nusc, sd)
    cone = raw[labels == nusc.lidarseg_name2idx_mapping["movable_object.trafficcone"], 3]
    road = raw[labels == nusc.lidarseg_name2idx_mapping["flat.driveable_surface"], 3]
    assert np.median(cone) > 3 * np.median(road)


def test_agents_move_and_attributes_match(nusc):
    moving = parked = 0
    for ann in nusc.sample_annotation:
        if not ann["attribute_tokens"] or not ann["next"]:
            continue
        attr = nusc.get("attribute", ann["attribute_tokens"][0])["name"]
        speed = np.linalg.norm(nusc.box_velocity(ann["token"])[:2])
        if attr in ("vehicle.moving", "pedestrian.moving"):
            assert speed > 0.5, (attr, speed)
            moving += 1
        if attr in ("vehicle.parked", "pedestrian.standing"):
            assert speed < 0.1, (attr, speed)
            parked += 1
    assert moving > 50 and parked > 50
