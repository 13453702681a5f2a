"""The split indexes: content against the devkit, resumability, bad input."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from nuscenes.utils.splits import create_splits_scenes

from hilda.data.index_format import INFO_VERSION, IndexFileError, index_path, load_index
from tests.synthetic.helpers import devkit_projection

CLI = [sys.executable, "data_prep/create_nuscenes_index.py"]
ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, check=True):
    res = subprocess.run(CLI + [str(a) for a in args] + ["--no-progress"], cwd=ROOT, capture_output=True, text=True)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def test_splits_and_header(index_dir, nusc):
    splits = create_splits_scenes()
    for split in ("mini_train", "mini_val"):
        index = load_index(index_path(index_dir, split))
        assert index["info_version"] == INFO_VERSION and index["split"] == split
        assert index["args"]["sweeps"] == 3
        want = [s["token"] for s in nusc.sample
                if nusc.get("scene", s["scene_token"])["name"] in splits[split]]
        assert sorted(r["token"] for r in index["samples"]) == sorted(want)


def test_lidar2img_matches_devkit_projection(index_dir, nusc):
    rec = load_index(index_path(index_dir, "mini_val"))["samples"][1]
    sample = nusc.get("sample", rec["token"])
    pts = np.fromfile(Path(nusc.dataroot) / rec["lidar"]["path"], np.float32).reshape(-1, 5)
    hom = np.concatenate([pts[:, :3], np.ones((len(pts), 1))], axis=1).astype(np.float64)
    for cam, info in rec["cams"].items():
        idx, uv, depth = devkit_projection(nusc, sample["data"]["LIDAR_TOP"], sample["data"][cam])
        proj = hom @ np.asarray(info["lidar2img"]).T
        w, h = info["image_size"]
        u, v, d = proj[:, 0] / proj[:, 2], proj[:, 1] / proj[:, 2], proj[:, 2]
        ours = np.flatnonzero((d > 1) & (u > 1) & (u < w - 1) & (v > 1) & (v < h - 1))
        # same points; pixels to the devkit's float32 rounding (it moves points through the
        # global frame in float32: ~f * 6e-8 * |global| / depth pixels)
        np.testing.assert_array_equal(ours, idx)
        proj = proj[idx]
        np.testing.assert_allclose(proj[:, :2] / proj[:, 2:3], uv, atol=2e-2)
        np.testing.assert_allclose(proj[:, 2], depth, atol=1e-4)


def test_boxes_match_devkit_sensor_frame(index_dir, nusc):
    rec = load_index(index_path(index_dir, "mini_train"))["samples"][2]
    sd_token = nusc.get("sample", rec["token"])["data"]["LIDAR_TOP"]
    _, boxes, _ = nusc.get_sample_data(sd_token)
    ours = {b["token"]: b for b in rec["boxes"]}
    assert len(boxes) == len(ours) > 5
    for box in boxes:
        b = ours[box.token]
        np.testing.assert_allclose(b["center"], box.center, atol=1e-6)
        np.testing.assert_allclose(b["wlh"], box.wlh, atol=1e-9)
        rot = box.rotation_matrix  # yaw = heading of the length axis in the lidar x-y plane
        yaw = np.arctan2(rot[1, 0], rot[0, 0])
        assert abs(np.angle(np.exp(1j * (b["yaw"] - yaw)))) < 1e-6


def test_sweeps_and_neighbours_match_devkit_chain(index_dir, nusc):
    from nuscenes.utils.data_classes import LidarPointCloud

    rec = next(r for r in load_index(index_path(index_dir, "mini_train"))["samples"] if r["prev"] and r["next"])
    sample = nusc.get("sample", rec["token"])
    ref = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
    # the devkit's multisweep: keyframe + the newest sweep, both without points within 1 m
    pc, times = LidarPointCloud.from_file_multisweep(nusc, sample, "LIDAR_TOP", "LIDAR_TOP", nsweeps=2)
    sweep = rec["sweeps"][0]
    raw = np.fromfile(Path(nusc.dataroot) / sweep["path"], np.float32).reshape(-1, 5)
    keep = ~((np.abs(raw[:, 0]) < 1.0) & (np.abs(raw[:, 1]) < 1.0))
    moved = raw[keep, :3] @ np.asarray(sweep["a2lidar"])[:3, :3].T + np.asarray(sweep["a2lidar"])[:3, 3]
    n_sweep = keep.sum()
    np.testing.assert_allclose(moved, pc.points[:3, -n_sweep:].T, atol=2e-4)
    np.testing.assert_allclose(times[0, -n_sweep:], sweep["time_lag"], atol=1e-6)  # devkit: float32
    assert rec["prev"]["token"] == sample["prev"] and rec["next"]["token"] == sample["next"]
    assert rec["prev"]["time_lag"] == pytest.approx((ref["timestamp"] - nusc.get("sample", sample["prev"])["timestamp"]) * 1e-6)


def test_rerun_after_kill_gives_identical_index(world_root, index_dir, tmp_path):
    ref = tmp_path / "ref"
    run_cli("--data-root", world_root, "--version", "v1.0-mini", "--out", ref, "--sweeps", 3)
    out = tmp_path / "killed"
    proc = subprocess.Popen(CLI + ["--data-root", str(world_root), "--version", "v1.0-mini", "--out", str(out),
                                   "--sweeps", "3", "--no-progress"], cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not list((out / "scenes").glob("*.json")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # whatever the kill left (finished scene files, at most a stray temp file), a rerun completes it
    (out / "scenes").mkdir(parents=True, exist_ok=True)
    (out / "scenes" / ".scene-0061.json.123.tmp").write_text("partial")
    shutil.copy(ref / "scenes" / "scene-0061.json", out / "scenes" / "scene-0061.json")
    res = run_cli("--data-root", world_root, "--version", "v1.0-mini", "--out", out, "--sweeps", 3)
    assert "reused" in res.stdout and "(0 scene(s) reused)" not in res.stdout
    for split in ("mini_train", "mini_val"):
        assert index_path(out, split).read_bytes() == index_path(ref, split).read_bytes()
    for scene in (ref / "scenes").glob("*.json"):
        assert (out / "scenes" / scene.name).read_bytes() == scene.read_bytes()


def test_parallel_workers_give_the_same_bytes(world_root, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_cli("--data-root", world_root, "--version", "v1.0-mini", "--out", a, "--sweeps", 2)
    run_cli("--data-root", world_root, "--version", "v1.0-mini", "--out", b, "--sweeps", 2, "--workers", 2)
    assert index_path(a, "mini_val").read_bytes() == index_path(b, "mini_val").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["--version", "v2.0-nope"], "--version"),
    (["--sweeps", "-1"], "--sweeps"),
])
def test_bad_arguments_fail_with_one_line(world_root, tmp_path, args, message):
    res = run_cli("--data-root", world_root, "--out", tmp_path / "o", *args, check=False)
    assert res.returncode == 2 and message in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_missing_tables_fail_with_one_line(tmp_path):
    res = run_cli("--data-root", tmp_path, "--version", "v1.0-mini", "--out", tmp_path / "o", check=False)
    assert res.returncode == 2 and "v1.0-mini" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_load_index_errors_name_the_file(tmp_path):
    with pytest.raises(IndexFileError, match="create_nuscenes_index"):
        load_index(tmp_path / "index_train.json")
    bad = tmp_path / "index_val.json"
    bad.write_text(json.dumps(dict(info_version=0, samples=[])))
    with pytest.raises(IndexFileError, match=str(bad)):
        load_index(bad)
