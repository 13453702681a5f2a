"""Point clouds as PLY files (hand-written; readable by open3d, MeshLab, CloudCompare, Blender).

Vertices carry ``x y z`` (float32), optional ``red green blue`` (uchar) and optional extra scalar
properties (float32, e.g. ``intensity``, ``label``). Binary little-endian by default, ASCII on
request. ``read_ply`` reads back what ``write_ply`` writes (tests, quick checks).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

_PLY_TYPES = {"float": "<f4", "float32": "<f4", "double": "<f8", "float64": "<f8", "uchar": "u1",
              "uint8": "u1", "int": "<i4", "int32": "<i4", "uint": "<u4", "uint32": "<u4"}


def _vertex_dtype(colors: bool, scalars) -> np.dtype:
    fields = [("x", "<f4"), ("y", "<f4"), ("z", "<f4")]
    if colors:
        fields += [("red", "u1"), ("green", "u1"), ("blue", "u1")]
    return np.dtype(fields + [(name, "<f4") for name in scalars])


def write_ply(path: str | Path, xyz: np.ndarray, colors: np.ndarray | None = None,
              scalars: dict[str, np.ndarray] | None = None, binary: bool = True) -> Path:
    """Write ``xyz (N, 3)``, ``colors (N, 3)`` uint8 and ``scalars {name: (N,)}`` as a PLY point cloud."""
    xyz = np.asarray(xyz, np.float32).reshape(-1, 3)
    scalars = dict(scalars or {})
    for name, values in scalars.items():
        if not name.isidentifier() or np.asarray(values).shape != (len(xyz),):
            raise ValueError(f"scalar {name!r} must be an identifier with {len(xyz)} values")
    data = np.empty(len(xyz), _vertex_dtype(colors is not None, scalars))
    data["x"], data["y"], data["z"] = xyz.T
    if colors is not None:
        rgb = np.asarray(colors, np.uint8).reshape(-1, 3)
        data["red"], data["green"], data["blue"] = rgb.T
    for name, values in scalars.items():
        data[name] = values
    props = "".join(f"property {'uchar' if data.dtype[n] == np.uint8 else 'float'} {n}\n" for n in data.dtype.names)
    header = (f"ply\nformat {'binary_little_endian' if binary else 'ascii'} 1.0\ncomment written by hilda.viz\n"
              f"element vertex {len(xyz)}\n{props}end_header\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(header.encode("ascii"))
        if binary:
            f.write(data.tobytes())
        else:
            fmt = ["%.6g" if data.dtype[n] != np.uint8 else "%d" for n in data.dtype.names]
            np.savetxt(f, np.column_stack([data[n].astype(np.float64) for n in data.dtype.names]),
                       fmt=" ".join(fmt))
    return path


def read_ply(path: str | Path) -> np.ndarray:
    """The vertex table of a PLY point cloud (one element ``vertex``) as a structured array."""
    with open(path, "rb") as f:
        if f.readline().strip() != b"ply":
            raise ValueError(f"{path} is not a PLY file")
        fmt, count, fields = None, 0, []
        for raw in f:
            words = raw.decode("ascii").split()
            if not words or words[0] == "comment":
                continue
            if words[0] == "end_header":
                break
            if words[0] == "format":
                fmt = words[1]
            elif words[:2] == ["element", "vertex"]:
                count = int(words[2])
            elif words[0] == "property":
                fields.append((words[2], _PLY_TYPES[words[1]]))
        dtype = np.dtype(fields)
        if fmt == "binary_little_endian":
            return np.frombuffer(f.read(count * dtype.itemsize), dtype, count)
        if fmt == "ascii":
            table = np.loadtxt(f, ndmin=2, max_rows=count)
            out = np.empty(count, dtype)
            for i, name in enumerate(dtype.names):
                out[name] = table[:, i]
            return out
    raise ValueError(f"{path}: unsupported PLY format {fmt!r}")
