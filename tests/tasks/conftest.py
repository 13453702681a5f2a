"""Helpers for running tools/train.py on the session world (the ``tiny_options`` fixture is in
tests/conftest.py)."""
from __future__ import annotations

import pytest
import torch

DEMO = "configs/pretrain/demo.py"


def options_argv(options: dict) -> list[str]:
    """``--cfg-options`` argv for a subprocess run of tools/train.py."""
    def fmt(v):
        if v is None:
            return "None"
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(str(x) for x in v) + "]"
        return str(v)

    return ["--cfg-options", *(f"{k}={fmt(v)}" for k, v in options.items())]


# a MinkUNet18 small enough for CPU tests, and a coarse grid for it
TINY_STUDENT = dict(type="MinkUNet18", in_channels=5, stem_channels=8, encoder_channels=[8, 16, 16, 16],
                    decoder_channels=[16, 16, 16, 16])
COARSE_GRID = dict(voxel_size=(0.5, 0.5, 0.5), point_cloud_range=(-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))


@pytest.fixture
def one_thread():
    """spconv's CPU convs stall for seconds in OpenMP barriers when 2 threads share 2 busy cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
