"""The world generator's CLI: determinism and bad input."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from hilda.synthetic.world import generate_world

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(scenes=2, samples_per_scene=2, image_size=(64, 36), progress=False)


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and (p.suffix in (".json", ".bin"))}


def test_same_seed_gives_identical_tables_and_points(tmp_path):
    a = _digests(generate_world(tmp_path / "a", seed=3, **TINY))
    b = _digests(generate_world(tmp_path / "b", seed=3, **TINY))
    c = _digests(generate_world(tmp_path / "c", seed=4, **TINY))
    assert any(k.endswith("pcd.bin") for k in a) and any(k.endswith("sample_annotation.json") for k in a)
    assert a == b
    assert {k: v for k, v in a.items() if k.endswith("pcd.bin")} != {k: v for k, v in c.items()
                                                                       if k.endswith("pcd.bin")}


def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "data_prep" / "create_demo_world.py"), *args],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("extra, needle", [
    (["--scenes", "0"], "--scenes"),
    (["--scenes", "11"], "--scenes"),
    (["--samples-per-scene", "0"], "--samples-per-scene"),
    (["--image-size", "0", "0"], "--image-size"),
    (["--image-size", "100000", "50"], "--image-size"),
])
def test_bad_arguments_fail_with_one_line_and_write_nothing(tmp_path, extra, needle):
    out = tmp_path / "world"
    res = _cli("--out", str(out), *extra)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_non_empty_output_needs_overwrite(tmp_path):
    out = tmp_path / "world"
    out.mkdir()
    keep = out / "mine.txt"
    keep.write_text("do not lose me")
    res = _cli("--out", str(out), "--scenes", "1", "--samples-per-scene", "1", "--image-size", "64", "36")
    assert res.returncode == 2 and "--overwrite" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert keep.read_text() == "do not lose me" and sorted(p.name for p in tmp_path.iterdir()) == ["world"]
    res = _cli("--out", str(out), "--scenes", "1", "--samples-per-scene", "1", "--image-size", "64", "36",
               "--overwrite")
    assert res.returncode == 0, res.stderr
    assert (out / "v1.0-mini" / "scene.json").is_file() and not keep.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world"]  # no temporary folders left
