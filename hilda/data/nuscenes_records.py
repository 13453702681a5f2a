"""Index records of one nuScenes scene, read through the official devkit.

A record describes one keyframe with paths relative to the dataroot and every transform as a
4x4 ``a2b`` matrix into this keyframe's LiDAR frame (``lidar``). See ``hilda.data.index_format``
for the field list. This is the only module (with the builder) that touches a devkit object.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from nuscenes.eval.detection.utils import category_to_detection_name

from hilda.data import input_checks as checks
from hilda.structures.calib import compose, intrinsic_to_4x4, invert, record2a2b, sensor2sensor
from hilda.structures.sample import CAMERA_NAMES


def _mat(m: np.ndarray) -> list[list[float]]:
    return [[float(v) for v in row] for row in m]


def _poses(nusc, sd: dict) -> tuple[np.ndarray, np.ndarray]:
    """(sensor2ego, ego2global) of a sample_data record."""
    return (record2a2b(nusc.get("calibrated_sensor", sd["calibrated_sensor_token"])),
            record2a2b(nusc.get("ego_pose", sd["ego_pose_token"])))


class SceneRecorder:
    """Builds the records of one scene; collects skipped samples and warnings with reasons."""

    def __init__(self, nusc, n_sweeps: int):
        self.nusc, self.root, self.n_sweeps = nusc, Path(nusc.dataroot), n_sweeps
        self.lidarseg = {r["sample_data_token"]: r["filename"] for r in getattr(nusc, "lidarseg", [])}
        self.skipped: list[dict] = []
        self.warnings: list[dict] = []

    def scene(self, scene: dict) -> list[dict]:
        records, token = [], scene["first_sample_token"]
        while token:
            sample = self.nusc.get("sample", token)
            try:
                rec, reason = self.sample(sample)
            except KeyError as e:  # a token that points nowhere
                rec, reason = None, f"table reference not found: {e}"
            if rec is None:
                self.skipped.append(dict(sample_token=token, scene=scene["name"], reason=reason))
            else:
                rec["scene_name"] = scene["name"]
                records.append(rec)
            token = sample["next"]
        return records

    def _warn(self, sample: dict, reason: str) -> None:
        self.warnings.append(dict(sample_token=sample["token"], reason=reason))

    def sample(self, sample: dict) -> tuple[dict | None, str | None]:
        nusc = self.nusc
        lidar_sd = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
        lidar_path = self.root / lidar_sd["filename"]
        if (reason := checks.check_points_file(lidar_path)) is not None:
            return None, reason
        lidar2ego, ego2global = _poses(nusc, lidar_sd)
        rec = dict(token=sample["token"], scene_token=sample["scene_token"], timestamp=sample["timestamp"],
                   lidar=dict(path=lidar_sd["filename"], sample_data_token=lidar_sd["token"],
                              lidar2ego=_mat(lidar2ego), ego2global=_mat(ego2global),
                              num_points=checks.count_points(lidar_path)))
        rec["cams"] = {}
        for cam in CAMERA_NAMES:
            cam_sd = nusc.get("sample_data", sample["data"][cam])
            if (reason := checks.check_image_file(self.root / cam_sd["filename"], cam_sd["width"],
                                                  cam_sd["height"])) is not None:
                return None, reason
            cam2ego, cam_ego2global = _poses(nusc, cam_sd)
            intrinsic = np.array(nusc.get("calibrated_sensor", cam_sd["calibrated_sensor_token"])["camera_intrinsic"])
            lidar2cam = sensor2sensor(lidar2ego, ego2global, cam_ego2global, cam2ego)
            rec["cams"][cam] = dict(path=cam_sd["filename"], timestamp=cam_sd["timestamp"],
                                    image_size=[cam_sd["width"], cam_sd["height"]],
                                    intrinsic=_mat(intrinsic), lidar2cam=_mat(lidar2cam),
                                    lidar2img=_mat(compose(intrinsic_to_4x4(intrinsic), lidar2cam)))
        rec["lidarseg"] = None
        if lidar_sd["token"] in self.lidarseg:
            path = self.lidarseg[lidar_sd["token"]]
            if (reason := checks.check_lidarseg_file(self.root / path, rec["lidar"]["num_points"])) is not None:
                return None, reason
            rec["lidarseg"] = path
        rec["sweeps"] = self._sweeps(sample, lidar_sd, lidar2ego, ego2global)
        for key in ("prev", "next"):
            rec[key] = self._neighbour(sample, key, lidar_sd, lidar2ego, ego2global)
        rec["boxes"] = self._boxes(sample, invert(compose(ego2global, lidar2ego)))
        return rec, None

    def _moved(self, sd: dict, ref_sd: dict, lidar2ego, ego2global) -> dict:
        src2ego, src_ego2global = _poses(self.nusc, sd)
        return dict(path=sd["filename"], sample_data_token=sd["token"],
                    time_lag=(ref_sd["timestamp"] - sd["timestamp"]) * 1e-6,
                    a2lidar=_mat(sensor2sensor(src2ego, src_ego2global, ego2global, lidar2ego)))

    def _sweeps(self, sample, lidar_sd, lidar2ego, ego2global) -> list[dict]:
        """Up to ``n_sweeps`` earlier LiDAR sample_data (sweeps or keyframes), newest first."""
        out, sd = [], lidar_sd
        while len(out) < self.n_sweeps and sd["prev"]:
            sd = self.nusc.get("sample_data", sd["prev"])
            if (reason := checks.check_points_file(self.root / sd["filename"])) is not None:
                self._warn(sample, f"sweep dropped: {reason}")
                continue
            out.append(self._moved(sd, lidar_sd, lidar2ego, ego2global))
        return out

    def _neighbour(self, sample, key, lidar_sd, lidar2ego, ego2global) -> dict | None:
        if not sample[key]:
            return None
        other = self.nusc.get("sample", sample[key])
        sd = self.nusc.get("sample_data", other["data"]["LIDAR_TOP"])
        if (reason := checks.check_points_file(self.root / sd["filename"])) is not None:
            self._warn(sample, f"{key} keyframe dropped: {reason}")
            return None
        return dict(token=other["token"], **self._moved(sd, lidar_sd, lidar2ego, ego2global))

    def _boxes(self, sample, global2lidar: np.ndarray) -> list[dict]:
        boxes = []
        for ann_token in sample["anns"]:
            ann = self.nusc.get("sample_annotation", ann_token)
            pose = compose(global2lidar, record2a2b(ann))
            velocity = global2lidar[:3, :3] @ np.nan_to_num(self.nusc.box_velocity(ann_token), nan=0.0)
            attrs = [self.nusc.get("attribute", t)["name"] for t in ann["attribute_tokens"]]
            boxes.append(dict(token=ann_token, instance_token=ann["instance_token"],
                              category=ann["category_name"],
                              detection_name=category_to_detection_name(ann["category_name"]),
                              center=[float(v) for v in pose[:3, 3]], wlh=[float(v) for v in ann["size"]],
                              yaw=float(np.arctan2(pose[1, 0], pose[0, 0])),
                              velocity=[float(velocity[0]), float(velocity[1])],
                              num_lidar_pts=int(ann["num_lidar_pts"]), attributes=attrs))
        return boxes
