"""tools/demo.py: reuses a matching world, refuses a mismatching one with one line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import WORLD_ARGS

ROOT = Path(__file__).resolve().parents[2]


def _demo(*opts, stages="world,views"):
    return subprocess.run([sys.executable, "tools/demo.py", "configs/pretrain/demo.py", "--stages", stages,
                           "--cfg-options", *opts], capture_output=True, text=True, cwd=ROOT)


def test_demo_reuses_matching_world_and_renders(world_root, tmp_path):
    w, h = WORLD_ARGS["image_size"]
    res = _demo(f"world.data_root={world_root}", f"world.seed={WORLD_ARGS['seed']}",
                f"world.samples_per_scene={WORLD_ARGS['samples_per_scene']}", f"world.image_size=({w},{h})",
                f"work_dir={tmp_path}")
    assert res.returncode == 0, res.stderr
    assert "reusing" in res.stdout
    assert len(list((tmp_path / "views").glob("*.png"))) == 4


def test_demo_refuses_world_made_with_other_arguments(world_root, tmp_path):
    res = _demo(f"world.data_root={world_root}", "world.seed=12345", f"work_dir={tmp_path}")
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "world.data_root" in res.stderr


def test_demo_refuses_unknown_stage(tmp_path):
    res = _demo(f"work_dir={tmp_path}", stages="world,fly")
    assert res.returncode == 2 and "fly" in res.stderr
