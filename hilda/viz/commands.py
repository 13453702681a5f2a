"""The views of ``tools/visualize.py`` as functions: a ``Sample`` (or a work dir) in, PNG paths out.

Colour modes of a scan: ``height``, ``intensity``, ``label`` (ground truth), ``pred`` (predicted
labels of a checkpoint), ``pca`` (first three principal components of student features from a
checkpoint, or of teacher features sampled at the point-pixel pairs); overlays add ``depth``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hilda.geometry.grid import VoxelGrid
from hilda.structures.sample import Sample
from hilda.viz import bev, colors, curves, features, overlay, scan
from hilda.viz.model_outputs import load_forecast, load_predictions, load_student_features

UNPAIRED = np.array([90, 90, 90], np.uint8)  # points without a teacher feature (outside all cameras)


class ViewInputError(ValueError):
    """A view asked of a sample that lacks what it needs (labels, images, neighbours)."""


def _labels(sample, **_):
    if sample.labels is None:
        raise ViewInputError(f"sample {sample.token} has no lidarseg labels; choose another --color")
    return colors.label_colors(sample.labels), colors.legend_entries(sample.labels)


def _predictions(sample, checkpoint=None, **_):
    pred = load_predictions(checkpoint, sample)
    return colors.label_colors(pred), colors.legend_entries(pred)


def _pca(sample, checkpoint=None, feature="student", teacher=None):
    if feature == "student":
        return colors.pca_rgb(load_student_features(checkpoint, sample)), None
    if teacher is None or sample.images is None:
        raise ViewInputError("--color pca --feature teacher needs a teacher and the camera images")
    point_index, feats = features.teacher_point_features(features.run_teacher(teacher, sample.images)[-1], sample)
    out = np.tile(UNPAIRED, (len(sample.points), 1))
    out[point_index] = colors.pca_rgb(feats)
    return out, None


_POINT_COLORS = {
    "height": lambda sample, **_: (colors.height_colors(sample.points[:, 2]), None),
    "intensity": lambda sample, **_: (colors.intensity_colors(sample.points[:, 3]), None),
    "label": _labels,
    "pred": _predictions,
    "pca": _pca,
}
POINT_COLORS = tuple(_POINT_COLORS)


def point_colors(sample: Sample, color: str, checkpoint=None, feature: str = "student", teacher=None):
    """``((N, 3) uint8 colours of sample.points, legend entries or None)`` for a ``POINT_COLORS`` mode."""
    if color not in _POINT_COLORS:
        raise ViewInputError(f"unknown colour mode {color!r}; choose one of {', '.join(POINT_COLORS)}")
    return _POINT_COLORS[color](sample, checkpoint=checkpoint, feature=feature, teacher=teacher)


def run_scan(sample: Sample, out_dir, rgb: np.ndarray, legend=None, color: str = "height", views=("bev",),
             size=(800, 800), extent: float = 50.0, draw_boxes: bool = True, renderer: str = "matplotlib",
             ply: bool = False, ply_binary: bool = True) -> list[Path]:
    """Scan views of ``sample`` coloured by ``rgb (N, 3)`` (``point_colors``; ``color`` names it)."""
    boxes = sample.boxes if draw_boxes else None
    out_dir, stem = Path(out_dir), f"{sample.token}_scan"
    title = f"{sample.token}  {len(sample.points)} points ({sample.n_key} keyframe)  colour: {color}"
    written = []
    if "bev" in views:
        written.append(scan.render_bev(sample.points, rgb, out_dir / f"{stem}_bev_{color}.png", boxes, extent,
                                       size, title=title, legend=legend))
    if "perspective" in views:
        path = out_dir / f"{stem}_perspective_{color}.png"
        done = None
        if renderer == "open3d":
            from hilda.viz.interactive import render_offscreen

            done = render_offscreen(sample.points, rgb, path, boxes, size)
            if done is None:
                print("open3d offscreen rendering failed; drawing the perspective view with matplotlib")
        written.append(done or scan.render_perspective(sample.points, rgb, path, boxes, size=size,
                                                       title=title, legend=legend))
    if ply:
        from hilda.viz.ply import write_ply

        scalars = {"intensity": sample.points[:, 3], "time_lag": sample.points[:, 4]}
        if sample.labels is not None:
            scalars["label"] = sample.labels.astype(np.float32)
        written.append(write_ply(out_dir / f"{stem}_{color}.ply", sample.points[:, :3], rgb, scalars, ply_binary))
    return written


def overlay_colors(sample: Sample, color: str, max_depth: float = 50.0, **color_args) -> dict:
    """Keyword arguments ``point_colors=`` / ``pair_colors=`` for ``hilda.viz.overlay``."""
    if color == "none":
        return {}
    if color == "depth":
        if sample.pairs is None:
            raise ViewInputError(f"sample {sample.token} has no point-pixel pairs")
        return {"pair_colors": colors.depth_colors(sample.pairs.depth, max_depth)}
    return {"point_colors": point_colors(sample, color, **color_args)[0]}


def run_overlay(sample: Sample, out_dir, color: str = "depth", cameras=None, radius: int = 1,
                **color_args) -> list[Path]:
    paint = overlay_colors(sample, color, **color_args)
    if not paint:
        raise ViewInputError("--color none paints nothing; use the mosaic view for the plain images")
    return overlay.write_overlays(sample, paint.get("point_colors"), out_dir, f"{sample.token}_overlay_{color}",
                                  cameras, radius, paint.get("pair_colors"))


def run_mosaic(sample: Sample, out_dir, color: str = "depth", radius: int = 1, **color_args) -> list[Path]:
    paint = overlay_colors(sample, color, **color_args)
    path = Path(out_dir) / f"{sample.token}_mosaic_{color}.png"
    return [overlay.write_mosaic(sample, paint.get("point_colors"), path, radius, paint.get("pair_colors"))]


def run_teacher(sample: Sample, out_dir, teacher, layer_names=None) -> list[Path]:
    if sample.images is None:
        raise ViewInputError(f"sample {sample.token} was read without camera images")
    maps = features.run_teacher(teacher, sample.images)
    names = layer_names or [f"block {i}" for i in getattr(teacher, "layers", range(len(maps)))]
    path = Path(out_dir) / f"{sample.token}_teacher_pca.png"
    return [features.write_teacher_panel(sample.images, maps, path, sample.meta.get("cameras"), names)]


def run_bev(sample: Sample, out_dir, grid: VoxelGrid = bev.DEFAULT_GRID, cell_size: float = 0.4,
            ground: dict | None = None, checkpoint=None, forecast: bool = False) -> list[Path]:
    key = sample.points[:sample.n_key]
    occ = {name: None if pts is None else bev.occupancy(pts, grid, cell_size, ground)
           for name, pts in (("prev", sample.prev_points), ("cur", key), ("next", sample.next_points))}
    out_dir, extent = Path(out_dir), bev.grid_extent(grid)
    written = [bev.render_temporal(occ["prev"], occ["cur"], occ["next"],
                                   out_dir / f"{sample.token}_bev_occupancy.png", extent)]
    if forecast:
        if occ["next"] is None:
            raise ViewInputError(f"sample {sample.token} has no next keyframe, so no forecast target")
        pred, target, head_extent = load_forecast(checkpoint, sample)  # on the diffusion head's BEV grid
        written.append(bev.render_forecast(pred, target, out_dir / f"{sample.token}_bev_forecast.png", head_extent))
    return written


def run_curves(work_dir, out_dir) -> list[Path]:
    files = curves.find_metrics(work_dir)
    series = curves.read_metrics(files)
    if not series:
        raise ViewInputError(f"the metrics.csv files under {work_dir} hold no numeric columns")
    title = f"{work_dir} ({len(files)} metrics.csv)"
    return [curves.render_curves(series, Path(out_dir) / f"{Path(work_dir).resolve().name}_curves.png", title=title)]
