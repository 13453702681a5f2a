"""Loss curves from a hand-made CSVLogger file; PLY export round trips (and open3d reads it)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hilda.viz.curves import MetricsNotFound, find_metrics, group_columns, read_metrics, render_curves
from hilda.viz.ply import read_ply, write_ply

CSV = """step,epoch,train/loss,train/loss_distill_l0,lr-AdamW,val/loss
0,0,2.0,1.0,,
0,0,,,0.0001,
10,0,1.5,0.8,,
10,0,,,0.001,
19,0,,,,1.7
20,1,1.0,0.5,,
"""


def test_curves_from_metrics_csv(tmp_path):
    run = tmp_path / "work" / "lightning_logs" / "version_0"
    run.mkdir(parents=True)
    (run / "metrics.csv").write_text(CSV)
    files = find_metrics(tmp_path / "work")
    series = read_metrics(files)
    steps, values = series["train/loss"]
    assert steps.tolist() == [0, 10, 20] and values.tolist() == [2.0, 1.5, 1.0]
    assert series["val/loss"][1].tolist() == [1.7]
    groups = group_columns(series)
    assert groups == {"training losses": ["train/loss", "train/loss_distill_l0"], "validation": ["val/loss"],
                      "learning rate": ["lr-AdamW"]}
    path = render_curves(series, tmp_path / "c.png", size=(500, 400))
    img = Image.open(path)
    assert img.size == (500, 400) and np.asarray(img.convert("L")).std() > 5


def test_missing_metrics_names_the_dir(tmp_path):
    with pytest.raises(MetricsNotFound, match="empty_dir"):
        find_metrics(tmp_path / "empty_dir")


@pytest.mark.parametrize("binary", [True, False])
def test_ply_round_trip(tmp_path, binary):
    rng = np.random.default_rng(0)
    xyz = rng.standard_normal((57, 3)).astype(np.float32)
    rgb = rng.integers(0, 256, (57, 3), dtype=np.uint8)
    path = write_ply(tmp_path / "c.ply", xyz, rgb, {"intensity": rng.random(57), "label": np.arange(57)}, binary)
    head = path.read_bytes().split(b"end_header\n")[0].decode()
    assert "element vertex 57" in head and ("binary_little_endian" in head) == binary
    table = read_ply(path)
    assert len(table) == 57 and table.dtype.names == ("x", "y", "z", "red", "green", "blue", "intensity", "label")
    np.testing.assert_allclose(np.stack([table["x"], table["y"], table["z"]], 1), xyz, rtol=1e-5, atol=1e-6)
    assert np.array_equal(np.stack([table["red"], table["green"], table["blue"]], 1), rgb)
    assert table["label"].tolist() == list(range(57))


def test_open3d_reads_our_ply(tmp_path):
    o3d = pytest.importorskip("open3d")
    xyz = np.arange(30, dtype=np.float32).reshape(10, 3)
    rgb = np.full((10, 3), 255, np.uint8)
    cloud = o3d.io.read_point_cloud(str(write_ply(tmp_path / "c.ply", xyz, rgb)))
    np.testing.assert_allclose(np.asarray(cloud.points), xyz)
    np.testing.assert_allclose(np.asarray(cloud.colors), 1.0)
