"""A few standard views of a nuScenes-format dataroot, rendered by the official devkit (PNG).

The LiDAR keyframe from above (map underlay, boxes, 5 sweeps), lidarseg points over the front
camera, the front camera with its boxes, and the lidarseg bird's-eye view.
"""
from __future__ import annotations

import os
from pathlib import Path


def render_views(data_root: str, out: str, version: str = "v1.0-mini", scene_index: int = 0,
                 sample_index: int = 1) -> list[Path]:
    import matplotlib

    if not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")  # headless: the devkit's figures go straight to PNG
    import matplotlib.pyplot as plt
    from nuscenes import NuScenes

    nusc = NuScenes(version, data_root, verbose=False)
    if not 0 <= scene_index < len(nusc.scene):
        raise IndexError(f"scene index {scene_index} out of range (dataroot has {len(nusc.scene)} scenes)")
    scene = nusc.scene[scene_index]
    token = scene["first_sample_token"]
    for _ in range(sample_index):
        token = nusc.get("sample", token)["next"] or token
    sample = nusc.get("sample", token)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = scene["name"]
    paths = {
        "lidar_top": out_dir / f"{name}_lidar_top.png",
        "lidarseg_in_front": out_dir / f"{name}_lidarseg_in_CAM_FRONT.png",
        "front_boxes": out_dir / f"{name}_CAM_FRONT_boxes.png",
        "lidarseg_bev": out_dir / f"{name}_lidarseg_bev.png",
    }
    lidar = sample["data"]["LIDAR_TOP"]
    nusc.render_sample_data(lidar, nsweeps=5, underlay_map=True, out_path=str(paths["lidar_top"]), verbose=False)
    nusc.render_pointcloud_in_image(token, pointsensor_channel="LIDAR_TOP", camera_channel="CAM_FRONT",
                                    render_intensity=False, show_lidarseg=True, dot_size=3,
                                    out_path=str(paths["lidarseg_in_front"]), verbose=False)
    nusc.render_sample_data(sample["data"]["CAM_FRONT"], out_path=str(paths["front_boxes"]), verbose=False)
    nusc.render_sample_data(lidar, show_lidarseg=True, out_path=str(paths["lidarseg_bev"]), verbose=False)
    plt.close("all")
    return list(paths.values())
