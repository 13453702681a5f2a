"""nuScenes label spaces in one place.

- ``LIDARSEG_CATEGORIES``: the 32 general classes of nuScenes-lidarseg, in index order (the
  ``index`` field of ``category.json`` and the uint8 value in ``lidarseg/*.bin``).
- ``SEG16_CLASSES`` and ``lidarseg32_to_16``: the standard 16-class benchmark mapping
  (ignore = 255).

Detection names come from the devkit (``nuscenes.eval.detection.utils.category_to_detection_name``);
they are not duplicated here.
"""
from __future__ import annotations

import numpy as np

LIDARSEG_CATEGORIES: tuple[str, ...] = (
    "noise",
    "animal",
    "human.pedestrian.adult",
    "human.pedestrian.child",
    "human.pedestrian.construction_worker",
    "human.pedestrian.personal_mobility",
    "human.pedestrian.police_officer",
    "human.pedestrian.stroller",
    "human.pedestrian.wheelchair",
    "movable_object.barrier",
    "movable_object.debris",
    "movable_object.pushable_pullable",
    "movable_object.trafficcone",
    "static_object.bicycle_rack",
    "vehicle.bicycle",
    "vehicle.bus.bendy",
    "vehicle.bus.rigid",
    "vehicle.car",
    "vehicle.construction",
    "vehicle.emergency.ambulance",
    "vehicle.emergency.police",
    "vehicle.motorcycle",
    "vehicle.trailer",
    "vehicle.truck",
    "flat.driveable_surface",
    "flat.other",
    "flat.sidewalk",
    "flat.terrain",
    "static.manmade",
    "static.other",
    "static.vegetation",
    "vehicle.ego",
)
CATEGORY_INDEX: dict[str, int] = {name: i for i, name in enumerate(LIDARSEG_CATEGORIES)}

IGNORE_INDEX = 255

SEG16_CLASSES: tuple[str, ...] = (
    "barrier",
    "bicycle",
    "bus",
    "car",
    "construction_vehicle",
    "motorcycle",
    "pedestrian",
    "traffic_cone",
    "trailer",
    "truck",
    "driveable_surface",
    "other_flat",
    "sidewalk",
    "terrain",
    "manmade",
    "vegetation",
)

# general class -> 16-class name; classes absent here map to ignore.
_SEG16_OF: dict[str, str] = {
    "movable_object.barrier": "barrier",
    "vehicle.bicycle": "bicycle",
    "vehicle.bus.bendy": "bus",
    "vehicle.bus.rigid": "bus",
    "vehicle.car": "car",
    "vehicle.construction": "construction_vehicle",
    "vehicle.motorcycle": "motorcycle",
    "human.pedestrian.adult": "pedestrian",
    "human.pedestrian.child": "pedestrian",
    "human.pedestrian.construction_worker": "pedestrian",
    "human.pedestrian.police_officer": "pedestrian",
    "movable_object.trafficcone": "traffic_cone",
    "vehicle.trailer": "trailer",
    "vehicle.truck": "truck",
    "flat.driveable_surface": "driveable_surface",
    "flat.other": "other_flat",
    "flat.sidewalk": "sidewalk",
    "flat.terrain": "terrain",
    "static.manmade": "manmade",
    "static.vegetation": "vegetation",
}


def lidarseg32_to_16_lut() -> np.ndarray:
    """uint8 look-up table of length 256: general index -> 16-class index (or 255 = ignore)."""
    lut = np.full(256, IGNORE_INDEX, dtype=np.uint8)
    seg16 = {name: i for i, name in enumerate(SEG16_CLASSES)}
    for general, short in _SEG16_OF.items():
        lut[CATEGORY_INDEX[general]] = seg16[short]
    return lut


def lidarseg32_to_16(labels: np.ndarray) -> np.ndarray:
    """Map general lidarseg labels (any integer array) to the 16 benchmark classes."""
    return lidarseg32_to_16_lut()[np.asarray(labels, dtype=np.int64)]
