"""The one collate: ``list[Sample] -> Batch`` by concatenation with offsets (no padding)."""
from __future__ import annotations

import numpy as np
import torch

from hilda.structures.batch import Batch, PairBatch
from hilda.structures.point_batch import PointBatch, VoxelBatch
from hilda.structures.sample import Sample


def _offsets(counts: list[int]) -> torch.Tensor:
    return torch.from_numpy(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def _all_or_none(samples: list[Sample], name: str) -> bool:
    present = [getattr(s, name) is not None for s in samples]
    if any(present) and not all(present):
        raise ValueError(f"cannot collate: field {name!r} is present in some samples only "
                         f"({', '.join(s.token for s, p in zip(samples, present) if not p)} lack it)")
    return all(present)


def collate_points(point_sets: list[np.ndarray], voxel_sets: list | None, spatial_shape) -> PointBatch:
    offsets = _offsets([len(p) for p in point_sets])
    batch = PointBatch(torch.from_numpy(np.concatenate(point_sets).astype(np.float32)), offsets)
    if voxel_sets is None:
        return batch
    v_off = np.concatenate([[0], np.cumsum([len(v.coords) for v in voxel_sets])])
    coords = np.concatenate([np.concatenate([np.full((len(v.coords), 1), b, np.int32), v.coords], axis=1)
                             for b, v in enumerate(voxel_sets)]).astype(np.int32)
    p2v = np.concatenate([np.where(v.point2voxel >= 0, v.point2voxel + v_off[b], -1)
                          for b, v in enumerate(voxel_sets)]).astype(np.int64)
    feats = np.concatenate([v.feats for v in voxel_sets]).astype(np.float32)
    batch.voxels = VoxelBatch(torch.from_numpy(coords), torch.from_numpy(feats), torch.from_numpy(p2v),
                              tuple(int(s) for s in spatial_shape), len(voxel_sets))
    return batch


def _pairs(samples: list[Sample], point_offsets: torch.Tensor, num_cameras: int) -> PairBatch:
    pi, ci, uv, depth = [], [], [], []
    for b, s in enumerate(samples):
        pi.append(s.pairs.point_index + int(point_offsets[b]))
        ci.append(s.pairs.camera_index + b * num_cameras)
        uv.append(s.pairs.uv)
        depth.append(s.pairs.depth)
    t = lambda xs, dt: torch.from_numpy(np.concatenate(xs).astype(dt))  # noqa: E731
    return PairBatch(t(pi, np.int64), t(ci, np.int64), t(uv, np.float32), t(depth, np.float32))


def collate(samples: list[Sample], spatial_shape=None) -> Batch:
    """Collate samples; ``spatial_shape`` (Z, Y, X) is required when the samples are voxelised."""
    if not samples:
        raise ValueError("cannot collate an empty list of samples")
    voxelised = _all_or_none(samples, "voxels")
    if voxelised and spatial_shape is None:
        raise ValueError("collate needs spatial_shape for voxelised samples")
    points = collate_points([s.points for s in samples], [s.voxels for s in samples] if voxelised else None,
                            spatial_shape)
    batch = Batch(tokens=[s.token for s in samples], points=points, meta=[s.meta for s in samples])
    if _all_or_none(samples, "images"):
        imgs = np.concatenate([s.images for s in samples])  # (B*K, H, W, 3)
        batch.images = torch.from_numpy(np.ascontiguousarray(imgs)).permute(0, 3, 1, 2).contiguous()
        batch.num_cameras = samples[0].images.shape[0]
    if _all_or_none(samples, "teacher"):
        batch.num_cameras = samples[0].teacher["cls"].shape[0]
        n_layers = len(samples[0].teacher["layers"])
        batch.teacher = dict(
            layers=[torch.from_numpy(np.concatenate([s.teacher["layers"][i] for s in samples])) for i in range(n_layers)],
            cls=torch.from_numpy(np.concatenate([s.teacher["cls"] for s in samples])))
    if _all_or_none(samples, "pairs"):
        if batch.num_cameras == 0:
            batch.num_cameras = len(samples[0].meta["cameras"])
        batch.pairs = _pairs(samples, points.offsets, batch.num_cameras)
    if _all_or_none(samples, "labels"):
        batch.labels = torch.from_numpy(np.concatenate([s.labels for s in samples]).astype(np.int64))
    if _all_or_none(samples, "prev_points"):
        prev_vox = [s.prev_voxels for s in samples] if _all_or_none(samples, "prev_voxels") else None
        batch.prev_points = collate_points([s.prev_points for s in samples], prev_vox, spatial_shape)
    if _all_or_none(samples, "next_points"):
        batch.next_points = collate_points([s.next_points for s in samples], None, None)
    if _all_or_none(samples, "boxes"):
        batch.boxes = torch.from_numpy(np.concatenate([s.boxes for s in samples]).astype(np.float32))
        batch.box_labels = torch.from_numpy(np.concatenate([s.box_labels for s in samples]))
        batch.box_offsets = _offsets([len(s.boxes) for s in samples])
    return batch
