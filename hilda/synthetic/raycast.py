"""numba ray casting against the world's primitives and the ground plane ``z = 0``.

Primitives are rows of a float64 ``(P, 9)`` array:
``[type, cx, cy, cz, hx, hy, hz, cos_yaw, sin_yaw]`` with type 0 = box (half extents),
1 = vertical cylinder (radius ``hx``, half height ``hz``), 2 = ellipsoid (radii). All are rotated
by ``yaw`` about +z. Both sensors use the same intersection code; each restricts the rays it tests
per primitive to a conservative window (azimuth x beam for the LiDAR, a pixel rectangle for a
camera), which keeps a sweep or an image at O(rays + covered area).

Hit ids: ``>= 0`` primitive index, ``GROUND`` the ground plane, ``MISS`` nothing within range.
"""
from __future__ import annotations

import numpy as np
from numba import njit

GROUND = -1
MISS = -2
BOX, CYLINDER, ELLIPSOID = 0, 1, 2
_EPS = 1e-6


@njit(cache=True)
def intersect(prim, ox, oy, oz, dx, dy, dz):
    """Nearest hit of one ray with one primitive: ``(t, nx, ny, nz, lx, ly, lz)``.

    ``t = inf`` on a miss; ``n`` is the world-frame unit normal, ``l`` the hit in the local frame.
    """
    c, s = prim[7], prim[8]
    px, py, pz = ox - prim[1], oy - prim[2], oz - prim[3]
    # world -> local (rotation by -yaw)
    lox, loy, loz = c * px + s * py, -s * px + c * py, pz
    ldx, ldy, ldz = c * dx + s * dy, -s * dx + c * dy, dz
    hx, hy, hz = prim[4], prim[5], prim[6]
    t = np.inf
    nx = ny = nz = 0.0
    kind = int(prim[0])
    if kind == BOX:
        tmin, tmax, axis, sgn = -np.inf, np.inf, -1, 0.0
        o3 = (lox, loy, loz)
        d3 = (ldx, ldy, ldz)
        h3 = (hx, hy, hz)
        for k in range(3):
            if abs(d3[k]) < 1e-12:
                if abs(o3[k]) > h3[k]:
                    return np.inf, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
                continue
            t1 = (-h3[k] - o3[k]) / d3[k]
            t2 = (h3[k] - o3[k]) / d3[k]
            lo, hi = (t1, t2) if t1 < t2 else (t2, t1)
            if lo > tmin:
                tmin, axis, sgn = lo, k, -1.0 if d3[k] > 0 else 1.0
            if hi < tmax:
                tmax = hi
        if tmin <= tmax and tmin > _EPS and axis >= 0:
            t = tmin
            if axis == 0:
                nx = sgn
            elif axis == 1:
                ny = sgn
            else:
                nz = sgn
    elif kind == CYLINDER:
        a = ldx * ldx + ldy * ldy
        if a > 1e-12:
            b = lox * ldx + loy * ldy
            cc = lox * lox + loy * loy - hx * hx
            disc = b * b - a * cc
            if disc >= 0.0:
                ts = (-b - np.sqrt(disc)) / a
                if ts > _EPS and abs(loz + ts * ldz) <= hz:
                    t = ts
                    nx, ny, nz = (lox + ts * ldx) / hx, (loy + ts * ldy) / hx, 0.0
        if abs(ldz) > 1e-12:
            for zc in (hz, -hz):
                if (zc > 0 and loz > zc) or (zc < 0 and loz < zc):
                    tc = (zc - loz) / ldz
                    if _EPS < tc < t:
                        qx, qy = lox + tc * ldx, loy + tc * ldy
                        if qx * qx + qy * qy <= hx * hx:
                            t = tc
                            nx, ny, nz = 0.0, 0.0, 1.0 if zc > 0 else -1.0
    else:
        qx, qy, qz = lox / hx, loy / hy, loz / hz
        ex, ey, ez = ldx / hx, ldy / hy, ldz / hz
        a = ex * ex + ey * ey + ez * ez
        b = qx * ex + qy * ey + qz * ez
        cc = qx * qx + qy * qy + qz * qz - 1.0
        disc = b * b - a * cc
        if disc >= 0.0:
            te = (-b - np.sqrt(disc)) / a
            if te > _EPS:
                t = te
                gx = (lox + te * ldx) / (hx * hx)
                gy = (loy + te * ldy) / (hy * hy)
                gz = (loz + te * ldz) / (hz * hz)
                g = np.sqrt(gx * gx + gy * gy + gz * gz)
                nx, ny, nz = gx / g, gy / g, gz / g
    if t == np.inf:
        return np.inf, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    # local normal -> world (rotation by +yaw)
    wnx, wny = c * nx - s * ny, s * nx + c * ny
    return t, wnx, wny, nz, lox + t * ldx, loy + t * ldy, loz + t * ldz


@njit(cache=True)
def _record(i, j, t, pid, nrm, loc, out_t, out_id, out_n, out_l):
    out_t[i, j] = t
    out_id[i, j] = pid
    out_n[i, j, 0], out_n[i, j, 1], out_n[i, j, 2] = nrm[0], nrm[1], nrm[2]
    out_l[i, j, 0], out_l[i, j, 1], out_l[i, j, 2] = loc[0], loc[1], loc[2]


@njit(cache=True)
def _ground(origin, dirs, max_t):
    """Output buffers ``(t, ids, normals, local hits)`` initialised with the ground plane's hits."""
    shape = (dirs.shape[0], dirs.shape[1])
    out_t = np.empty(shape)
    out_id = np.empty(shape, dtype=np.int32)
    out_n = np.zeros((shape[0], shape[1], 3))
    out_l = np.zeros((shape[0], shape[1], 3))
    for i in range(dirs.shape[0]):
        for j in range(dirs.shape[1]):
            out_t[i, j] = max_t
            out_id[i, j] = MISS
            dz = dirs[i, j, 2]
            if dz < -1e-9:
                tg = -origin[2] / dz
                if tg < max_t:
                    _record(i, j, tg, GROUND, (0.0, 0.0, 1.0),
                            (origin[0] + tg * dirs[i, j, 0], origin[1] + tg * dirs[i, j, 1], 0.0),
                            out_t, out_id, out_n, out_l)
    return out_t, out_id, out_n, out_l


@njit(cache=True)
def _test_window(origin, dirs, prims, p, i0, i1, js, out_t, out_id, out_n, out_l):
    for i in range(i0, i1):
        for j in js:
            t, nx, ny, nz, lx, ly, lz = intersect(prims[p], origin[0], origin[1], origin[2],
                                                  dirs[i, j, 0], dirs[i, j, 1], dirs[i, j, 2])
            if t < out_t[i, j]:
                _record(i, j, t, p, (nx, ny, nz), (lx, ly, lz), out_t, out_id, out_n, out_l)


@njit(cache=True)
def bounding_radius(prim):
    """Radius of a sphere around the primitive's centre that encloses it."""
    return np.sqrt(prim[4] ** 2 + prim[5] ** 2 + prim[6] ** 2)


@njit(cache=True)
def cast_spinning(origin, sensor2world_rot, dirs, elevations, max_t, prims):
    """Cast a spinning-LiDAR ray grid ``dirs`` of shape ``(beams, columns, 3)`` (world frame).

    Column ``j`` points at azimuth ``2*pi*j/columns`` in the sensor frame and beam ``i`` at
    ``elevations[i]`` (ascending). Returns ``t (B, A)``, ``ids (B, A)``, normals, local hits.
    """
    nb, na = dirs.shape[0], dirs.shape[1]
    out_t, out_id, out_n, out_l = _ground(origin, dirs, max_t)
    step = 2.0 * np.pi / na
    for p in range(prims.shape[0]):
        v = prims[p, 1:4] - origin
        dist = np.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2)
        rad = bounding_radius(prims[p])
        if dist - rad > max_t:
            continue
        vs = sensor2world_rot.T @ v
        dxy = np.sqrt(vs[0] ** 2 + vs[1] ** 2)
        if dist <= rad * 1.001 or dxy <= rad * 1.001:
            i0, i1 = 0, nb
            js = np.arange(na)
        else:
            alpha = np.arcsin(rad / dist)
            el = np.arctan2(vs[2], dxy)
            i0 = np.searchsorted(elevations, el - alpha)
            i1 = np.searchsorted(elevations, el + alpha, side="right")
            beta = np.arcsin(rad / dxy)
            az = np.arctan2(vs[1], vs[0])
            j0 = int(np.floor((az - beta) / step))
            j1 = int(np.ceil((az + beta) / step))
            js = np.arange(j0, j1 + 1) % na
        _test_window(origin, dirs, prims, p, i0, i1, js, out_t, out_id, out_n, out_l)
    return out_t, out_id, out_n, out_l


@njit(cache=True)
def _pixel_window(prim, world2cam, intrinsic, width, height):
    """Conservative pixel rectangle ``(u0, u1, v0, v1)`` covering the primitive.

    Empty when the primitive is wholly behind the camera, the whole image when it straddles it.
    """
    c, s = prim[7], prim[8]
    umin, vmin, umax, vmax = np.inf, np.inf, -np.inf, -np.inf
    behind = 0
    for sx in (-1.0, 1.0):
        for sy in (-1.0, 1.0):
            for sz in (-1.0, 1.0):
                lx, ly = sx * prim[4], sy * prim[5]
                wx = prim[1] + c * lx - s * ly
                wy = prim[2] + s * lx + c * ly
                wz = prim[3] + sz * prim[6]
                cx = world2cam[0, 0] * wx + world2cam[0, 1] * wy + world2cam[0, 2] * wz + world2cam[0, 3]
                cy = world2cam[1, 0] * wx + world2cam[1, 1] * wy + world2cam[1, 2] * wz + world2cam[1, 3]
                cz = world2cam[2, 0] * wx + world2cam[2, 1] * wy + world2cam[2, 2] * wz + world2cam[2, 3]
                if cz < 0.05:
                    behind += 1
                    continue
                u = (intrinsic[0, 0] * cx + intrinsic[0, 1] * cy) / cz + intrinsic[0, 2]
                v = intrinsic[1, 1] * cy / cz + intrinsic[1, 2]
                umin, umax = min(umin, u), max(umax, u)
                vmin, vmax = min(vmin, v), max(vmax, v)
    if behind == 8:
        return 0, 0, 0, 0
    if behind > 0:
        return 0, width, 0, height
    u0 = max(0, int(np.floor(umin)) - 1)
    u1 = min(width, int(np.ceil(umax)) + 1)
    v0 = max(0, int(np.floor(vmin)) - 1)
    v1 = min(height, int(np.ceil(vmax)) + 1)
    return u0, max(u0, u1), v0, max(v0, v1)


@njit(cache=True)
def cast_camera(origin, world2cam, intrinsic, dirs, max_t, prims, prim_object, n_objects):
    """Render depth-along-ray, hit ids, normals and local hits for a pinhole camera.

    ``dirs (H, W, 3)`` are the world-frame rays through pixel centres. Also returns, per object,
    the number of pixels it would cover with no occluder (for nuScenes visibility levels).
    """
    h, w = dirs.shape[0], dirs.shape[1]
    out_t, out_id, out_n, out_l = _ground(origin, dirs, max_t)
    unoccluded = np.zeros(n_objects, dtype=np.int64)
    stamp = np.full((h, w), -1, dtype=np.int64)
    for p in range(prims.shape[0]):
        v = prims[p, 1:4] - origin
        if np.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2) - bounding_radius(prims[p]) > max_t:
            continue
        u0, u1, v0, v1 = _pixel_window(prims[p], world2cam, intrinsic, w, h)
        obj = prim_object[p]
        for i in range(v0, v1):
            for j in range(u0, u1):
                t, nx, ny, nz, lx, ly, lz = intersect(prims[p], origin[0], origin[1], origin[2],
                                                      dirs[i, j, 0], dirs[i, j, 1], dirs[i, j, 2])
                if t == np.inf:
                    continue
                if obj >= 0 and stamp[i, j] != obj:
                    stamp[i, j] = obj
                    unoccluded[obj] += 1
                if t < out_t[i, j]:
                    _record(i, j, t, p, (nx, ny, nz), (lx, ly, lz), out_t, out_id, out_n, out_l)
    return out_t, out_id, out_n, out_l, unoccluded
