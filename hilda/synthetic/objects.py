"""Object templates: each builds the primitives of one object in its own frame.

Object frame: origin at the centre of the bottom face of the annotation box, +x forward (box
length ``l``), +y left (width ``w``), +z up (height ``h``). Every part lies at least ``INSET``
inside the ``w x l x h`` box, so LiDAR returns (with range noise) stay inside the annotation.
A part row is ``[type, cx, cy, cz, hx, hy, hz, yaw]`` (see :mod:`hilda.synthetic.raycast`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hilda.synthetic import materials as M
from hilda.synthetic.raycast import BOX, CYLINDER, ELLIPSOID

INSET = 0.03


@dataclass
class Template:
    """Parts of one object and the size ``(w, l, h)`` of its annotation box."""

    size: tuple[float, float, float]
    parts: np.ndarray  # (K, 8) float64
    materials: np.ndarray  # (K,) int64
    colors: np.ndarray  # (K, 3) float64 in [0, 1]


class _Builder:
    def __init__(self) -> None:
        self.rows: list[list[float]] = []
        self.mats: list[int] = []
        self.cols: list[tuple[float, float, float]] = []

    def box(self, x0, x1, y0, y1, z0, z1, mat, col, kind=BOX):
        self.rows.append([kind, (x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2,
                          (x1 - x0) / 2, (y1 - y0) / 2, (z1 - z0) / 2, 0.0])
        self.mats.append(mat)
        self.cols.append(tuple(col))

    def cylinder(self, x, y, z0, z1, r, mat, col):
        self.box(x - r, x + r, y - r, y + r, z0, z1, mat, col, kind=CYLINDER)

    def ellipsoid(self, x, y, z, rx, ry, rz, mat, col):
        self.box(x - rx, x + rx, y - ry, y + ry, z - rz, z + rz, mat, col, kind=ELLIPSOID)

    def build(self, w, l, h) -> Template:
        return Template((float(w), float(l), float(h)), np.array(self.rows, dtype=np.float64),
                        np.array(self.mats, dtype=np.int64), np.array(self.cols, dtype=np.float64))


DARK = (0.08, 0.08, 0.09)
GLASS = (0.12, 0.16, 0.22)


def _wheels(b, l, w, r, x_positions, thick=0.22):
    for x in x_positions:
        for sy in (-1, 1):
            y_out = sy * (w / 2 - INSET)
            y_in = y_out - sy * thick
            b.box(x - r, x + r, min(y_in, y_out), max(y_in, y_out), INSET, 2 * r, M.RUBBER, DARK)


def car(w, l, h, color):
    b = _Builder()
    i = INSET
    hb = 0.58 * h
    _wheels(b, l, w, 0.31, (l / 2 - 0.8, -l / 2 + 0.8))
    b.box(-l / 2 + i, l / 2 - i, -w / 2 + i + 0.02, w / 2 - i - 0.02, 0.3, hb, M.PAINT, color)
    b.box(-0.32 * l, 0.22 * l, -w / 2 + 0.12, w / 2 - 0.12, hb, h - i, M.GLASS, GLASS)
    return b.build(w, l, h)


def truck(w, l, h, color, cargo_color):
    b = _Builder()
    i = INSET
    _wheels(b, l, w, 0.48, (l / 2 - 1.2, -l / 2 + 1.3, -l / 2 + 2.4))
    b.box(-l / 2 + i, l / 2 - i, -w / 2 + 0.3, w / 2 - 0.3, 0.5, 1.0, M.METAL, DARK)
    b.box(l / 2 - 2.3, l / 2 - i, -w / 2 + i, w / 2 - i, 1.0, 0.82 * h, M.PAINT, color)
    b.box(l / 2 - 1.0, l / 2 - i - 0.01, -w / 2 + 0.15, w / 2 - 0.15, 0.82 * h - 0.01, 0.82 * h + 0.01,
          M.GLASS, GLASS)
    b.box(-l / 2 + i, l / 2 - 2.45, -w / 2 + i, w / 2 - i, 1.0, h - i, M.PAINT, cargo_color)
    return b.build(w, l, h)


def bus(w, l, h, color):
    b = _Builder()
    i = INSET
    _wheels(b, l, w, 0.5, (l / 2 - 2.2, -l / 2 + 2.6))
    b.box(-l / 2 + i, l / 2 - i, -w / 2 + 0.06, w / 2 - 0.06, 0.35, h - i, M.PAINT, color)
    b.box(-l / 2 + 0.4, l / 2 - i, -w / 2 + i, w / 2 - i, 0.55 * h, 0.85 * h, M.GLASS, GLASS)
    return b.build(w, l, h)


def trailer(w, l, h, color):
    b = _Builder()
    i = INSET
    _wheels(b, l, w, 0.45, (-l / 2 + 1.2, -l / 2 + 2.3))
    b.box(l / 2 - 1.2, l / 2 - i, -0.1, 0.1, 0.7, 0.9, M.METAL, DARK)
    b.box(-l / 2 + i, l / 2 - 1.2, -w / 2 + i, w / 2 - i, 1.0, h - i, M.PAINT, color)
    return b.build(w, l, h)


def construction_vehicle(w, l, h, color):
    b = _Builder()
    i = INSET
    _wheels(b, l, w, 0.6, (l / 2 - 1.0, -l / 2 + 1.0), thick=0.4)
    b.box(-l / 2 + i, l / 2 - i, -w / 2 + 0.45, w / 2 - 0.45, 0.7, 0.5 * h, M.PAINT, color)
    b.box(-l / 2 + i, -l / 2 + 2.0, -w / 2 + 0.2, w / 2 - 0.2, 0.5 * h, h - i, M.GLASS, GLASS)
    b.box(-l / 2 + 2.0, l / 2 - i, -0.2, 0.2, 0.62 * h, 0.78 * h, M.PAINT, color)
    b.box(l / 2 - 0.8, l / 2 - i, -w / 2 + 0.1, w / 2 - 0.1, 0.1, 0.9, M.METAL, DARK)
    return b.build(w, l, h)


def _rider(b, x, z_seat, cloth):
    b.box(x - 0.15, x + 0.15, -0.17, 0.17, z_seat, z_seat + 0.55, M.CLOTH, cloth)
    b.ellipsoid(x + 0.02, 0.0, z_seat + 0.68, 0.11, 0.1, 0.12, M.SKIN, (0.85, 0.7, 0.55))


def two_wheeler(w, l, h, color, rider_cloth=None, motor=True):
    """Motorcycle (``motor``) or bicycle, with an optional rider (included in the box)."""
    b = _Builder()
    i = INSET
    r = 0.32 if motor else 0.34
    for x in (l / 2 - i - r, -l / 2 + i + r):
        b.box(x - r, x + r, -0.05, 0.05, i, i + 2 * r, M.RUBBER, DARK)
    body_w = 0.2 if motor else 0.04
    b.box(-l / 2 + 0.4, l / 2 - 0.4, -body_w, body_w, 0.4, 0.9 if motor else 0.8, M.PAINT, color)
    if rider_cloth is not None:
        _rider(b, -0.1, 0.9 if motor else 0.85, rider_cloth)
    return b.build(w, l, h)


def pedestrian(w, l, h, cloth, legs):
    b = _Builder()
    b.box(-0.12, 0.12, -0.16, 0.16, INSET, 0.47 * h, M.CLOTH, legs)
    b.ellipsoid(0.0, 0.0, 0.66 * h, min(0.15, l / 2 - INSET), min(0.23, w / 2 - INSET), 0.19 * h,
                M.CLOTH, cloth)
    b.ellipsoid(0.0, 0.0, h - 0.13, 0.1, 0.09, 0.1, M.SKIN, (0.85, 0.7, 0.55))
    return b.build(w, l, h)


def traffic_cone(w, l, h):
    b = _Builder()
    orange = (0.95, 0.4, 0.05)
    b.box(-w / 2 + INSET, w / 2 - INSET, -w / 2 + INSET, w / 2 - INSET, INSET, 0.06, M.CONE, orange)
    b.cylinder(0.0, 0.0, 0.06, 0.4 * h, 0.14, M.CONE, orange)
    b.cylinder(0.0, 0.0, 0.4 * h, h - INSET, 0.08, M.CONE, orange)
    return b.build(w, l, h)


def barrier(w, l, h):
    """A jersey barrier; nuScenes annotates barriers with the long side as the width."""
    b = _Builder()
    white = (0.85, 0.85, 0.82)
    b.box(-l / 2 + INSET, l / 2 - INSET, -w / 2 + INSET, w / 2 - INSET, INSET, 0.35, M.BARRIER, white)
    b.box(-l / 2 + 0.12, l / 2 - 0.12, -w / 2 + INSET, w / 2 - INSET, 0.35, h - INSET, M.BARRIER, white)
    return b.build(w, l, h)


def simple_box(w, l, h, mat, color):
    """Bins, debris, benches, bicycle racks: one box."""
    b = _Builder()
    b.box(-l / 2 + INSET, l / 2 - INSET, -w / 2 + INSET, w / 2 - INSET, INSET, h - INSET, mat, color)
    return b.build(w, l, h)


def tree(trunk_r, trunk_h, crown_r, crown_h):
    b = _Builder()
    bark = (0.35, 0.25, 0.15)
    b.cylinder(0.0, 0.0, 0.0, trunk_h + 0.3, trunk_r, M.WOOD, bark)
    b.ellipsoid(0.0, 0.0, trunk_h + crown_h, crown_r, crown_r, crown_h, M.FOLIAGE, (0.2, 0.45, 0.15))
    return b.build(2 * crown_r, 2 * crown_r, trunk_h + 2 * crown_h)


def pole(height, with_sign, color=(0.55, 0.55, 0.58)):
    b = _Builder()
    b.cylinder(0.0, 0.0, 0.0, height, 0.12, M.METAL, color)
    if with_sign:
        b.box(-0.05, 0.05, -0.4, 0.4, height - 0.9, height - 0.1, M.MARKING, (0.1, 0.3, 0.8))
    else:
        b.box(-0.3, 0.3, -1.2, 0.0, height, height + 0.25, M.METAL, color)
    return b.build(2.5, 0.7, height + 0.3)


def building(w, l, h, color):
    b = _Builder()
    b.box(-l / 2, l / 2, -w / 2, w / 2, 0.0, h, M.WALL, color)
    return b.build(w, l, h)
