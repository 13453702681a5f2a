"""The index format written by ``data_prep/create_nuscenes_index.py`` (JSON, never pickle).

One file per split, ``<out>/index_<split>.json``::

    {"info_version": INFO_VERSION, "version": "v1.0-mini", "split": "mini_train",
     "data_root": "<dataroot when built>", "args": {...tool arguments...}, "samples": [record, ...]}

A record (one keyframe; paths relative to the dataroot; matrices are 4x4 ``a2b`` row lists;
``lidar`` = the keyframe's LIDAR_TOP frame)::

    token, scene_token, scene_name, timestamp (us)
    lidar:    {path, sample_data_token, lidar2ego, ego2global, num_points}
    sweeps:   [{path, sample_data_token, time_lag (s, >= 0), a2lidar}]  newest first
    prev/next: {token, path, sample_data_token, time_lag (s; < 0 for next), a2lidar} or null
    cams:     {CAM_*: {path, timestamp, image_size [W, H], intrinsic 3x3, lidar2cam, lidar2img}}
              lidar2cam goes through both ego poses (camera and LiDAR timestamps)
    lidarseg: path of the uint8 label file or null
    boxes:    [{token, instance_token, category, detection_name (or null), center [x, y, z],
               wlh, yaw (rad, about +z of the lidar frame), velocity [vx, vy] (lidar frame,
               m/s, 0 when the devkit cannot estimate it), num_lidar_pts, attributes}]
"""
from __future__ import annotations

import json
from pathlib import Path

INFO_VERSION = 1
RECORD_KEYS = ("token", "lidar", "sweeps", "prev", "next", "cams", "lidarseg", "boxes")


class IndexFileError(ValueError):
    """An index file that cannot be used (missing, other version, malformed)."""


def index_path(out_dir: str | Path, split: str) -> Path:
    return Path(out_dir) / f"index_{split}.json"


def load_index(path: str | Path) -> dict:
    """Read and validate an index file; raises ``IndexFileError`` with a one-line message."""
    path = Path(path)
    if not path.is_file():
        raise IndexFileError(f"index {path} not found; create it with "
                          f"`python data_prep/create_nuscenes_index.py --data-root DIR --version V --out {path.parent}`")
    try:
        index = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexFileError(f"index {path} is not valid JSON ({e}); rebuild it") from None
    if index.get("info_version") != INFO_VERSION:
        raise IndexFileError(f"index {path} has info_version {index.get('info_version')!r}, this hilda reads "
                          f"{INFO_VERSION}; rebuild it with data_prep/create_nuscenes_index.py")
    for i, rec in enumerate(index.get("samples", [])):
        missing = [k for k in RECORD_KEYS if k not in rec]
        if missing:
            raise IndexFileError(f"index {path}: sample {i} lacks key(s) {', '.join(missing)}")
    return index


def dumps(obj) -> str:
    """Deterministic JSON text (sorted keys) so reruns produce identical bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))
