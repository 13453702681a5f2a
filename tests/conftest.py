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


@pytest.fixture(scope="session")
def tiny_options(index_dir) -> dict:
    """``--cfg-options`` that shrink configs/pretrain/demo.py to seconds per run on the session world."""
    from hilda.data.index_format import index_path

    return {
        "data.train.index": str(index_path(index_dir, "mini_train")),
        "data.batch_size": 2,
        "teacher_cache": None,
        "image_size": [208, 112],
        "grid.voxel_size": [0.5, 0.5, 0.5],
        "model.teacher.model_name": "vit_tiny_patch16_224",
        "model.teacher.img_size": [112, 208],
        "model.student.stem_channels": 8,
        "model.student.encoder_channels": [8, 16, 16, 16],
        "model.student.decoder_channels": [16, 16, 16, 16],
        "model.distill.hidden_channels": 32,
        "model.global_context.hidden_channels": 32,
        "model.diffusion.bev_cell_size": 2.0,
        "model.diffusion.base_channels": 8,
        "model.diffusion.cond_channels": 8,
        "model.optimizer.lr": 3e-3,
        "model.scheduler": None,
        "trainer.max_epochs": 1,
        "trainer.enable_model_summary": False,
    }




@pytest.fixture(scope="session")
def tiny_pretrain_ckpt(tiny_options, tmp_path_factory):
    """A HilDA pre-training checkpoint (all three objectives) of a tiny 2-step run."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.tasks.conftest import DEMO, options_argv

    work = tmp_path_factory.mktemp("tiny_pretrain")
    opts = dict(tiny_options, **{"trainer.limit_train_batches": 2, "model.diffusion.num_steps": 50})
    res = subprocess.run([sys.executable, "tools/train.py", DEMO, "--work-dir", str(work), *options_argv(opts)],
                         cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    return work / "checkpoints" / "last.ckpt"
