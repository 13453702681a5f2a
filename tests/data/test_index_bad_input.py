"""Corrupted inputs are skipped and reported, not fatal."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hilda.data.index_format import index_path, load_index

ROOT = Path(__file__).resolve().parents[2]


def _copy_world(src: Path, dst: Path) -> None:
    """Tables copied (they are edited), data files hard-linked or copied when edited."""
    shutil.copytree(src, dst, copy_function=os.link)
    shutil.rmtree(dst / "v1.0-mini")
    shutil.copytree(src / "v1.0-mini", dst / "v1.0-mini")


def test_corrupted_files_are_skipped_and_reported(world_root, tmp_path):
    world = tmp_path / "world"
    _copy_world(world_root, world)
    tables = world / "v1.0-mini"
    sd = json.loads((tables / "sample_data.json").read_text())
    key_lidar = [r for r in sd if r["is_key_frame"] and "LIDAR_TOP" in r["filename"]]
    key_cams = [r for r in sd if r["is_key_frame"] and "CAM_FRONT/" in r["filename"]]
    by_token = {r["token"]: r for r in sd}
    sweep = by_token[key_lidar[4]["prev"]]  # the newest sweep before a healthy keyframe
    assert not sweep["is_key_frame"]
    # 1. truncated keyframe scan (not a multiple of 20 bytes) -- replace the hard link by a copy
    trunc = world / key_lidar[0]["filename"]
    data = trunc.read_bytes()
    trunc.unlink()
    trunc.write_bytes(data[: len(data) // 2 + 3])
    # 2. missing image
    (world / key_cams[5]["filename"]).unlink()
    # 3. sample_data whose file points nowhere
    for r in sd:
        if r["token"] == key_cams[9]["token"]:
            r["filename"] = "samples/CAM_FRONT/does_not_exist.jpg"
    (tables / "sample_data.json").write_text(json.dumps(sd))
    # 4. a missing sweep: dropped with a warning, the sample stays
    (world / sweep["filename"]).unlink()
    out = tmp_path / "index"
    res = subprocess.run([sys.executable, "data_prep/create_nuscenes_index.py", "--data-root", str(world),
                          "--version", "v1.0-mini", "--out", str(out), "--sweeps", "10", "--no-progress"],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "skipped 3 sample(s)" in res.stdout
    report = json.loads((out / "report.json").read_text())
    reasons = {s["sample_token"]: s["reason"] for s in report["skipped"]}
    assert "truncated point file" in reasons[key_lidar[0]["sample_token"]]
    assert "missing image" in reasons[key_cams[5]["sample_token"]]
    assert "does_not_exist.jpg" in reasons[key_cams[9]["sample_token"]]
    assert any("sweep dropped" in w["reason"] and sweep["filename"] in w["reason"] for w in report["warnings"])
    indexed = {r["token"] for split in ("mini_train", "mini_val") for r in load_index(index_path(out, split))["samples"]}
    assert not indexed & set(reasons)
    n_samples = len(json.loads((tables / "sample.json").read_text()))
    assert len(indexed) == n_samples - 3
    # inputs are never modified
    assert (world / key_lidar[1]["filename"]).read_bytes() == (world_root / key_lidar[1]["filename"]).read_bytes()
