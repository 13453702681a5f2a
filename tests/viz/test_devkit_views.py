"""The demo's devkit views are written as real images."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hilda.viz.devkit_views import render_views


def test_render_views_writes_four_pngs(world_root, tmp_path):
    paths = render_views(str(world_root), str(tmp_path / "views"))
    assert len(paths) == 4
    for path in paths:
        img = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
        assert img.shape[0] > 300 and img.shape[1] > 300 and img.std() > 10, path


def test_bad_scene_index_is_one_clear_error(world_root, tmp_path):
    with pytest.raises(IndexError, match="scene index 99"):
        render_views(str(world_root), str(tmp_path / "v"), scene_index=99)
