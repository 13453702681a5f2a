"""Test helpers: the devkit's LiDAR -> camera chain, keeping point indices."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.data_classes import LidarPointCloud
from nuscenes.utils.geometry_utils import view_points
from pyquaternion import Quaternion


def devkit_projection(nusc, lidar_sd: str, cam_sd: str, min_dist: float = 1.0):
    """Replicates ``NuScenesExplorer.map_pointcloud_to_image`` step by step, returning indices.

    Returns ``(idx, uv, depth)``: indices of the kept points, their pixel coordinates and depths.
    """
    pc = LidarPointCloud.from_file(nusc.get_sample_data_path(lidar_sd))
    pointsensor, cam = nusc.get("sample_data", lidar_sd), nusc.get("sample_data", cam_sd)
    for rec, inv in ((nusc.get("calibrated_sensor", pointsensor["calibrated_sensor_token"]), False),
                     (nusc.get("ego_pose", pointsensor["ego_pose_token"]), False),
                     (nusc.get("ego_pose", cam["ego_pose_token"]), True),
                     (nusc.get("calibrated_sensor", cam["calibrated_sensor_token"]), True)):
        if inv:
            pc.translate(-np.array(rec["translation"]))
            pc.rotate(Quaternion(rec["rotation"]).rotation_matrix.T)
        else:
            pc.rotate(Quaternion(rec["rotation"]).rotation_matrix)
            pc.translate(np.array(rec["translation"]))
    depth = pc.points[2, :]
    intrinsic = np.array(nusc.get("calibrated_sensor", cam["calibrated_sensor_token"])["camera_intrinsic"])
    uv = view_points(pc.points[:3, :], intrinsic, normalize=True)
    w, h = cam["width"], cam["height"]
    keep = (depth > min_dist) & (uv[0] > 1) & (uv[0] < w - 1) & (uv[1] > 1) & (uv[1] < h - 1)
    idx = np.flatnonzero(keep)
    return idx, uv[:2, keep].T, depth[keep]


def lidarseg_labels(nusc, lidar_sd: str) -> np.ndarray:
    rec = nusc.get("lidarseg", lidar_sd)
    return np.fromfile(f"{nusc.dataroot}/{rec['filename']}", dtype=np.uint8)
