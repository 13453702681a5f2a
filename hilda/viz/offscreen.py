"""Child-process entry of ``hilda.viz.interactive.render_offscreen``: ``python -m hilda.viz.offscreen
SCENE.npz OUT.png``. Exits 0 after writing the PNG; any failure (even an abort) is the parent's cue
to fall back to matplotlib."""
from __future__ import annotations

import sys

import numpy as np


def render(scene_path: str, out: str) -> None:
    import open3d as o3d
    from open3d.visualization import rendering

    scene = np.load(scene_path)
    width, height = (int(v) for v in scene["size"])
    renderer = rendering.OffscreenRenderer(width, height)
    renderer.scene.set_background([0.08, 0.08, 0.08, 1.0])
    from hilda.viz.interactive import open3d_geometries

    # Filament treats vertex colours as linear and gamma-encodes the output: pre-linearise them
    linear = 255.0 * (scene["colors"].astype(np.float64) / 255.0) ** 2.2
    geoms = open3d_geometries(scene["xyz"], linear, scene["boxes"])
    points = rendering.MaterialRecord()
    points.shader, points.point_size = "defaultUnlit", 2.0
    lines = rendering.MaterialRecord()
    lines.shader, lines.line_width = "unlitLine", 1.5
    for i, geom in enumerate(geoms):
        renderer.scene.add_geometry(f"g{i}", geom, points if i == 0 else lines)
    renderer.setup_camera(float(scene["fov"]), scene["target"].astype(np.float64),
                          scene["eye"].astype(np.float64), np.array([0.0, 0.0, 1.0]))
    o3d.io.write_image(out, renderer.render_to_image())


if __name__ == "__main__":
    render(sys.argv[1], sys.argv[2])
