"""The devkit's DetectionEval runs on the world: ground truth submitted as predictions scores ~1."""
from __future__ import annotations

import json

import numpy as np
from nuscenes.eval.detection.config import config_factory
from nuscenes.eval.detection.evaluate import DetectionEval
from nuscenes.eval.detection.utils import category_to_detection_name
from nuscenes.utils.splits import create_splits_scenes

DETECTION_CLASSES = ("car", "truck", "bus", "trailer", "construction_vehicle", "pedestrian", "motorcycle",
                     "bicycle", "traffic_cone", "barrier")


def _gt_submission(nusc, split):
    scenes = set(create_splits_scenes()[split])
    results = {}
    for sample in nusc.sample:
        if nusc.get("scene", sample["scene_token"])["name"] not in scenes:
            continue
        boxes = []
        for token in sample["anns"]:
            ann = nusc.get("sample_annotation", token)
            name = category_to_detection_name(ann["category_name"])
            if name is None or ann["num_lidar_pts"] + ann["num_radar_pts"] == 0:
                continue  # what DetectionEval filters from the ground truth
            vel = nusc.box_velocity(token)[:2]
            attr = nusc.get("attribute", ann["attribute_tokens"][0])["name"] if ann["attribute_tokens"] else ""
            boxes.append(dict(sample_token=sample["token"], translation=ann["translation"], size=ann["size"],
                              rotation=ann["rotation"], velocity=[0.0, 0.0] if np.isnan(vel).any() else list(vel),
                              detection_name=name, detection_score=0.9, attribute_name=attr))
        results[sample["token"]] = boxes
    return results


def test_ground_truth_as_predictions_gives_full_map(nusc, tmp_path):
    meta = dict(use_camera=False, use_lidar=True, use_radar=False, use_map=False, use_external=False)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(dict(meta=meta, results=_gt_submission(nusc, "mini_val"))))
    evaluator = DetectionEval(nusc, config_factory("detection_cvpr_2019"), str(path), "mini_val",
                              str(tmp_path / "eval"), verbose=False)
    metrics, _ = evaluator.evaluate()
    assert set(metrics.mean_dist_aps) == set(DETECTION_CLASSES)
    assert metrics.mean_ap > 0.99, metrics.mean_dist_aps
    # a submission missing half the boxes must score clearly lower: the evaluation really discriminates
    halved = {k: v[::2] for k, v in json.loads(path.read_text())["results"].items()}
    path.write_text(json.dumps(dict(meta=meta, results=halved)))
    worse, _ = DetectionEval(nusc, config_factory("detection_cvpr_2019"), str(path), "mini_val",
                             str(tmp_path / "eval2"), verbose=False).evaluate()
    assert worse.mean_ap < 0.8
