"""``NuScenesIndexDataset``: training samples read from an index file; no devkit in workers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from hilda.data.index_format import load_index
from hilda.data.record_reader import ReaderOptions, RecordReader
from hilda.data.record_store import RecordStore
from hilda.data.transforms import Compose
from hilda.geometry.grid import VoxelGrid
from hilda.geometry.voxelize import voxelize
from hilda.registry import DATASETS
from hilda.structures.sample import Sample


def _restrict(records: list[dict], tokens, tokens_file, index) -> list[dict]:
    from hilda.data.label_fractions import read_token_list, resolve_tokens

    if tokens is not None and tokens_file is not None:
        raise ValueError("give either tokens or tokens_file, not both")
    entries = list(tokens) if tokens is not None else read_token_list(tokens_file)
    source = f"tokens_file {tokens_file}" if tokens_file is not None else "tokens"
    keep = set(resolve_tokens(entries, records, f"{source} (index {index})"))
    return [r for r in records if r["token"] in keep]


@DATASETS.register_module()
class NuScenesIndexDataset(Dataset):
    """Samples of one split.

    Args:
        index: path of ``index_<split>.json`` (data_prep/create_nuscenes_index.py).
        data_root: dataroot the index paths are relative to (default: the one recorded in it).
        voxel_size, point_cloud_range: the voxel grid (``hilda.geometry.grid.VoxelGrid``).
        pipeline: transform configs (``hilda.registry.TRANSFORMS``), applied after loading.
        teacher_cache: a ``TeacherFeatureCache`` config; cached features replace online images.
        tokens / tokens_file: keep only these keyframes (a list, or a file read by
            ``hilda.data.label_fractions.read_token_list``: sample tokens, LIDAR_TOP sample_data
            tokens or file names, one per line); an entry not in the index is an error
            (``TokenListError``). Records keep the index order.
        max_samples: keep the first ``max_samples`` records (quick runs).
        With ``temporal=True`` only keyframes that have both a previous and a next keyframe are kept.
        **reader: ``ReaderOptions`` fields (sweeps, image_size, temporal, boxes, ...).
    """

    def __init__(self, index: str, voxel_size, point_cloud_range, data_root: str | None = None,
                 pipeline: list | tuple = (), teacher_cache: dict | None = None,
                 max_samples: int | None = None, tokens: list | tuple | None = None,
                 tokens_file: str | None = None, **reader):
        info = load_index(index)
        records = info["samples"]
        if tokens is not None or tokens_file is not None:
            records = _restrict(records, tokens, tokens_file, index)
        if reader.get("temporal"):  # the occupancy objective needs both neighbours
            records = [r for r in records if r["prev"] is not None and r["next"] is not None]
        records = records[:max_samples] if max_samples else records
        if not records:
            raise ValueError(f"index {index} has no samples")
        self.split, self.index_path = info["split"], str(index)
        self.data_root = Path(data_root if data_root is not None else info["data_root"])
        self.records = RecordStore(records)
        self.tokens = [r["token"] for r in records]
        if reader.get("image_size") is not None:
            reader["image_size"] = tuple(reader["image_size"])
        if teacher_cache is not None:
            reader["images"] = False
        self.reader = RecordReader(self.data_root, ReaderOptions(**reader))
        self.grid = VoxelGrid(tuple(voxel_size), tuple(point_cloud_range))
        self.pipeline = Compose(pipeline)
        self.cache = None
        if teacher_cache is not None:
            from hilda.data.teacher_cache import TeacherFeatureCache

            self.cache = TeacherFeatureCache.open(**teacher_cache)
            if self.pipeline.changes_images:
                raise ValueError("dataset pipeline has image transforms, which cannot be combined with "
                                 "teacher_cache (cached features are of the unaugmented images)")

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i: int) -> Sample:
        sample = self.reader.read(self.records[i])
        if self.cache is not None:
            sample.teacher = self.cache.read(sample.token)
        # one draw from torch's RNG: reproducible under seed_everything, distinct per worker/epoch
        rng = np.random.default_rng(int(torch.randint(0, 2**62, (1,)).item()))
        sample = self.pipeline(sample, rng)
        sample.voxels = voxelize(sample.points, self.grid)
        if sample.prev_points is not None:
            sample.prev_voxels = voxelize(sample.prev_points, self.grid)
        return sample
