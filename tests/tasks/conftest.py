"""A tiny pre-training configuration over the session world (configs/pretrain/demo.py + deltas)."""
from __future__ import annotations

import pytest

from hilda.data.index_format import index_path

DEMO = "configs/pretrain/demo.py"


@pytest.fixture(scope="session")
def tiny_options(index_dir) -> dict:
    """``--cfg-options`` that shrink the demo config to seconds per run."""
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


def options_argv(options: dict) -> list[str]:
    """``--cfg-options`` argv for a subprocess run of tools/train.py."""
    def fmt(v):
        if v is None:
            return "None"
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(str(x) for x in v) + "]"
        return str(v)

    return ["--cfg-options", *(f"{k}={fmt(v)}" for k, v in options.items())]
