"""Compose a scene: road, roadside stuff and traffic, from a seeded random generator.

Every scene contains, near the ego's path (so that they are in range of keyframes of every
split): a construction zone (cones, barriers, a construction vehicle, workers), parked cars, a
truck, a trailer, a bus, bicycles and motorcycles; plus oncoming traffic, riders, pedestrians,
buildings, trees, poles, hedges, bins and benches.
"""
from __future__ import annotations

import numpy as np

from hilda.synthetic import materials as M
from hilda.synthetic import objects as T
from hilda.synthetic import road
from hilda.synthetic.scene import Agent, EgoMotion, Scene

PAINTS = [(0.75, 0.1, 0.1), (0.1, 0.2, 0.6), (0.85, 0.85, 0.85), (0.1, 0.1, 0.1), (0.5, 0.5, 0.55),
          (0.2, 0.45, 0.25), (0.85, 0.75, 0.2), (0.45, 0.3, 0.2)]
CLOTHES = [(0.15, 0.15, 0.4), (0.6, 0.1, 0.1), (0.2, 0.2, 0.2), (0.7, 0.7, 0.65), (0.3, 0.5, 0.3)]
WALLS = [(0.7, 0.6, 0.5), (0.55, 0.55, 0.6), (0.8, 0.75, 0.65), (0.5, 0.35, 0.3), (0.65, 0.7, 0.75)]


class SlotLine:
    """Non-overlapping intervals along ``s`` for one lateral line of objects."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []

    def take(self, s: float, half: float, gap: float = 0.5) -> bool:
        lo, hi = s - half - gap, s + half + gap
        if any(lo < b and a < hi for a, b in self.spans):
            return False
        self.spans.append((s - half, s + half))
        return True


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _vehicle(rng, kind: str):
    """(category, template) of a random vehicle of ``kind``."""
    u = rng.uniform
    if kind == "car":
        return "vehicle.car", T.car(u(1.75, 2.0), u(4.2, 4.9), u(1.45, 1.75), _pick(rng, PAINTS))
    if kind == "police":
        return "vehicle.emergency.police", T.car(1.9, 4.9, 1.6, (0.9, 0.9, 0.95))
    if kind == "truck":
        return "vehicle.truck", T.truck(u(2.3, 2.55), u(6.5, 8.5), u(2.8, 3.4), _pick(rng, PAINTS),
                                        (0.8, 0.8, 0.78))
    if kind == "bus":
        return "vehicle.bus.rigid", T.bus(u(2.6, 2.9), u(10.5, 12.0), u(3.2, 3.6), _pick(rng, PAINTS))
    if kind == "trailer":
        return "vehicle.trailer", T.trailer(u(2.4, 2.55), u(8.0, 11.0), u(3.2, 3.8), (0.75, 0.75, 0.7))
    if kind == "construction":
        return "vehicle.construction", T.construction_vehicle(u(2.5, 2.7), u(5.5, 7.0), u(2.9, 3.3),
                                                              (0.95, 0.7, 0.1))
    if kind == "motorcycle":
        rider = _pick(rng, CLOTHES) if rng.random() < 0.5 else None
        return "vehicle.motorcycle", T.two_wheeler(0.85, 2.1, 1.55 if rider else 1.15,
                                                   _pick(rng, PAINTS), rider, motor=True)
    raise KeyError(kind)


def _attribute(category: str, speed: float, parked: bool, template_has_rider: bool = False) -> str:
    if category.startswith("vehicle.bicycle") or category.startswith("vehicle.motorcycle"):
        return "cycle.with_rider" if template_has_rider else "cycle.without_rider"
    if category.startswith("vehicle."):
        return "vehicle.moving" if abs(speed) > 0.3 else ("vehicle.parked" if parked else "vehicle.stopped")
    if category.startswith("human.pedestrian"):
        return "pedestrian.moving" if abs(speed) > 0.3 else "pedestrian.standing"
    return ""


def _add(agents, category, tpl, s0, d, speed=0.0, yaw_rel=0.0, z_base=0.0, follow=False,
         annotated=True, parked=False):
    has_rider = len(tpl.parts) > 3 and tpl.size[2] > 1.3
    attr = _attribute(category, speed, parked, has_rider) if annotated else ""
    agents.append(Agent(category, tpl, float(s0), float(d), float(speed), float(yaw_rel),
                        float(z_base), follow, annotated, attr))


def _stuff(rng, agents, s_lo, s_hi):
    """Median, sidewalks, hedges, trees, poles, buildings, bins and benches."""
    concrete, pavement = (0.6, 0.6, 0.58), (0.72, 0.71, 0.68)
    for s in np.arange(s_lo, s_hi, 10.0):
        _add(agents, "flat.other", T.simple_box(2 * road.MEDIAN_HALF_WIDTH, 9.7, 0.12, M.CONCRETE, concrete),
             s + 5.0, 0.0, annotated=False)
    width = road.SIDEWALK_OUTER - road.ROAD_HALF_WIDTH
    for side in (-1, 1):
        for s in np.arange(s_lo, s_hi, 6.0):
            _add(agents, "flat.sidewalk",
                 T.simple_box(width + 2 * T.INSET, 6.0 + 2 * T.INSET, road.CURB_HEIGHT + T.INSET,
                              M.CONCRETE, pavement),
                 s + 3.0, side * (road.ROAD_HALF_WIDTH + road.SIDEWALK_OUTER) / 2, annotated=False)
        s = s_lo
        while s < s_hi:  # buildings
            length, depth, height = rng.uniform(8, 30), rng.uniform(8, 18), rng.uniform(5, 25)
            d0 = rng.uniform(14.0, 18.0)
            _add(agents, "static.manmade", T.building(depth, length, height, _pick(rng, WALLS)),
                 s + length / 2, side * (d0 + depth / 2), annotated=False)
            s += length + rng.uniform(1.0, 8.0)
        s = s_lo + rng.uniform(0, 10)
        while s < s_hi:  # trees and hedges on the verge
            if rng.random() < 0.7:
                _add(agents, "static.vegetation",
                     T.tree(rng.uniform(0.15, 0.25), rng.uniform(2.0, 3.0), rng.uniform(1.4, 2.4),
                            rng.uniform(1.4, 2.2)), s, side * rng.uniform(11.6, 12.6), annotated=False)
            else:
                length = rng.uniform(3, 7)
                _add(agents, "static.vegetation",
                     T.simple_box(0.8, length, rng.uniform(0.8, 1.4), M.FOLIAGE, (0.15, 0.4, 0.12)),
                     s, side * 10.7, annotated=False)
            s += rng.uniform(7, 18)
        line = SlotLine()
        agents_line = []
        for s in np.arange(s_lo + rng.uniform(0, 20), s_hi, rng.uniform(22, 35)):
            if line.take(s, 0.2):
                _add(agents, "static.manmade", T.pole(rng.uniform(5, 8), rng.random() < 0.4),
                     s, side * 9.85, yaw_rel=0.0 if side > 0 else np.pi,
                     z_base=road.CURB_HEIGHT, annotated=False)
        for _ in range(int((s_hi - s_lo) / 25)):
            s = rng.uniform(s_lo, s_hi)
            kind = rng.random()
            if kind < 0.4 and line.take(s, 0.4):
                agents_line.append(("movable_object.pushable_pullable",
                                    T.simple_box(0.6, 0.7, 1.05, M.PLASTIC, (0.1, 0.35, 0.15)), s, True))
            elif kind < 0.7 and line.take(s, 1.0):
                agents_line.append(("static.other", T.simple_box(0.6, 1.8, 0.5, M.WOOD, (0.5, 0.35, 0.2)),
                                    s, False))
            elif line.take(s, 1.1):
                agents_line.append(("static_object.bicycle_rack",
                                    T.simple_box(0.4, 2.0, 0.8, M.METAL, (0.6, 0.6, 0.6)), s, True))
        for cat, tpl, s, ann in agents_line:
            _add(agents, cat, tpl, s, side * 9.3, z_base=road.CURB_HEIGHT, annotated=ann)
        _pedestrians(rng, agents, line, side, s_lo, s_hi)


def _pedestrian_template(rng, worker=False):
    r = rng.random()
    if worker:
        cat, h, cloth = "human.pedestrian.construction_worker", rng.uniform(1.65, 1.85), (0.95, 0.55, 0.1)
    elif r < 0.1:
        cat, h, cloth = "human.pedestrian.child", rng.uniform(1.1, 1.4), _pick(rng, CLOTHES)
    elif r < 0.15:
        cat, h, cloth = "human.pedestrian.police_officer", rng.uniform(1.7, 1.85), (0.05, 0.1, 0.3)
    else:
        cat, h, cloth = "human.pedestrian.adult", rng.uniform(1.55, 1.9), _pick(rng, CLOTHES)
    return cat, T.pedestrian(0.62, 0.62, h, cloth, _pick(rng, CLOTHES))


def _pedestrians(rng, agents, line, side, s_lo, s_hi):
    for d, direction in ((7.6, 1.0), (8.5, -1.0)):
        speed = direction * rng.uniform(1.0, 1.5)
        s = s_lo + rng.uniform(0, 8)
        while s < s_hi:
            cat, tpl = _pedestrian_template(rng)
            _add(agents, cat, tpl, s, side * d, speed=speed, yaw_rel=0.0 if direction > 0 else np.pi,
                 z_base=road.CURB_HEIGHT)
            s += rng.uniform(4, 25)
    for _ in range(int((s_hi - s_lo) / 30)):  # standing, facing the road
        s = rng.uniform(s_lo, s_hi)
        if line.take(s, 0.35):
            cat, tpl = _pedestrian_template(rng)
            _add(agents, cat, tpl, s, side * 9.3, yaw_rel=-side * np.pi / 2, z_base=road.CURB_HEIGHT)


def _traffic(rng, agents, ego: EgoMotion, duration, s_lo, s_hi):
    """Vehicles in the ego lane, oncoming lanes and riders."""
    lead_kind = _pick(rng, ["car", "car", "truck", "bus"])
    cat, tpl = _vehicle(rng, lead_kind)
    _add(agents, cat, tpl, rng.uniform(14, 24) + tpl.size[1] / 2, road.EGO_LANE, speed=0.0, follow=True)
    agents[-1].attribute = "vehicle.moving"
    cat, tpl = _vehicle(rng, "car")
    _add(agents, cat, tpl, -rng.uniform(10, 18) - tpl.size[1] / 2, road.EGO_LANE, follow=True)
    agents[-1].attribute = "vehicle.moving"
    v_on = rng.uniform(6.0, 12.0)
    s = s_lo
    while s < s_hi + v_on * duration:
        kind = _pick(rng, ["car"] * 6 + ["truck", "bus", "police", "tractor"])
        if kind == "tractor":  # truck pulling a trailer, moving together
            cat, tpl = _vehicle(rng, "truck")
            _add(agents, cat, tpl, s, road.ONCOMING_LANE, speed=-v_on, yaw_rel=np.pi)
            cat2, tpl2 = _vehicle(rng, "trailer")
            s_tr = s + tpl.size[1] / 2 + 0.6 + tpl2.size[1] / 2
            _add(agents, cat2, tpl2, s_tr, road.ONCOMING_LANE, speed=-v_on, yaw_rel=np.pi)
            s = s_tr + tpl2.size[1] / 2
        else:
            cat, tpl = _vehicle(rng, kind)
            _add(agents, cat, tpl, s + tpl.size[1] / 2, road.ONCOMING_LANE, speed=-v_on, yaw_rel=np.pi)
            s += tpl.size[1]
        s += rng.uniform(12, 40)
    v_c = rng.uniform(3.0, 6.0)
    s = s_lo + rng.uniform(0, 10)
    while s < s_hi + v_c * duration:
        if rng.random() < 0.5:
            cat, tpl = _vehicle(rng, "motorcycle")
        else:
            cat, tpl = "vehicle.bicycle", T.two_wheeler(0.6, 1.75, 1.7, _pick(rng, PAINTS),
                                                        _pick(rng, CLOTHES), motor=False)
        _add(agents, cat, tpl, s, road.ONCOMING_OUTER_LANE, speed=-v_c, yaw_rel=np.pi)
        s += rng.uniform(15, 45)


def _right_lane(rng, agents, s_near0, s_near1, s_lo, s_hi):
    """Construction zone and parked vehicles in the right outer lane."""
    line = SlotLine()
    zone0 = rng.uniform(s_near0 + 4.0, max(s_near0 + 5.0, s_near1 - 6.0))
    zone_len = rng.uniform(16.0, 24.0)
    line.take(zone0 + zone_len / 2, zone_len / 2, gap=1.0)
    d_lane = road.RIGHT_OUTER_LANE
    for s in np.arange(zone0, zone0 + zone_len + 0.1, 3.0):
        _add(agents, "movable_object.trafficcone", T.traffic_cone(0.42, 0.42, 0.75), s,
             d_lane + 1.55, yaw_rel=rng.uniform(-np.pi, np.pi))
    for s in np.arange(zone0 + 1.5, zone0 + zone_len - 1.0, 2.6):
        _add(agents, "movable_object.barrier", T.barrier(2.3, 0.55, 0.95), s, d_lane - 1.1,
             yaw_rel=np.pi / 2)
    cat, tpl = _vehicle(rng, "construction")
    _add(agents, cat, tpl, zone0 + zone_len / 2, d_lane - 0.05, parked=True)
    for k in range(2):
        cat, tpl = _pedestrian_template(rng, worker=True)
        _add(agents, cat, tpl, zone0 + 2.0 + k * (zone_len - 4.0), d_lane + 0.4,
             yaw_rel=rng.uniform(-np.pi, np.pi))
    # the classes every split must see: nearest free slot to a random spot near the ego path
    must = ["motorcycle", "bicycle", "truck", "trailer", "bus", "car"]
    for kind in must + ["car"] * 40:
        if kind == "bicycle":
            cat, tpl = "vehicle.bicycle", T.two_wheeler(0.6, 1.75, 1.05, _pick(rng, PAINTS), None, motor=False)
        else:
            cat, tpl = _vehicle(rng, kind)
        if kind in must:
            target = rng.uniform(s_near0 - 10, s_near1 + 20)
            candidates = target + np.concatenate([[0.0], np.repeat(np.arange(1, 200) * 0.5, 2)
                                                  * np.tile([1.0, -1.0], 199)])
        else:
            candidates = rng.uniform(s_lo, s_hi, size=30)
        gap = rng.uniform(0.8, 3.0)
        for s in candidates:
            if line.take(s, tpl.size[1] / 2, gap=gap):
                d = d_lane - (0.9 if kind in ("motorcycle", "bicycle") else 0.0)
                _add(agents, cat, tpl, s, d, parked=True)
                break


def compose_scene(rng: np.random.Generator, duration: float) -> Scene:
    """A random scene whose ego drives for ``duration`` seconds; global coordinates are positive."""
    ego = EgoMotion(v=rng.uniform(4.0, 10.0), a=rng.uniform(0.0, 1.5), w=rng.uniform(0.3, 0.8))
    length = float(ego.s(duration))
    kappa = 0.0 if rng.random() < 0.3 else rng.choice([-1, 1]) * rng.uniform(1 / 400, 1 / 160)
    s_lo, s_hi = -90.0, length + 110.0
    agents: list = []
    _traffic(rng, agents, ego, duration, s_lo, s_hi)
    _right_lane(rng, agents, 0.0, length, s_lo, s_hi)
    _stuff(rng, agents, s_lo, s_hi)
    # place the road so that everything within 60 m of the path has positive global coordinates
    params = np.array([0.0, 0.0, rng.uniform(-np.pi, np.pi), kappa])
    s = np.linspace(s_lo, s_hi, 200)
    pts = np.concatenate([road.road_to_world_many(params, s, np.full_like(s, d))[:, :2]
                          for d in (-60.0, 60.0)])
    params[:2] = 100.0 - pts.min(axis=0)
    return Scene(road_params=params, ego=ego, agents=agents, duration=duration)
