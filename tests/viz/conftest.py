"""Fixtures of the viz tests: the session world's index (``index_dir``, tests/conftest.py), its
datasets (``make_dataset``, re-exported from tests/data/conftest.py) and one read sample."""
from __future__ import annotations

import pytest

from hilda.data.index_format import index_path
from tests.data.conftest import make_dataset  # noqa: F401  (re-exported fixture)

IMAGE_SIZE = (160, 90)  # (W, H): small cameras keep the views fast


@pytest.fixture(scope="session")
def viz_sample(make_dataset):  # noqa: F811
    """A keyframe with cameras, pairs, labels, boxes, one sweep and both temporal neighbours."""
    ds = make_dataset("mini_train", image_size=IMAGE_SIZE, boxes=True, temporal=True, sweeps=1)
    return ds[0]


@pytest.fixture(scope="session")
def train_index(index_dir):
    return index_path(index_dir, "mini_train")
