"""Data-pipeline kernels against their references, side by side in one run.

(a) point-pixel pairs for the six cameras of a sample: ``project_to_cameras`` (one fused pass, all
    cameras) vs the devkit's ``map_pointcloud_to_image`` called once per camera; target >= 20x.
(b) ``voxelize`` vs spconv's ``PointToVoxel`` (+ the per-voxel mean) at 35k and 350k points,
    voxel 0.1 m, nuScenes range; target >= 1x.
(c) dataset ``__getitem__`` timings: ``bench_getitem`` (placeholder, filled in later).

    python -m benchmarks.data_pipeline [--world DIR] [--repeat 7] [--no-write]

Without ``--world`` a small synthetic world (2 scenes x 3 samples, 640x360) is generated in a
temporary folder. Rewrites the ``data_pipeline`` section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.results import table, timeit, write_section
from hilda.geometry.grid import VoxelGrid
from hilda.geometry.projection import project_to_cameras
from hilda.geometry.voxelize import voxelize
from hilda.structures.calib import compose, intrinsic_to_4x4, invert, record2a2b
from hilda.structures.sample import CAMERA_NAMES

HEADER = ["measurement", "points", "hilda ms", "reference", "reference ms", "speed-up", "target"]
GRID = VoxelGrid((0.1, 0.1, 0.1), (-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))


def _lidar2img(nusc, sample):
    lidar = nusc.get("sample_data", sample["data"]["LIDAR_TOP"])
    lidar2global = compose(record2a2b(nusc.get("ego_pose", lidar["ego_pose_token"])),
                           record2a2b(nusc.get("calibrated_sensor", lidar["calibrated_sensor_token"])))
    mats, sizes = [], []
    for ch in CAMERA_NAMES:
        cam = nusc.get("sample_data", sample["data"][ch])
        cs = nusc.get("calibrated_sensor", cam["calibrated_sensor_token"])
        mats.append(compose(intrinsic_to_4x4(np.array(cs["camera_intrinsic"])), invert(record2a2b(cs)),
                            invert(record2a2b(nusc.get("ego_pose", cam["ego_pose_token"]))), lidar2global))
        sizes.append((cam["width"], cam["height"]))
    return lidar["token"], np.stack(mats), np.array(sizes, np.float64)


def bench_pairs(nusc, repeat: int) -> list[list]:
    from nuscenes.utils.data_classes import LidarPointCloud

    cases = []
    for sample in nusc.sample:
        lidar_sd, lidar2img, sizes = _lidar2img(nusc, sample)
        path = nusc.get_sample_data_path(lidar_sd)
        cases.append((sample, lidar_sd, path, LidarPointCloud.from_file(path).points.T.copy(), lidar2img, sizes))
    n_points = int(np.mean([len(c[3]) for c in cases]))
    for sample, lidar_sd, _, points, lidar2img, sizes in cases:  # same pairs, as a sanity check
        pairs = project_to_cameras(points, lidar2img, sizes)
        n_dev = sum(nusc.explorer.map_pointcloud_to_image(lidar_sd, sample["data"][ch])[0].shape[1]
                    for ch in CAMERA_NAMES)
        assert len(pairs) == n_dev, (len(pairs), n_dev)

    def devkit():
        for sample, lidar_sd, *_ in cases:
            for ch in CAMERA_NAMES:
                nusc.explorer.map_pointcloud_to_image(lidar_sd, sample["data"][ch])

    def ours(occlusion=None):
        for _, _, _, points, lidar2img, sizes in cases:
            project_to_cameras(points, lidar2img, sizes, occlusion=occlusion)

    def ours_with_load():
        for _, _, path, _, lidar2img, sizes in cases:
            points = np.fromfile(path, dtype=np.float32).reshape(-1, 5)
            project_to_cameras(points, lidar2img, sizes)

    per = 1e3 / len(cases)
    t_dev = timeit(devkit, repeat=repeat) * per
    rows = []
    for name, fn in (("pairs, 6 cameras (points in memory)", ours),
                     ("pairs, 6 cameras (+ read .bin)", ours_with_load),
                     ("pairs, 6 cameras + occlusion filter", lambda: ours(dict(block=8, tolerance=0.5)))):
        t = timeit(fn, repeat=repeat, warmup=2) * per
        rows.append([name, n_points, f"{t:.2f}", "devkit map_pointcloud_to_image x 6", f"{t_dev:.1f}",
                     f"{t_dev / t:.1f}x", ">= 20x"])
    return rows


def _points(scan: np.ndarray, n: int, rng) -> np.ndarray:
    """``n`` points: copies of a synthetic scan (in scan order, like stacked sweeps), each jittered
    by 5 cm."""
    copies = -(-n // len(scan))
    pts = np.concatenate([scan[:, :4]] * copies)[:n].copy()
    pts[:, :3] += rng.normal(scale=0.05, size=(n, 3)).astype(np.float32)
    return pts


def bench_voxelize(scan: np.ndarray, repeat: int) -> list[list]:
    import torch
    from spconv.pytorch.utils import PointToVoxel

    rng, rows = np.random.default_rng(0), []
    for n in (35_000, 350_000):
        pts = _points(scan, n, rng)
        vox = voxelize(pts, GRID)
        occupancy = int(np.bincount(vox.point2voxel[vox.point2voxel >= 0]).max())
        t_ours = timeit(lambda: voxelize(pts, GRID), repeat=repeat, warmup=2) * 1e3
        pts_t = torch.from_numpy(pts)
        for max_points, label in ((occupancy, "exact means"), (10, "max 10 pts/voxel, capped means")):
            gen = PointToVoxel(vsize_xyz=list(GRID.voxel_size), coors_range_xyz=list(GRID.point_cloud_range),
                               num_point_features=4, max_num_voxels=n, max_num_points_per_voxel=max_points)

            def ref():
                voxels, coords, num, _ = gen.generate_voxel_with_id(pts_t)
                return coords, voxels.sum(1) / num[:, None].to(voxels.dtype)

            coords, means = ref()
            if max_points == occupancy:  # sanity: same voxels, same means
                assert np.array_equal(coords.numpy(), vox.coords)
                assert np.abs(means.numpy() - vox.feats).max() < 1e-4
            t_ref = timeit(ref, repeat=repeat, warmup=2) * 1e3
            rows.append([f"voxelize -> coords, point2voxel, means ({len(vox.coords)} voxels)", n,
                         f"{t_ours:.2f}", f"spconv PointToVoxel + mean ({label})", f"{t_ref:.2f}",
                         f"{t_ref / t_ours:.1f}x", ">= 1x"])
    return rows


def bench_getitem(world_root, repeat: int = 3) -> list[list]:
    """Dataset ``__getitem__`` (read scan(s) + 6 JPEGs + pairs + t-1/t+1 + augmentation +
    voxelisation) on ``world_root``, after building its index in a temporary folder."""
    from nuscenes import NuScenes

    from hilda.data.index_builder import build_index
    from hilda.data.index_format import index_path
    from hilda.registry import DATASETS

    with tempfile.TemporaryDirectory(prefix="hilda-bench-index-") as out:
        nusc = NuScenes("v1.0-mini", str(world_root), verbose=False)
        build_index(nusc, out, dict(data_root=str(world_root), version="v1.0-mini", sweeps=10), 10, progress=False)
        rows = []
        pipeline = [dict(type="RandomRotateZ"), dict(type="RandomFlip"), dict(type="RandomScale"),
                    dict(type="ImageResizeCrop"), dict(type="ImageFlip")]
        for name, kw in (("getitem: scan + 6 images 448x252 + pairs + t-1/t+1 + aug", dict(temporal=True)),
                         ("getitem: same + 10 sweeps", dict(sweeps=10))):
            ds = DATASETS.build(dict(type="NuScenesIndexDataset", index=str(index_path(out, "mini_train")),
                                     voxel_size=GRID.voxel_size, point_cloud_range=GRID.point_cloud_range,
                                     image_size=(448, 252), pipeline=pipeline, **kw))
            n_points = len(ds[0].points)
            sec = timeit(lambda: [ds[i] for i in range(len(ds))], repeat=repeat) / len(ds)
            rows.append([name, n_points, f"{sec * 1e3:.1f}", "-", "-", "-", "-"])
        return rows


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path, default=None, help="reuse this synthetic world (nuScenes root)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print the table, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hilda-bench-") as tmp:
        root = args.world
        if root is None:
            from hilda.synthetic.world import generate_world

            root = generate_world(Path(tmp) / "nuscenes", seed=0, scenes=2, samples_per_scene=3,
                                  image_size=(640, 360), progress=False)
        from nuscenes import NuScenes
        from nuscenes.utils.data_classes import LidarPointCloud

        nusc = NuScenes("v1.0-mini", str(root), verbose=False)
        scan = LidarPointCloud.from_file(nusc.get_sample_data_path(nusc.sample[0]["data"]["LIDAR_TOP"])).points.T
        rows = bench_pairs(nusc, args.repeat) + bench_voxelize(scan, args.repeat) + bench_getitem(root)
    body = (f"## data_pipeline (`python -m benchmarks.data_pipeline`)\n\n"
            f"Synthetic world: 2 scenes x 3 samples, 640x360 images; pairs timed per sample (mean of "
            f"{len(nusc.sample)} samples, median of {args.repeat} runs, numba compiled beforehand). Voxel "
            f"0.1 m, range (-51.2, -51.2, -5, 51.2, 51.2, 3); points: copies of a synthetic scan "
            f"(scan order) with 5 cm jitter. spconv's PointToVoxel is built once outside the timing.\n\n"
            + table(HEADER, rows))
    print(body)
    if not args.no_write:
        write_section("data_pipeline", body)
    return body


if __name__ == "__main__":
    main()
