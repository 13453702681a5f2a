"""Materials: LiDAR reflectance and camera texture of every surface in the synthetic world.

A material is a row index into the tables below. Ground hits get their material from the road
cross-section (:func:`ground_material`); every primitive carries one.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from hilda.data.nuscenes_labels import CATEGORY_INDEX
from hilda.synthetic import road

(ASPHALT, MARKING, GRASS, CONCRETE, WALL, FOLIAGE, METAL, PAINT, GLASS, RUBBER, CONE, BARRIER,
 CLOTH, SKIN, PLASTIC, WOOD) = range(16)
N_MATERIALS = 16

# diffuse LiDAR reflectance in [0, 1]; retro-reflective paint and cones are bright
REFLECTANCE = np.array([0.07, 0.65, 0.16, 0.28, 0.22, 0.18, 0.45, 0.30, 0.05, 0.04,
                        0.75, 0.55, 0.14, 0.12, 0.25, 0.2])
# texture kind used by the camera shader (0 flat, 1 noise, 2 tiles, 3 windows, 4 stripes)
TEXTURE = np.array([1, 0, 1, 2, 3, 1, 0, 0, 0, 0, 4, 4, 0, 0, 0, 1], dtype=np.int64)

GROUND_DRIVEABLE = CATEGORY_INDEX["flat.driveable_surface"]
GROUND_TERRAIN = CATEGORY_INDEX["flat.terrain"]


@njit(cache=True)
def ground_material(road_params, x, y):
    """(material, lidarseg class) of the ground plane at global (x, y)."""
    s, d = road.world_to_road(road_params, x, y)
    ad = abs(d)
    if ad < road.ROAD_HALF_WIDTH:
        lane_edge = abs(ad - (road.MEDIAN_HALF_WIDTH + road.LANE_WIDTH))
        dashed = lane_edge < 0.08 and (s % 9.0) < 3.0
        edge_line = abs(ad - (road.ROAD_HALF_WIDTH - 0.25)) < 0.08
        if dashed or edge_line:
            return MARKING, GROUND_DRIVEABLE
        return ASPHALT, GROUND_DRIVEABLE
    return GRASS, GROUND_TERRAIN


@njit(cache=True)
def hash_noise(x, y, z, scale):
    """Deterministic value noise in [0, 1) on a lattice of cell size ``1/scale``."""
    ix = np.int64(np.floor(x * scale))
    iy = np.int64(np.floor(y * scale))
    iz = np.int64(np.floor(z * scale))
    h = (ix * 73856093) ^ (iy * 19349663) ^ (iz * 83492791)
    h = (h ^ (h >> 13)) * 1274126177
    return ((h ^ (h >> 16)) & 0xFFFF) / 65536.0


@njit(cache=True)
def ground_labels(road_params, xs, ys):
    """(material, lidarseg class) of ground hits at global ``xs, ys``."""
    n = xs.shape[0]
    mats = np.empty(n, dtype=np.int64)
    cls = np.empty(n, dtype=np.uint8)
    for i in range(n):
        m, c = ground_material(road_params, xs[i], ys[i])
        mats[i], cls[i] = m, c
    return mats, cls
