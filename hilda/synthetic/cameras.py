"""Six pinhole cameras with nuScenes-like placement, rendered by ray casting the same scene.

Camera frame: x right, y down, z forward (as in nuScenes). Intrinsics are those of a 1600x900
nuScenes camera scaled to the requested image size. Each camera fires at its own time offset
after the LiDAR keyframe (the LiDAR sweeping across its field of view), so the camera's ego pose
differs from the LiDAR's. Besides the JPEG-ready RGB image the renderer returns a per-pixel
lidarseg class map (255 = sky) and object map, used by tests and visualisation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from hilda.structures.calib import compose, invert, make_a2b, matrix_to_quaternion
from hilda.synthetic import materials as M
from hilda.synthetic.raycast import GROUND, MISS, cast_camera
from hilda.synthetic.scene import Scene

SKY = 255
NUSCENES_SIZE = (1600, 900)
# channel, yaw (deg, ego frame), mount xyz in the ego frame, focal px at 1600x900, LiDAR time offset (s),
# and a small fixed (pitch, roll) mounting error in degrees so that no axis is exactly aligned
RIG = (
    ("CAM_FRONT", 0.0, (1.70, 0.016, 1.51), 1266.4, 0.000, (0.4, -0.3)),
    ("CAM_FRONT_RIGHT", -55.0, (1.55, -0.49, 1.50), 1260.8, 0.008, (0.6, 0.2)),
    ("CAM_BACK_RIGHT", -110.0, (1.01, -0.48, 1.56), 1259.5, 0.017, (-0.3, 0.5)),
    ("CAM_BACK", 180.0, (0.03, 0.003, 1.58), 809.2, 0.025, (0.5, 0.1)),
    ("CAM_BACK_LEFT", 110.0, (1.04, 0.48, 1.59), 1256.7, 0.033, (0.2, -0.4)),
    ("CAM_FRONT_LEFT", 55.0, (1.52, 0.49, 1.51), 1272.6, 0.042, (-0.5, 0.3)),
)
CHANNELS = tuple(r[0] for r in RIG)


@dataclass
class CameraSpec:
    channel: str
    cam2ego: np.ndarray  # (4, 4)
    intrinsic: np.ndarray  # (3, 3)
    width: int
    height: int
    time_offset: float  # seconds after the LiDAR keyframe

    @property
    def rotation_wxyz(self) -> list[float]:
        return matrix_to_quaternion(self.cam2ego[:3, :3])


def _rot(axis: str, deg: float) -> np.ndarray:
    c, s = np.cos(np.deg2rad(deg)), np.sin(np.deg2rad(deg))
    return {"x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]),
            "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]


def nuscenes_rig(width: int, height: int) -> list[CameraSpec]:
    """The six cameras for images of ``width x height`` pixels."""
    scale_x, scale_y = width / NUSCENES_SIZE[0], height / NUSCENES_SIZE[1]
    # optical axes -> ego axes: z_cam -> x_ego, x_cam -> -y_ego, y_cam -> -z_ego
    base = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])
    specs = []
    for channel, yaw, xyz, focal, offset, (pitch, roll) in RIG:
        rot = _rot("z", yaw) @ _rot("y", pitch) @ _rot("x", roll) @ base
        m = make_a2b(matrix_to_quaternion(rot), xyz)
        k = np.array([[focal * scale_x, 0.0, width / 2 + 8.0 * scale_x],
                      [0.0, focal * scale_y, height / 2 - 5.0 * scale_y], [0.0, 0.0, 1.0]])
        specs.append(CameraSpec(channel, m, k, width, height, offset))
    return specs


@njit(cache=True)
def _shade(origin, dirs, t, ids, normals, local, prim_mats, prim_cols, road_params):
    h, w = ids.shape
    rgb = np.empty((h, w, 3))
    sun = np.array([0.35, 0.25, 0.9])
    sun /= np.sqrt((sun ** 2).sum())
    for i in range(h):
        for j in range(w):
            d = dirs[i, j]
            if ids[i, j] == MISS:
                elev = d[2] / np.sqrt((d ** 2).sum())
                k = max(0.0, min(1.0, elev * 3.0))
                rgb[i, j, 0], rgb[i, j, 1], rgb[i, j, 2] = 0.75 - 0.35 * k, 0.82 - 0.25 * k, 0.95
                continue
            px = origin[0] + t[i, j] * d[0]
            py = origin[1] + t[i, j] * d[1]
            pz = origin[2] + t[i, j] * d[2]
            if ids[i, j] == GROUND:
                mat = M.ground_material(road_params, px, py)[0]
                base = (0.3, 0.3, 0.31) if mat == M.ASPHALT else ((0.92, 0.92, 0.9) if mat == M.MARKING
                                                                  else (0.3, 0.5, 0.2))
            else:
                p = ids[i, j]
                mat = prim_mats[p]
                base = (prim_cols[p, 0], prim_cols[p, 1], prim_cols[p, 2])
            tex = M.TEXTURE[mat]
            f = 1.0
            lx, ly, lz = local[i, j, 0], local[i, j, 1], local[i, j, 2]
            if tex == 1:
                f = 0.85 + 0.3 * M.hash_noise(px, py, pz, 4.0)
            elif tex == 2:
                f = 0.7 if (lx % 1.5) < 0.06 or (ly % 1.5) < 0.06 else 1.0
            elif tex == 3 and abs(normals[i, j, 2]) < 0.5:
                u = (lx + ly) % 3.0
                v = lz % 3.2
                if 0.8 < u < 2.2 and 1.0 < v < 2.4:
                    base = (0.2, 0.25, 0.35)
            elif tex == 4 and (lz % 0.3) < 0.1:
                base = (0.95, 0.95, 0.95) if mat == M.CONE else (0.85, 0.1, 0.1)
            lam = max(0.0, normals[i, j, 0] * sun[0] + normals[i, j, 1] * sun[1] + normals[i, j, 2] * sun[2])
            shade = f * (0.45 + 0.55 * lam)
            fog = np.exp(-t[i, j] * np.sqrt((d ** 2).sum()) / 400.0)
            for c in range(3):
                rgb[i, j, c] = fog * base[c] * shade + (1.0 - fog) * 0.8
    return rgb


@dataclass
class Render:
    rgb: np.ndarray  # (H, W, 3) uint8
    labels: np.ndarray  # (H, W) uint8 lidarseg class, SKY where nothing is hit
    objects: np.ndarray  # (H, W) int32 annotated agent index or -1
    unoccluded: np.ndarray  # (n_agents,) pixels each agent would cover with no occluder


def pixel_rays(spec: CameraSpec) -> np.ndarray:
    """Camera-frame rays ``(H, W, 3)`` through pixel centres, scaled to unit depth (z = 1)."""
    u, v = np.meshgrid(np.arange(spec.width) + 0.5, np.arange(spec.height) + 0.5)
    pix = np.stack([u, v, np.ones_like(u)], axis=-1)
    return pix @ np.linalg.inv(spec.intrinsic).T


def render(scene: Scene, spec: CameraSpec, t: float, max_depth: float = 250.0) -> Render:
    """Render camera ``spec`` at scene time ``t`` (its own timestamp)."""
    cam2global = compose(scene.ego2global(t), spec.cam2ego)
    origin, rot = cam2global[:3, 3].copy(), cam2global[:3, :3]
    dirs = np.ascontiguousarray(pixel_rays(spec) @ rot.T)
    world = scene.primitives_at(t).near(origin, max_depth)
    n_agents = len(scene.agents)
    depth, ids, normals, local, unocc = cast_camera(origin, invert(cam2global), spec.intrinsic, dirs,
                                                    max_depth, world.prims, world.objects, n_agents)
    rgb = _shade(origin, dirs, depth, ids, normals, local, world.materials, world.colors,
                 scene.road_params)
    labels = np.full(ids.shape, SKY, np.uint8)
    objects = np.full(ids.shape, -1, np.int32)
    hit = ids >= 0
    labels[hit], objects[hit] = world.labels[ids[hit]], world.objects[ids[hit]]
    g = ids == GROUND
    if g.any():
        gx = origin[0] + depth[g] * dirs[g][:, 0]
        gy = origin[1] + depth[g] * dirs[g][:, 1]
        labels[g] = M.ground_labels(scene.road_params, gx, gy)[1]
    return Render(np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8), labels, objects, unocc)
