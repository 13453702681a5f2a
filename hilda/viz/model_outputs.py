"""Outputs of checkpoints for the views: student point features (pre-training checkpoint or exported
backbone), predicted labels (semantic-segmentation checkpoint), the occupancy forecast (HilDA
pre-training checkpoint with the diffusion head). The views take plain arrays."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from hilda.structures.sample import Sample


class CheckpointNotFound(FileNotFoundError):
    """A checkpoint path that is not a file; the message names it."""


def check_checkpoint(path: str | Path | None, what: str = "checkpoint", flag: str = "--checkpoint PATH") -> Path:
    """``path`` as a ``Path`` when it is a file; otherwise a one-line ``CheckpointNotFound``."""
    if path is None:
        raise CheckpointNotFound(f"this view needs a {what}: give {flag}")
    path = Path(path)
    if not path.is_file():
        raise CheckpointNotFound(f"{what} not found: {path}")
    return path


def _voxelised(points: np.ndarray, grid: dict):
    from hilda.data.collate import collate_points
    from hilda.geometry.grid import VoxelGrid
    from hilda.geometry.voxelize import voxelize

    g = VoxelGrid(tuple(grid["voxel_size"]), tuple(grid["point_cloud_range"]))
    return collate_points([points], [voxelize(points, g)], g.spatial_shape)


def load_student_features(ckpt: str | Path, sample: Sample) -> np.ndarray:
    """``(N, C)`` student point features of ``sample.points`` from the checkpoint's backbone
    (a pre-training checkpoint or an exported backbone); the grid is the one it was trained on."""
    from hilda.tasks.backbone_io import backbone_grid, load_backbone

    path = check_checkpoint(ckpt)
    grid = backbone_grid(path)
    if grid is None:
        raise CheckpointNotFound(f"{path} does not record its voxel grid; use the pre-training checkpoint")
    student = load_backbone(path).eval()
    with torch.no_grad():
        return student(_voxelised(sample.points, grid)).points.numpy()


def load_predictions(ckpt: str | Path, sample: Sample) -> np.ndarray:
    """``(N,)`` int64 predicted 16-class labels of ``sample.points`` from a ``SemsegTask`` checkpoint
    (tools/finetune.py), on the grid it was trained with."""
    from hilda.tasks.semseg import SemsegTask

    path = check_checkpoint(ckpt)
    task = SemsegTask.load_from_checkpoint(str(path), map_location="cpu", pretrained=None, weights_only=True).eval()
    if task.hparams.get("grid") is None:
        raise CheckpointNotFound(f"{path} does not record its voxel grid")
    with torch.no_grad():
        return task(_voxelised(sample.points, task.hparams.grid)).argmax(1).numpy()


def load_forecast(ckpt: str | Path, sample: Sample) -> tuple[np.ndarray, np.ndarray, tuple]:
    """``(forecast, target, extent)``: ``(H, W)`` DDIM forecast probability of ``t+1`` occupancy in
    the ``t0`` frame from a HilDA pre-training checkpoint, the head's own target on the same BEV
    grid, and that grid's ``(x0, x1, y0, y1)``."""
    from hilda.tasks.pretrain import HildaPretrain

    path = check_checkpoint(ckpt)
    if sample.prev_points is None or sample.next_points is None:
        raise ValueError(f"sample {sample.token} lacks its previous or next keyframe")
    task = HildaPretrain.load_from_checkpoint(str(path), map_location="cpu", use_cache=True, weights_only=True).eval()
    if task.diffusion is None:
        raise ValueError(f"{path} was trained without the diffusion objective: no forecast")
    grid = task.hparams.grid
    cur, prev = _voxelised(sample.points, grid), _voxelised(sample.prev_points, grid)
    nxt = _voxelised(sample.next_points, grid)
    with torch.no_grad():
        f_cur, f_prev = task.student(cur).points, task.student(prev).points
        pred = task.diffusion.forecast(f_cur, cur, f_prev, prev, generator=torch.Generator().manual_seed(0))
        target = task.diffusion.target(nxt)
    x0, y0, _, x1, y1, _ = grid["point_cloud_range"]
    return pred[0, 0].numpy(), target[0, 0].numpy(), (x0, x1, y0, y1)
