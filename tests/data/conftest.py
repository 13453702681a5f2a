"""Dataset builders over the session world's index."""
from __future__ import annotations

import pytest

from hilda.data.index_format import index_path

GRID = dict(voxel_size=(0.2, 0.2, 0.2), point_cloud_range=(-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))


@pytest.fixture(scope="session")
def make_dataset(index_dir):
    from hilda.registry import DATASETS

    def make(split="mini_train", **kw):
        cfg = dict(type="NuScenesIndexDataset", index=str(index_path(index_dir, split)), **GRID)
        cfg.update(kw)
        return DATASETS.build(cfg)

    return make
