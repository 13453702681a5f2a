"""tools/visualize.py: every view writes PNGs of the expected size and lists them; bad input is
one line on stderr with exit status 2."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cli():
    spec = importlib.util.spec_from_file_location("hilda_visualize_cli", ROOT / "tools" / "visualize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(cli, capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _listed(out: str) -> list[Path]:
    lines = out.strip().splitlines()
    count = int(lines[0].split()[1])
    assert lines[0].startswith("wrote") and len(lines) == count + 1
    return [Path(line.strip()) for line in lines[1:]]


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as im:
        assert np.asarray(im.convert("L")).std() > 1, path
        return im.size


def test_unknown_sample_token_is_one_line_exit_2(train_index, tmp_path):
    res = subprocess.run([sys.executable, "tools/visualize.py", "scan", "--index", str(train_index),
                          "--sample", "no_such_token", "--out", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stderr.strip() == f"error: sample token no_such_token not in {train_index}"


@pytest.mark.parametrize("argv, named", [
    (["scan", "--color", "pca", "--checkpoint", "{tmp}/missing.ckpt"], "missing.ckpt"),
    (["scan", "--color", "pred", "--checkpoint", "{tmp}/gone.ckpt"], "gone.ckpt"),
    (["bev", "--forecast", "--checkpoint", "{tmp}/gone.ckpt"], "gone.ckpt"),
    (["teacher", "--checkpoint", "{tmp}/dinov2.safetensors"], "dinov2.safetensors"),
    (["overlay", "--color", "pca", "--feature", "teacher", "--teacher-checkpoint", "{tmp}/t.pth"], "t.pth"),
    (["scan", "--sample", "999"], "sample index 999"),
])
def test_missing_checkpoint_or_sample_is_one_line(cli, capsys, train_index, tmp_path, argv, named):
    argv = [a.format(tmp=tmp_path) for a in argv]
    code, out, err = _run(cli, capsys, *argv, "--index", train_index, "--out", tmp_path / "o")
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and named in err


def test_unreadable_checkpoint_is_one_line(cli, capsys, train_index, tmp_path):
    ckpt = tmp_path / "run.ckpt"
    ckpt.write_bytes(b"not a checkpoint")
    code, _, err = _run(cli, capsys, "scan", "--index", train_index, "--color", "pca", "--checkpoint", ckpt,
                        "--out", tmp_path)
    assert code == 2 and str(ckpt) in err and len(err.strip().splitlines()) == 1


def test_student_pca_and_forecast_from_a_pretraining_checkpoint(cli, capsys, train_index, tiny_pretrain_ckpt,
                                                                  tmp_path):
    code, out, err = _run(cli, capsys, "scan", "--index", train_index, "--sample", "1", "--color", "pca",
                          "--checkpoint", tiny_pretrain_ckpt, "--out", tmp_path / "pca")
    assert code == 0, err
    pngs = [p for p in _listed(out) if p.suffix == ".png"]
    img = np.asarray(Image.open(pngs[0]).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(img, axis=0)) > 50  # PCA colours vary over the points
    code, out, err = _run(cli, capsys, "bev", "--index", train_index, "--sample", "1", "--forecast",
                          "--checkpoint", tiny_pretrain_ckpt, "--out", tmp_path / "bev")
    assert code == 0, err
    assert any("forecast" in p.name for p in _listed(out))


def test_curves_without_metrics_names_the_dir(cli, capsys, tmp_path):
    code, _, err = _run(cli, capsys, "curves", "--work-dir", tmp_path / "nothing_here", "--out", tmp_path)
    assert code == 2 and "nothing_here" in err and len(err.strip().splitlines()) == 1


def test_interactive_without_display_is_one_line(cli, capsys, train_index, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, _, err = _run(cli, capsys, "scan", "--index", train_index, "--interactive", "--out", tmp_path)
    assert code == 2 and "display" in err and len(err.strip().splitlines()) == 1


def test_every_view_writes_pngs_of_the_expected_size(cli, capsys, train_index, tmp_path):
    common = ["--index", train_index, "--sample", "1", "--out", tmp_path]
    cam = ["--image-size", "160", "90"]
    code, out, _ = _run(cli, capsys, "scan", *common, "--color", "label", "--sweeps", "1", "--size", "320", "240",
                        "--ply")
    scan = _listed(out)
    assert code == 0 and [p.suffix for p in scan] == [".png", ".png", ".ply"]
    assert all(_size(p) == (320, 240) for p in scan[:2])
    code, out, _ = _run(cli, capsys, "overlay", *common, *cam, "--camera", "CAM_FRONT", "CAM_BACK")
    assert code == 0 and [_size(p) for p in _listed(out)] == [(160, 90)] * 2
    code, out, _ = _run(cli, capsys, "mosaic", *common, *cam, "--color", "label")
    assert code == 0 and [_size(p) for p in _listed(out)] == [(480, 180)]
    code, out, _ = _run(cli, capsys, "bev", *common)
    assert code == 0 and [_size(p) for p in _listed(out)] == [(1200, 430)]
    code, out, _ = _run(cli, capsys, "teacher", *common, "--random-weights", "--image-size", "56", "28")
    assert code == 0 and [_size(p) for p in _listed(out)] == [(3 * 56, 6 * 28)]
    run = tmp_path / "work" / "version_0"
    run.mkdir(parents=True)
    (run / "metrics.csv").write_text("step,epoch,train/loss\n0,0,2.0\n5,0,1.0\n")
    code, out, _ = _run(cli, capsys, "curves", "--work-dir", tmp_path / "work", "--out", tmp_path)
    assert code == 0 and [_size(p) for p in _listed(out)] == [(1000, 750)]


def test_open3d_offscreen_renders_or_reports_failure(viz_sample, tmp_path):
    """The renderer runs in a child process: whatever the driver does, this process survives."""
    from hilda.viz.colors import height_colors
    from hilda.viz.interactive import render_offscreen

    xyz = viz_sample.points[:2000, :3]
    path = render_offscreen(xyz, height_colors(xyz[:, 2]), tmp_path / "o3d.png", viz_sample.boxes[:3],
                            size=(160, 120), timeout=60)
    assert path is None or _size(path) == (160, 120)
