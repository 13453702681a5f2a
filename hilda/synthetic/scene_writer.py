"""Write one synthetic scene: sensor files, semantic maps and its table records.

Time ``t = 0`` is the scene's first LiDAR keyframe; keyframes follow every 0.5 s and LiDAR sweeps
every 0.05 s (from 0.45 s before the first keyframe, so that every keyframe has 9 earlier sweeps).
Cameras fire once per keyframe at their own offsets, each with its own ego pose.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from nuscenes.utils.data_classes import Box
from nuscenes.utils.geometry_utils import points_in_box
from PIL import Image
from pyquaternion import Quaternion

from hilda.structures.calib import compose, make_a2b, matrix_to_quaternion, transform_points, yaw_to_quaternion
from hilda.synthetic import cameras, lidar, map_mask, road
from hilda.synthetic.layout import compose_scene
from hilda.synthetic.tables import Tables, link_chain, visibility_token

KEYFRAME_INTERVAL = 0.5
SWEEP_INTERVAL = 0.05
SWEEPS_PER_KEYFRAME = 10
ANNOTATION_RANGE = 60.0
BASE_TIMESTAMP = 1533151603547590  # microseconds
SEMANTIC_DIR = "hilda_semantic"  # per-pixel class maps beside the images (not part of nuScenes)


@dataclass
class SceneSpec:
    index: int
    name: str
    samples: int
    image_size: tuple[int, int]
    seed: int


def _us(base: int, t: float) -> int:
    return base + int(round(t * 1e6))


class SceneWriter:
    def __init__(self, tables: Tables, root: Path, spec: SceneSpec) -> None:
        self.tables, self.root, self.spec = tables, root, spec
        self.rng = np.random.default_rng([spec.seed, spec.index, 1])
        duration = (spec.samples - 1) * KEYFRAME_INTERVAL
        self.scene = compose_scene(np.random.default_rng([spec.seed, spec.index, 0]), duration)
        self.base = BASE_TIMESTAMP + spec.index * 3_600_000_000
        self.logfile = f"hilda-synthetic-s{spec.seed}-{spec.name}"
        self.lidar_model = lidar.LidarModel()
        self.rig = cameras.nuscenes_rig(*spec.image_size)
        self.tok = lambda *k: tables.token(spec.index, *k)

    # ----------------------------------------------------------------- records
    def _ego_pose(self, channel: str, t: float) -> str:
        ts = _us(self.base, t)
        e2g = self.scene.ego2global(t)
        return self.tables.add("ego_pose", token=self.tok("ego_pose", channel, ts), timestamp=ts,
                               rotation=matrix_to_quaternion(e2g[:3, :3]),
                               translation=[float(v) for v in e2g[:3, 3]])["token"]

    def _calibration(self, sensor_tokens: dict[str, str]) -> dict[str, dict]:
        lidar2ego = make_a2b(lidar.LIDAR_ROTATION, lidar.LIDAR_TRANSLATION)
        cal = {"LIDAR_TOP": self.tables.add(
            "calibrated_sensor", token=self.tok("calib", "LIDAR_TOP"), sensor_token=sensor_tokens["LIDAR_TOP"],
            translation=list(lidar.LIDAR_TRANSLATION), rotation=list(lidar.LIDAR_ROTATION), camera_intrinsic=[])}
        cal["LIDAR_TOP"]["_a2b"] = lidar2ego
        for cam in self.rig:
            rec = self.tables.add("calibrated_sensor", token=self.tok("calib", cam.channel),
                                  sensor_token=sensor_tokens[cam.channel],
                                  translation=[float(v) for v in cam.cam2ego[:3, 3]], rotation=cam.rotation_wxyz,
                                  camera_intrinsic=cam.intrinsic.tolist())
            cal[cam.channel] = rec
        return cal

    def _sample_data(self, channel: str, t: float, sample_token: str, key: bool, fmt: str,
                     calib: dict, size=(0, 0)) -> dict:
        ts = _us(self.base, t)
        folder = "samples" if key else "sweeps"
        return self.tables.add(
            "sample_data", token=self.tok("sd", channel, ts), sample_token=sample_token,
            ego_pose_token=self._ego_pose(channel, t), calibrated_sensor_token=calib["token"], timestamp=ts,
            fileformat=fmt, is_key_frame=key, height=size[1], width=size[0],
            filename=f"{folder}/{channel}/{self.logfile}__{channel}__{ts}.{'pcd.bin' if fmt == 'pcd' else 'jpg'}",
            prev="", next="")

    # ----------------------------------------------------------------- files
    def _write_scan(self, rec: dict, t: float, lidar2ego: np.ndarray, key: bool):
        scan = lidar.scan(self.lidar_model, self.scene, t, lidar2ego, self.rng)
        path = self.root / rec["filename"]
        path.parent.mkdir(parents=True, exist_ok=True)
        scan.points.tofile(path)
        if key:
            rel = f"lidarseg/v1.0-mini/{rec['token']}_lidarseg.bin"
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            scan.labels.tofile(self.root / rel)
            self.tables.add("lidarseg", token=rec["token"], sample_data_token=rec["token"], filename=rel)
        return scan

    def _write_image(self, rec: dict, cam: cameras.CameraSpec, t: float) -> cameras.Render:
        r = cameras.render(self.scene, cam, t)
        path = self.root / rec["filename"]
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(r.rgb).save(path, format="JPEG", quality=92)
        sem = self.root / SEMANTIC_DIR / rec["filename"].replace(".jpg", ".png")
        sem.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(r.labels).save(sem, format="PNG")
        return r

    # ----------------------------------------------------------------- scene
    def write(self, sensor_tokens: dict[str, str], log_token: str) -> dict:
        spec, tables = self.spec, self.tables
        scene_token = self.tok("scene")
        calib = self._calibration(sensor_tokens)
        lidar2ego = calib["LIDAR_TOP"].pop("_a2b")
        key_times = np.arange(spec.samples) * KEYFRAME_INTERVAL
        samples = [tables.add("sample", token=self.tok("sample", k), timestamp=_us(self.base, t),
                              prev="", next="", scene_token=scene_token) for k, t in enumerate(key_times)]
        link_chain(samples)
        lidar_chain, cam_chains = [], {c.channel: [] for c in self.rig}
        ann_by_agent: dict[int, list[dict]] = {}
        n_sweeps = (spec.samples - 1) * SWEEPS_PER_KEYFRAME + SWEEPS_PER_KEYFRAME
        for n in range(n_sweeps):
            t = (n - (SWEEPS_PER_KEYFRAME - 1)) * SWEEP_INTERVAL
            k_next = min(int(np.ceil(t / KEYFRAME_INTERVAL - 1e-9)), spec.samples - 1)
            key = (n - (SWEEPS_PER_KEYFRAME - 1)) % SWEEPS_PER_KEYFRAME == 0
            rec = self._sample_data("LIDAR_TOP", t, samples[k_next]["token"], key, "pcd", calib["LIDAR_TOP"])
            lidar_chain.append(rec)
            scan = self._write_scan(rec, t, lidar2ego, key)
            if key:
                renders = []
                for cam in self.rig:
                    crec = self._sample_data(cam.channel, t + cam.time_offset, samples[k_next]["token"], True,
                                             "jpg", calib[cam.channel], (cam.width, cam.height))
                    cam_chains[cam.channel].append(crec)
                    renders.append(self._write_image(crec, cam, t + cam.time_offset))
                self._annotate(samples[k_next]["token"], t, scan, lidar2ego, renders, ann_by_agent)
        for chain in [lidar_chain, *cam_chains.values()]:
            link_chain(chain)
        self._instances(ann_by_agent)
        self._map(log_token)
        return tables.add("scene", token=scene_token, log_token=log_token, nbr_samples=spec.samples,
                          first_sample_token=samples[0]["token"], last_sample_token=samples[-1]["token"],
                          name=spec.name, description=self._description())

    def _annotate(self, sample_token, t, scan, lidar2ego, renders, ann_by_agent) -> None:
        lidar2global = compose(self.scene.ego2global(t), lidar2ego)
        pts_global = transform_points(lidar2global, scan.points[:, :3].astype(np.float64)).T
        visible = sum(np.bincount(r.objects[r.objects >= 0], minlength=len(self.scene.agents)) for r in renders)
        unoccluded = sum(r.unoccluded for r in renders)
        ego_xy = self.scene.ego2global(t)[:2, 3]
        attr_token = {a["name"]: a["token"] for a in self.tables.records["attribute"]}
        for box in self.scene.boxes_at(t):
            if np.linalg.norm(box["center"][:2] - ego_xy) > ANNOTATION_RANGE:
                continue
            i = box["agent"]
            agent = self.scene.agents[i]
            w, l, h = box["size"]
            quat = yaw_to_quaternion(box["yaw"])
            dev_box = Box(box["center"], [w, l, h], Quaternion(quat))
            n_pts = int(points_in_box(dev_box, pts_global).sum())
            frac = visible[i] / unoccluded[i] if unoccluded[i] > 0 else 0.0
            rec = self.tables.add(
                "sample_annotation", token=self.tok("ann", i, sample_token), sample_token=sample_token,
                instance_token=self.tok("instance", i), visibility_token=visibility_token(frac),
                attribute_tokens=[attr_token[agent.attribute]] if agent.attribute else [],
                translation=[float(v) for v in box["center"]], size=[float(w), float(l), float(h)],
                rotation=quat, prev="", next="", num_lidar_pts=n_pts, num_radar_pts=0)
            ann_by_agent.setdefault(i, []).append(rec)

    def _instances(self, ann_by_agent) -> None:
        cat_token = {c["name"]: c["token"] for c in self.tables.records["category"]}
        for i, anns in sorted(ann_by_agent.items()):
            link_chain(anns)
            self.tables.add("instance", token=self.tok("instance", i),
                            category_token=cat_token[self.scene.agents[i].category], nbr_annotations=len(anns),
                            first_annotation_token=anns[0]["token"], last_annotation_token=anns[-1]["token"])

    def _map(self, log_token: str) -> None:
        s = np.linspace(-20.0, float(self.scene.ego.s(self.scene.duration)) + 20.0, 50)
        path_xy = road.road_to_world_many(self.scene.road_params, s, np.full_like(s, road.EGO_LANE))[:, :2]
        extent = tuple(float(v) for v in path_xy.max(axis=0) + 100.0)
        token = self.tok("map")
        filename = f"maps/{token}.png"
        map_mask.write_mask(self.root / filename, map_mask.drivable_mask(self.scene.road_params, extent))
        self.tables.add("map", token=token, log_tokens=[log_token], category="semantic_prior", filename=filename)

    def _description(self) -> str:
        kappa = self.scene.road_params[3]
        shape = "straight road" if kappa == 0 else f"{'left' if kappa > 0 else 'right'} curve (R={abs(1 / kappa):.0f} m)"
        return (f"Synthetic: {shape}, ego {self.scene.ego.v:.1f} m/s, construction zone, parked vehicles, "
                f"oncoming traffic, cyclists, pedestrians")
