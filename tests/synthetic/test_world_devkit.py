"""The official devkit loads, lists and renders the synthetic world; its tables are consistent."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.splits import create_splits_scenes

from hilda.synthetic.cameras import CHANNELS


def test_loads_all_tables_and_lists_scenes(nusc, capsys):
    nusc.list_scenes()
    printed = capsys.readouterr().out
    assert len(nusc.scene) == 10
    splits = create_splits_scenes()
    names = {s["name"] for s in nusc.scene}
    assert names == set(splits["mini_train"]) | set(splits["mini_val"])
    for name in names:
        assert name in printed
    for table in ("category", "attribute", "visibility", "instance", "sensor", "calibrated_sensor",
                  "ego_pose", "log", "scene", "sample", "sample_data", "sample_annotation", "map", "lidarseg"):
        assert len(getattr(nusc, table)) > 0, table
    assert len(nusc.category) == 32 and sorted(c["index"] for c in nusc.category) == list(range(32))


def test_sample_has_every_sensor_and_links(nusc):
    for scene in nusc.scene:
        tokens = []
        token = scene["first_sample_token"]
        while token:
            sample = nusc.get("sample", token)
            assert set(sample["data"]) == {"LIDAR_TOP", *CHANNELS}
            tokens.append(token)
            token = sample["next"]
        assert len(tokens) == scene["nbr_samples"] and tokens[-1] == scene["last_sample_token"]
        # 9 sweeps precede the first keyframe, as devkit multi-sweep accumulation expects
        sd = nusc.get("sample_data", nusc.get("sample", tokens[0])["data"]["LIDAR_TOP"])
        n_prev = 0
        while sd["prev"]:
            sd = nusc.get("sample_data", sd["prev"])
            assert not sd["is_key_frame"] and sd["filename"].startswith("sweeps/LIDAR_TOP/")
            n_prev += 1
        assert n_prev == 9


def test_instances_and_annotation_chains(nusc):
    for inst in nusc.instance:
        token, count = inst["first_annotation_token"], 0
        while token:
            ann = nusc.get("sample_annotation", token)
            assert ann["instance_token"] == inst["token"]
            count += 1
            last, token = token, ann["next"]
        assert count == inst["nbr_annotations"] and last == inst["last_annotation_token"]


def test_ego_poses_move_between_lidar_and_camera(nusc):
    """Each camera has its own timestamp and ego pose: the ego-motion term of the chain is real."""
    shifts = []
    for sample in nusc.sample:
        lidar = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
        p0 = np.array(nusc.get("ego_pose", lidar["ego_pose_token"])["translation"])
        for ch in CHANNELS:
            cam = nusc.get("sample_data", sample["data"][ch])
            p1 = np.array(nusc.get("ego_pose", cam["ego_pose_token"])["translation"])
            dt = (cam["timestamp"] - lidar["timestamp"]) * 1e-6
            assert 0.0 <= dt <= 0.05
            if dt > 0:
                shifts.append(np.linalg.norm(p1 - p0) / dt)
    speeds = np.array(shifts)
    assert speeds.min() > 2.0 and speeds.max() < 12.0  # ego speeds of the world (m/s)


def test_devkit_renders_lidar_camera_and_lidarseg(nusc, tmp_path):
    sample = nusc.sample[1]
    outs = [tmp_path / n for n in ("lidar.png", "seg_in_cam.png", "cam.png")]
    nusc.render_sample_data(sample["data"]["LIDAR_TOP"], nsweeps=3, underlay_map=True, out_path=str(outs[0]),
                            verbose=False)
    nusc.render_pointcloud_in_image(sample["token"], camera_channel="CAM_FRONT", show_lidarseg=True,
                                    out_path=str(outs[1]), verbose=False)
    nusc.render_sample_data(sample["data"]["CAM_BACK"], out_path=str(outs[2]), verbose=False)
    import matplotlib.pyplot as plt

    plt.close("all")
    from PIL import Image

    for out in outs:
        img = np.asarray(Image.open(out).convert("L"), dtype=np.float64)
        assert img.shape[0] > 200 and img.shape[1] > 200 and img.std() > 10, out
