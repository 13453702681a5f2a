"""Road geometry: one road whose centre line is a circular arc (a straight line when kappa ~ 0).

Objects are placed in road coordinates ``(s, d)``: ``s`` is the arc length along the centre line
(direction of travel of the ego lane), ``d`` the signed lateral offset (left of the travel
direction is positive). ``params = [x0, y0, heading0, kappa]`` in the global frame.

Cross-section (metres from the centre line, mirrored on both sides): median ``|d| < 0.5``
(flat.other), two lanes up to ``|d| < ROAD_HALF_WIDTH`` (flat.driveable_surface), sidewalk up to
``SIDEWALK_OUTER`` (flat.sidewalk, a raised slab), terrain beyond.
"""
from __future__ import annotations

import numpy as np
from numba import njit

MEDIAN_HALF_WIDTH = 0.5
LANE_WIDTH = 3.25
ROAD_HALF_WIDTH = 7.0
SIDEWALK_OUTER = 10.0
CURB_HEIGHT = 0.15
# lane centres (ego drives +s in the inner right lane)
EGO_LANE = -2.25
RIGHT_OUTER_LANE = -5.5
ONCOMING_LANE = 2.25
ONCOMING_OUTER_LANE = 5.5
_STRAIGHT = 1e-7


@njit(cache=True)
def road_to_world(params, s, d):
    """(s, d) -> (x, y, heading of the travel direction at s)."""
    x0, y0, h0, k = params[0], params[1], params[2], params[3]
    h = h0 + k * s
    if abs(k) < _STRAIGHT:
        cx = x0 + s * np.cos(h0)
        cy = y0 + s * np.sin(h0)
    else:
        cx = x0 + (np.sin(h) - np.sin(h0)) / k
        cy = y0 - (np.cos(h) - np.cos(h0)) / k
    return cx - d * np.sin(h), cy + d * np.cos(h), h


@njit(cache=True)
def world_to_road(params, x, y):
    """(x, y) -> (s, d); exact inverse of :func:`road_to_world` for |kappa * s| < pi."""
    x0, y0, h0, k = params[0], params[1], params[2], params[3]
    if abs(k) < _STRAIGHT:
        dx, dy = x - x0, y - y0
        return dx * np.cos(h0) + dy * np.sin(h0), -dx * np.sin(h0) + dy * np.cos(h0)
    # centre of curvature lies on the left normal at distance 1/k (right when k < 0)
    ccx = x0 - np.sin(h0) / k
    ccy = y0 + np.cos(h0) / k
    v0x, v0y = x0 - ccx, y0 - ccy
    vx, vy = x - ccx, y - ccy
    ang = np.arctan2(v0x * vy - v0y * vx, v0x * vx + v0y * vy)
    r = np.sqrt(vx * vx + vy * vy)
    d = (1.0 / k - r) if k > 0 else (r + 1.0 / k)
    return ang / k, d


@njit(cache=True)
def road_to_world_many(params, s, d):
    """Vectorised :func:`road_to_world` over 1-D arrays."""
    n = s.shape[0]
    out = np.empty((n, 3))
    for i in range(n):
        x, y, h = road_to_world(params, s[i], d[i])
        out[i, 0], out[i, 1], out[i, 2] = x, y, h
    return out


@njit(cache=True)
def world_to_road_many(params, x, y):
    """Vectorised :func:`world_to_road` over 1-D arrays; returns ``(N, 2)`` of (s, d)."""
    n = x.shape[0]
    out = np.empty((n, 2))
    for i in range(n):
        s, d = world_to_road(params, x[i], y[i])
        out[i, 0], out[i, 1] = s, d
    return out
