"""Shared fixtures: one small synthetic world per test session (CPU only, no network)."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

WORLD_ARGS = dict(seed=7, scenes=10, samples_per_scene=3, image_size=(320, 180))


@pytest.fixture(scope="session")
def world_root(tmp_path_factory):
    from hilda.synthetic.world import generate_world

    root = tmp_path_factory.mktemp("world") / "nuscenes"
    return generate_world(root, progress=False, **WORLD_ARGS)


@pytest.fixture(scope="session")
def nusc(world_root):
    from nuscenes import NuScenes

    return NuScenes("v1.0-mini", str(world_root), verbose=False)


@pytest.fixture(scope="session")
def index_dir(world_root, tmp_path_factory):
    """Split indexes (3 sweeps) of the session world, built with the CLI's code path."""
    from nuscenes import NuScenes

    from hilda.data.index_builder import build_index

    out = tmp_path_factory.mktemp("index")
    nusc = NuScenes("v1.0-mini", str(world_root), verbose=False)
    build_index(nusc, out, dict(data_root=str(world_root), version="v1.0-mini", sweeps=3), 3, progress=False)
    return out
