"""The scene model: a road, the ego vehicle and agents that move along it.

Every object (annotated or not) is an :class:`Agent` that moves along the road at a fixed lateral
offset ``d`` with a constant speed (zero for parked and static things), or keeps a fixed gap to the
ego vehicle (``follow_ego``). Lanes never mix speeds, so agents cannot collide.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hilda.data.nuscenes_labels import CATEGORY_INDEX
from hilda.structures.calib import make_a2b, yaw_to_quaternion
from hilda.synthetic import road
from hilda.synthetic.objects import Template


@dataclass
class Agent:
    category: str  # nuScenes general category name
    template: Template
    s0: float  # arc length at t = 0 (relative to the ego's arc length when follow_ego)
    d: float  # lateral offset of the box centre
    speed: float = 0.0  # along +s (negative: against), m/s
    yaw_rel: float = 0.0  # heading relative to the road direction
    z_base: float = 0.0  # height of the box bottom (sidewalk slabs are raised)
    follow_ego: bool = False
    annotated: bool = False
    attribute: str = ""  # nuScenes attribute name, "" for none


@dataclass
class EgoMotion:
    """Arc length of the ego along its lane: ``s(t) = v t + (a / w) sin(w t)``."""

    v: float
    a: float
    w: float

    def s(self, t):
        return self.v * np.asarray(t, dtype=np.float64) + self.a / self.w * np.sin(self.w * np.asarray(t))


@dataclass
class PrimSet:
    """Primitives of the world at one instant, grouped by object (see :mod:`raycast`)."""

    prims: np.ndarray  # (P, 9) float64
    labels: np.ndarray  # (P,) uint8 lidarseg index
    objects: np.ndarray  # (P,) int64 annotated-agent index or -1
    materials: np.ndarray  # (P,) int64
    colors: np.ndarray  # (P, 3) float64

    def near(self, point: np.ndarray, radius: float) -> "PrimSet":
        """Primitives whose bounding sphere comes within ``radius`` of ``point``."""
        reach = np.linalg.norm(self.prims[:, 4:7], axis=1)
        keep = np.linalg.norm(self.prims[:, 1:4] - point, axis=1) - reach < radius
        return PrimSet(self.prims[keep], self.labels[keep], self.objects[keep],
                       self.materials[keep], self.colors[keep])


@dataclass
class Scene:
    road_params: np.ndarray  # [x0, y0, heading0, kappa]
    ego: EgoMotion
    agents: list[Agent]
    duration: float
    _cache: dict = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- ego
    def ego_pose(self, t: float) -> tuple[float, float, float]:
        x, y, h = road.road_to_world(self.road_params, float(self.ego.s(t)), road.EGO_LANE)
        return float(x), float(y), float(h)

    def ego2global(self, t: float) -> np.ndarray:
        x, y, yaw = self.ego_pose(t)
        return make_a2b(yaw_to_quaternion(yaw), [x, y, 0.0])

    # ---------------------------------------------------------------- agents
    def _static_parts(self):
        if "parts" not in self._cache:
            owners, parts, mats, cols = [], [], [], []
            for i, a in enumerate(self.agents):
                k = len(a.template.parts)
                owners.append(np.full(k, i))
                parts.append(a.template.parts)
                mats.append(a.template.materials)
                cols.append(a.template.colors)
            owner = np.concatenate(owners)
            labels = np.array([CATEGORY_INDEX[a.category] for a in self.agents], dtype=np.uint8)[owner]
            annotated = np.array([a.annotated for a in self.agents])
            objects = np.where(annotated[owner], owner, -1)
            self._cache["parts"] = (owner, np.concatenate(parts), labels, objects,
                                    np.concatenate(mats), np.concatenate(cols))
            self._cache["lane"] = np.array(
                [[a.s0, a.d, a.speed, a.yaw_rel, a.z_base, a.follow_ego] for a in self.agents])
        return self._cache["parts"]

    def agent_poses(self, t: float) -> np.ndarray:
        """``(n_agents, 4)`` of global ``x, y, z_bottom, yaw`` at time ``t``."""
        self._static_parts()
        lane = self._cache["lane"]
        s = lane[:, 0] + lane[:, 2] * t + lane[:, 5] * self.ego.s(t)
        xyh = road.road_to_world_many(self.road_params, s, lane[:, 1].copy())
        return np.stack([xyh[:, 0], xyh[:, 1], lane[:, 4], xyh[:, 2] + lane[:, 3]], axis=1)

    def primitives_at(self, t: float) -> PrimSet:
        owner, parts, labels, objects, mats, cols = self._static_parts()
        pose = self.agent_poses(t)[owner]
        c, s = np.cos(pose[:, 3]), np.sin(pose[:, 3])
        prims = np.empty((len(parts), 9))
        prims[:, 0] = parts[:, 0]
        prims[:, 1] = pose[:, 0] + c * parts[:, 1] - s * parts[:, 2]
        prims[:, 2] = pose[:, 1] + s * parts[:, 1] + c * parts[:, 2]
        prims[:, 3] = pose[:, 2] + parts[:, 3]
        prims[:, 4:7] = parts[:, 4:7]
        yaw = pose[:, 3] + parts[:, 7]
        prims[:, 7], prims[:, 8] = np.cos(yaw), np.sin(yaw)
        return PrimSet(prims, labels, objects, mats, cols)

    def boxes_at(self, t: float, dt: float = 0.05) -> list[dict]:
        """Annotation boxes (global, centre-based, ``wlh``) of annotated agents at ``t``."""
        pose, pose_next = self.agent_poses(t), self.agent_poses(t + dt)
        out = []
        for i, a in enumerate(self.agents):
            if not a.annotated:
                continue
            w, l, h = a.template.size
            x, y, zb, yaw = pose[i]
            vel = (pose_next[i, :2] - pose[i, :2]) / dt
            out.append(dict(agent=i, center=np.array([x, y, zb + h / 2]), size=(w, l, h), yaw=yaw,
                            velocity=vel))
        return out
