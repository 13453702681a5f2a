"""A 32-beam spinning LiDAR close to nuScenes' Velodyne HDL-32E on LIDAR_TOP.

Beams from -30.67 to +10.67 deg, ``columns`` azimuth steps per 20 Hz revolution, range 70 m.
Points are ``float32 (x, y, z, intensity, ring)`` in the sensor frame (ring 0 = lowest beam),
ordered column by column. Ranges get Gaussian noise, some returns drop out and a few become
spurious "noise" returns (lidarseg class 0), as in real scans. Intensity follows the material's
reflectance and the angle of incidence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hilda.data.nuscenes_labels import CATEGORY_INDEX
from hilda.structures.calib import compose
from hilda.synthetic import materials as M
from hilda.synthetic.raycast import GROUND, MISS, cast_spinning
from hilda.synthetic.scene import PrimSet, Scene

# nuScenes LIDAR_TOP mounting (sensor -> ego): x right, y forward, z up in the sensor frame.
LIDAR_TRANSLATION = [0.943713, 0.0, 1.84023]
LIDAR_ROTATION = [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817]
# the ego car body (Renault Zoe), ego frame: rear axle on the ground, x forward
EGO_BODY = dict(center=(1.3, 0.0, 0.4), half=(2.0, 0.86, 0.36))


@dataclass
class LidarModel:
    n_beams: int = 32
    min_elevation_deg: float = -30.67
    max_elevation_deg: float = 10.67
    columns: int = 1084
    max_range: float = 70.0
    min_range: float = 0.9
    range_noise: float = 0.012
    dropout: float = 0.03
    noise_fraction: float = 5e-4

    def elevations(self) -> np.ndarray:
        return np.deg2rad(np.linspace(self.min_elevation_deg, self.max_elevation_deg, self.n_beams))

    def directions(self) -> np.ndarray:
        """Unit ray directions ``(beams, columns, 3)`` in the sensor frame."""
        el = self.elevations()[:, None]
        az = (2 * np.pi * np.arange(self.columns) / self.columns)[None, :]
        return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az),
                         np.sin(el) * np.ones_like(az)], axis=-1)


def _ego_body_prim(ego2global: np.ndarray) -> PrimSet:
    center = ego2global[:3, :3] @ np.array(EGO_BODY["center"]) + ego2global[:3, 3]
    yaw = np.arctan2(ego2global[1, 0], ego2global[0, 0])
    prim = np.array([[0, *center, *EGO_BODY["half"], np.cos(yaw), np.sin(yaw)]], dtype=np.float64)
    return PrimSet(prim, np.array([CATEGORY_INDEX["vehicle.ego"]], np.uint8), np.array([-1]),
                   np.array([M.PAINT]), np.array([[0.9, 0.9, 0.9]]))


def _concat(a: PrimSet, b: PrimSet) -> PrimSet:
    return PrimSet(*(np.concatenate([x, y]) for x, y in zip(
        (a.prims, a.labels, a.objects, a.materials, a.colors),
        (b.prims, b.labels, b.objects, b.materials, b.colors))))


@dataclass
class Scan:
    points: np.ndarray  # (N, 5) float32 x, y, z, intensity, ring in the sensor frame
    labels: np.ndarray  # (N,) uint8 lidarseg general index
    objects: np.ndarray  # (N,) int64 annotated agent index or -1


def scan(model: LidarModel, scene: Scene, t: float, lidar2ego: np.ndarray,
         rng: np.random.Generator) -> Scan:
    """Ray-cast one sweep at scene time ``t`` (static snapshot of the world)."""
    ego2global = scene.ego2global(t)
    lidar2global = compose(ego2global, lidar2ego)
    origin, rot = lidar2global[:3, 3].copy(), lidar2global[:3, :3].copy()
    dirs_s = model.directions()
    dirs_w = np.ascontiguousarray(dirs_s @ rot.T)
    world = _concat(scene.primitives_at(t).near(origin, model.max_range), _ego_body_prim(ego2global))
    dist, ids, normals, _ = cast_spinning(origin, rot, dirs_w, model.elevations(), model.max_range,
                                           world.prims)
    # column-major order (one firing of all beams per azimuth step)
    dist, ids, normals = dist.T.ravel(), ids.T.ravel(), normals.transpose(1, 0, 2).reshape(-1, 3)
    dirs_s, dirs_w = dirs_s.transpose(1, 0, 2).reshape(-1, 3), dirs_w.transpose(1, 0, 2).reshape(-1, 3)
    ring = np.tile(np.arange(model.n_beams), model.columns)
    keep = (ids != MISS) & (dist >= model.min_range) & (rng.random(ids.shape[0]) >= model.dropout)
    dist, ids, normals, dirs_s, dirs_w, ring = (a[keep] for a in (dist, ids, normals, dirs_s, dirs_w, ring))

    labels = np.empty(ids.shape[0], np.uint8)
    mats = np.empty(ids.shape[0], np.int64)
    objects = np.full(ids.shape[0], -1, np.int64)
    hit = ids >= 0
    labels[hit], mats[hit], objects[hit] = world.labels[ids[hit]], world.materials[ids[hit]], world.objects[ids[hit]]
    g = ids == GROUND
    gx = origin[0] + dist[g] * dirs_w[g, 0]
    gy = origin[1] + dist[g] * dirs_w[g, 1]
    mats[g], labels[g] = M.ground_labels(scene.road_params, gx, gy)

    cos_inc = np.abs(np.sum(normals * dirs_w, axis=1))
    intensity = 255.0 * M.REFLECTANCE[mats] * (0.25 + 0.75 * cos_inc) * np.exp(-dist / 150.0)
    intensity = np.clip(np.round(intensity + rng.normal(0.0, 1.5, intensity.shape)), 0, 255)
    dist = dist + rng.normal(0.0, model.range_noise, dist.shape)
    spurious = rng.random(dist.shape[0]) < model.noise_fraction
    dist[spurious] = rng.uniform(model.min_range, dist[spurious])
    labels[spurious], objects[spurious] = CATEGORY_INDEX["noise"], -1

    xyz = dirs_s * dist[:, None]
    points = np.concatenate([xyz, intensity[:, None], ring[:, None]], axis=1).astype(np.float32)
    return Scan(points, labels, objects)
