"""Geometry of the world as the devkit sees it: points vs boxes, boxes vs images, points vs pixels."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.geometry_utils import points_in_box, view_points
from nuscenes.utils.data_classes import LidarPointCloud
from PIL import Image

from hilda.synthetic.cameras import CHANNELS, SKY
from hilda.synthetic.scene_writer import SEMANTIC_DIR
from tests.synthetic.helpers import devkit_projection, lidarseg_labels


def _keyframe_points_global(nusc, sample):
    sd = sample["data"]["LIDAR_TOP"]
    _, boxes, _ = nusc.get_sample_data(sd)  # boxes in the LiDAR frame
    pc = LidarPointCloud.from_file(nusc.get_sample_data_path(sd))
    return pc.points[:3], boxes, lidarseg_labels(nusc, sd)


def test_labelled_points_lie_in_their_boxes_and_counts_match(nusc):
    inside_total = near_total = 0
    for sample in nusc.sample:
        pts, boxes, labels = _keyframe_points_global(nusc, sample)
        inside_any = {box.token: points_in_box(box, pts) for box in boxes}
        for box in boxes:
            ann = nusc.get("sample_annotation", box.token)
            inside = inside_any[box.token]
            assert inside.sum() == ann["num_lidar_pts"], ann["token"]
            # points of the box's class within 1 m of it, and in no other box: nearly all are inside it
            grown = box.copy()
            grown.wlh = box.wlh + 2.0
            cls = nusc.lidarseg_name2idx_mapping[ann["category_name"]]
            others = np.zeros_like(inside)
            for token, mask in inside_any.items():
                if token != box.token:
                    others |= mask
            near = points_in_box(grown, pts) & (labels == cls) & ~others
            inside_total += (near & inside).sum()
            near_total += near.sum()
    assert near_total > 1000
    assert inside_total / near_total > 0.97


def _semantic(nusc, cam_sd):
    rec = nusc.get("sample_data", cam_sd)
    return np.asarray(Image.open(f"{nusc.dataroot}/{SEMANTIC_DIR}/{rec['filename'][:-4]}.png"))


def test_box_centres_project_onto_pixels_of_their_class(nusc):
    hits = total = 0
    for sample in nusc.sample:
        for ch in CHANNELS:
            sd = sample["data"][ch]
            sem = _semantic(nusc, sd)
            _, boxes, intrinsic = nusc.get_sample_data(sd)
            for box in boxes:
                ann = nusc.get("sample_annotation", box.token)
                if ann["visibility_token"] != "4" or box.center[2] < 2.0:
                    continue
                u, v = view_points(box.center[:, None], intrinsic, normalize=True)[:2, 0]
                if not (0 <= u < sem.shape[1] and 0 <= v < sem.shape[0]):
                    continue
                cls = nusc.lidarseg_name2idx_mapping[ann["category_name"]]
                total += 1
                patch = sem[max(0, int(v) - 1):int(v) + 2, max(0, int(u) - 1):int(u) + 2]
                hits += bool((patch == cls).any())
    assert total > 200
    assert hits / total > 0.9


def test_projected_points_land_on_pixels_of_their_class(nusc):
    """Point-pixel pairs agree with semantics through the full chain with both ego poses."""
    agree = total = 0
    for sample in nusc.sample[::3]:
        lidar_sd = sample["data"]["LIDAR_TOP"]
        labels = lidarseg_labels(nusc, lidar_sd)
        for ch in CHANNELS:
            idx, uv, depth = devkit_projection(nusc, lidar_sd, sample["data"][ch])
            sem = _semantic(nusc, sample["data"][ch])
            pix = sem[uv[:, 1].astype(int), uv[:, 0].astype(int)]
            valid = (pix != SKY) & (labels[idx] != 0) & (depth < 40)
            agree += (pix[valid] == labels[idx][valid]).sum()
            total += valid.sum()
    assert total > 5000
    assert agree / total > 0.9


def test_helper_matches_devkit_map_pointcloud_to_image(nusc):
    sample = nusc.sample[4]
    lidar_sd, cam_sd = sample["data"]["LIDAR_TOP"], sample["data"]["CAM_FRONT_LEFT"]
    pts, depth_col, _ = nusc.explorer.map_pointcloud_to_image(lidar_sd, cam_sd)
    _, uv, depth = devkit_projection(nusc, lidar_sd, cam_sd)
    np.testing.assert_allclose(uv, pts[:2].T, atol=1e-6)
    np.testing.assert_allclose(depth, depth_col, atol=1e-6)
