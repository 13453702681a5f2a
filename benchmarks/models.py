"""Model costs on this machine: the MinkUNet34 student and the ViT-S/14 teacher.

(a) MinkUNet34 (37.9 M parameters) on one scan of ~35k points (a 32-beam ring model: ground plane
    plus a wavy wall, so voxels have the neighbours of a real scan), voxel 0.1 m, nuScenes range:
    training forward + backward, and eval forward under ``no_grad``. Peak memory is the growth of
    the process's peak RSS (``getrusage`` maxrss) over its current RSS just before the first
    call: torch has no CPU memory statistics.
(b) ``FrozenTimmTeacher`` ViT-S/14 (DINOv2 layout, random weights) on six 224 x 392 images.

    python -m benchmarks.models [--repeat 3] [--no-write]

Rewrites the ``models`` section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import resource

import numpy as np
import torch

from benchmarks.results import table, timeit, write_section
from hilda.geometry.grid import VoxelGrid
from hilda.geometry.voxelize import voxelize
from hilda.registry import MODELS
from hilda.structures.point_batch import PointBatch, VoxelBatch

GRID = VoxelGrid((0.1, 0.1, 0.1), (-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))
HEADER = ["measurement", "input", "ms (median)", "peak RSS growth MiB", "note"]


def ring_scan(beams: int = 32, azimuths: int = 1085, seed: int = 0) -> np.ndarray:
    """``(beams * azimuths, 5)`` points of a spinning LiDAR 1.8 m above a ground plane, inside a
    wall at 15-35 m: ``x, y, z, intensity, time_lag``."""
    rng = np.random.default_rng(seed)
    elev = np.deg2rad(np.linspace(-30.0, 10.0, beams))[:, None]
    az = np.linspace(-np.pi, np.pi, azimuths, endpoint=False)[None, :] + rng.normal(0, 1e-3, (beams, azimuths))
    wall = 25.0 + 10.0 * np.sin(3 * az) * np.cos(5 * az)
    ground = np.where(elev < 0, 1.8 / np.tan(-np.minimum(elev, -1e-6)), np.inf)
    r = np.minimum(ground, wall) + rng.normal(0, 0.02, (beams, azimuths))
    xyz = np.stack([r * np.cos(elev) * np.cos(az), r * np.cos(elev) * np.sin(az), r * np.sin(elev) - 1.8], -1)
    pts = np.concatenate([xyz.reshape(-1, 3), rng.uniform(0, 1, (xyz[..., 0].size, 1)),
                          np.zeros((xyz[..., 0].size, 1))], 1)
    return pts.astype(np.float32)


def point_batch(points: np.ndarray) -> PointBatch:
    vox = voxelize(points, GRID)
    coords = np.concatenate([np.zeros((len(vox.coords), 1), np.int32), vox.coords], 1)
    voxels = VoxelBatch(torch.from_numpy(coords), torch.from_numpy(vox.feats), torch.from_numpy(vox.point2voxel),
                        GRID.spatial_shape, 1)
    return PointBatch(torch.from_numpy(points), torch.tensor([0, len(points)]), voxels)


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_student(repeat: int) -> list[list]:
    torch.manual_seed(0)
    model = MODELS.build(dict(type="MinkUNet34", in_channels=5, out_stages=(2, 3)))
    batch = point_batch(ring_scan())
    n, v = batch.points.shape[0], batch.voxels.coords.shape[0]

    def train_step():
        model.zero_grad(set_to_none=True)
        out = model(batch)
        (out.points.square().mean() + out.stages[2].square().mean()).backward()

    model.train()
    before = rss_mib()
    train_step()
    grown = max(peak_mib() - before, 0.0)
    train_ms = timeit(train_step, repeat=repeat, warmup=0) * 1e3
    model.eval()
    with torch.no_grad():
        eval_ms = timeit(lambda: model(batch), repeat=repeat) * 1e3
    inp = f"{n} points, {v} voxels"
    return [["MinkUNet34 train forward + backward", inp, f"{train_ms:.0f}", f"{grown:.0f}",
             "out_stages (2, 3); peak measured on the first step"],
            ["MinkUNet34 eval forward (no_grad)", inp, f"{eval_ms:.0f}", "-", ""]]


def bench_teacher(repeat: int) -> list[list]:
    torch.manual_seed(0)
    teacher = MODELS.build(dict(type="FrozenTimmTeacher", model_name="vit_small_patch14_dinov2",
                                img_size=(224, 392), pretrained=False))
    images = torch.randint(0, 256, (6, 3, 224, 392), dtype=torch.uint8)
    before = rss_mib()
    teacher(images)
    grown = max(peak_mib() - before, 0.0)
    ms = timeit(lambda: teacher(images), repeat=repeat) * 1e3
    return [["FrozenTimmTeacher ViT-S/14 forward (fp32)", "6 x 224x392 images -> 2 x (6, 384, 16, 28) + CLS",
             f"{ms:.0f}", f"{grown:.0f}", "random weights; layers (-2, -1)"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = bench_student(args.repeat) + bench_teacher(args.repeat)
    body = "## models (`python -m benchmarks.models`)\n\n" + table(HEADER, rows)
    print(body)
    if not args.no_write:
        write_section("models", body)


if __name__ == "__main__":
    main()
