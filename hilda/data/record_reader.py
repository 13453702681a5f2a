"""Turn one index record into a ``Sample`` (points, sweeps, labels, cameras, pairs, t-1/t+1, boxes).

Pure file reading + geometry from the record's ``a2b`` matrices: no devkit object.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from nuscenes.eval.detection.constants import DETECTION_NAMES
from PIL import Image

from hilda.data.loading import read_image, read_lidarseg, read_points
from hilda.data.nuscenes_labels import IGNORE_INDEX
from hilda.geometry.projection import project_to_cameras
from hilda.geometry.sweeps import accumulate_sweeps
from hilda.structures.calib import transform_points
from hilda.structures.sample import CAMERA_NAMES, Sample

DETECTION_INDEX = {name: i for i, name in enumerate(DETECTION_NAMES)}


@dataclass(frozen=True)
class ReaderOptions:
    sweeps: int = 0  # earlier sweeps accumulated into the scan
    cameras: tuple[str, ...] = CAMERA_NAMES
    image_size: tuple[int, int] | None = None  # (W, H) after resizing; None = no cameras, no pairs
    images: bool = True  # False: pairs only (teacher features come from a cache)
    pairs: bool = True
    labels: bool = True
    temporal: bool = False  # load keyframes t-1 and t+1
    boxes: bool = False
    image_label_dir: str | None = None  # per-pixel class maps mirroring samples/ as .png
    intensity_scale: float = 1.0 / 255.0
    min_depth: float = 1.0
    occlusion: dict | None = None
    # drop returns from the ego vehicle: (x_min, y_min, x_max, y_max) in the ego frame (x forward,
    # origin at the rear axle), applied to every scan in its own frame; None keeps all points
    ego_box: tuple[float, float, float, float] | None = None


def _with_lag(points: np.ndarray, lag: float = 0.0) -> np.ndarray:
    return np.concatenate([points, np.full((len(points), 1), lag, np.float32)], axis=1)


class RecordReader:
    def __init__(self, data_root: str | Path, options: ReaderOptions):
        self.root, self.opt = Path(data_root), options

    def _scan(self, entry: dict, lidar2ego: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Points of a scan (own frame) without ego-vehicle returns, and the keep mask (or None)."""
        pts = read_points(self.root / entry["path"], self.opt.intensity_scale)
        if self.opt.ego_box is None:
            return pts, None
        x0, y0, x1, y1 = self.opt.ego_box
        ego = transform_points(lidar2ego, pts[:, :3].astype(np.float64))
        keep = ~((ego[:, 0] >= x0) & (ego[:, 0] <= x1) & (ego[:, 1] >= y0) & (ego[:, 1] <= y1))
        return pts[keep], keep

    def read(self, rec: dict) -> Sample:
        opt = self.opt
        lidar2ego = np.asarray(rec["lidar"]["lidar2ego"])
        scan = lambda entry: self._scan(entry, lidar2ego)[0]  # noqa: E731
        key, key_keep = self._scan(rec["lidar"], lidar2ego)
        sweeps = [(scan(s), np.asarray(s["a2lidar"]), s["time_lag"]) for s in rec["sweeps"][:opt.sweeps]]
        points = accumulate_sweeps(key, sweeps).astype(np.float32)
        sample = Sample(token=rec["token"], points=points, n_key=len(key),
                        meta=dict(scene_name=rec.get("scene_name"), timestamp=rec.get("timestamp")))
        if opt.labels and rec.get("lidarseg"):
            labels = np.full(len(points), IGNORE_INDEX, np.int64)
            key_labels = read_lidarseg(self.root / rec["lidarseg"], rec["lidar"]["num_points"])
            labels[:len(key)] = key_labels if key_keep is None else key_labels[key_keep]
            sample.labels = labels
        if opt.image_size is not None:
            self._cameras(rec, sample)
        if opt.temporal:
            for name in ("prev", "next"):
                entry = rec[name]
                moved = None if entry is None else transform_points(np.asarray(entry["a2lidar"]), scan(entry))
                setattr(sample, f"{name}_points", None if moved is None else _with_lag(moved))
        if opt.boxes:
            self._boxes(rec, sample)
        return sample

    def _cameras(self, rec: dict, sample: Sample) -> None:
        opt, cams = self.opt, [rec["cams"][c] for c in self.opt.cameras]
        if opt.images:
            sample.images = np.stack([read_image(self.root / c["path"], opt.image_size) for c in cams])
        if opt.image_label_dir is not None:
            sample.image_labels = np.stack([
                read_image(self.root / opt.image_label_dir / Path(c["path"]).with_suffix(".png"),
                           opt.image_size, Image.NEAREST) for c in cams])
        sizes = np.array([c["image_size"] for c in cams], dtype=np.float64)
        lidar2img = np.array([c["lidar2img"] for c in cams], dtype=np.float64)
        sample.meta.update(cameras=list(opt.cameras), lidar2img=lidar2img, orig_image_sizes=sizes)
        if opt.pairs:
            pairs = project_to_cameras(sample.points[:sample.n_key, :3], lidar2img, sizes,
                                       min_depth=opt.min_depth, occlusion=opt.occlusion)
            scale = np.asarray(opt.image_size, np.float64)[None] / sizes[pairs.camera_index]
            pairs.uv = (pairs.uv * scale).astype(np.float32)
            sample.pairs = pairs

    def _boxes(self, rec: dict, sample: Sample) -> None:
        boxes = [b for b in rec["boxes"] if b["detection_name"] in DETECTION_INDEX]
        sample.boxes = np.array([b["center"] + b["wlh"] + [b["yaw"]] for b in boxes], np.float32).reshape(-1, 7)
        sample.box_labels = np.array([DETECTION_INDEX[b["detection_name"]] for b in boxes], np.int64)
        sample.velocity = np.array([b["velocity"] for b in boxes], np.float32).reshape(-1, 2)
