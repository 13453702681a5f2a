"""See what the pipeline sees: scans, camera overlays, teacher features, BEV occupancy, loss curves.

    python tools/visualize.py scan    --index IDX --sample TOKEN|N [--color height|intensity|label|pred|pca]
                                      [--sweeps N] [--view bev perspective] [--ply] [--interactive]
    python tools/visualize.py overlay --index IDX --sample TOKEN|N [--color depth|label|...] [--camera CAM_FRONT]
    python tools/visualize.py mosaic  --index IDX --sample TOKEN|N [--color depth|label|none|...]
    python tools/visualize.py teacher --index IDX --sample TOKEN|N (--checkpoint W | --random-weights)
    python tools/visualize.py bev     --index IDX --sample TOKEN|N [--forecast --checkpoint CKPT]
    python tools/visualize.py curves  --work-dir DIR

IDX is an index JSON of data_prep/create_nuscenes_index.py (synthetic world or real nuScenes);
--sample is a sample token or a position in that index. Headless: PNGs go to --out (default
outputs/viz) and their paths are printed at the end. Bad input exits 2 with one line on stderr.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hilda.data.index_format import IndexFileError
from hilda.data.loading import DataFileError
from hilda.viz import commands
from hilda.viz.curves import MetricsNotFound
from hilda.viz.interactive import NoDisplayError, has_display
from hilda.viz.loading import SampleNotFound, load_sample
from hilda.tasks.backbone_io import BackboneFileError
from hilda.viz.model_outputs import CheckpointNotFound, check_checkpoint

USER_ERRORS = (IndexFileError, SampleNotFound, DataFileError, CheckpointNotFound, MetricsNotFound,
               NoDisplayError, NotImplementedError, commands.ViewInputError, BackboneFileError)


def _sample_args(p: argparse.ArgumentParser, image_size=None) -> None:
    p.add_argument("--index", required=True, help="index JSON (data_prep/create_nuscenes_index.py)")
    p.add_argument("--data-root", help="dataroot the index paths are relative to (default: recorded in it)")
    p.add_argument("--sample", default="0", help="sample token or position in the index (default 0)")
    p.add_argument("--out", default="outputs/viz", help="output folder (default outputs/viz)")
    p.add_argument("--image-size", nargs=2, type=int, metavar=("W", "H"), default=image_size,
                   help="camera images resized to W H (default: %s)" % ("native" if image_size is None else image_size))


def _model_args(p: argparse.ArgumentParser, teacher_ckpt_flag: str) -> None:
    p.add_argument("--model", default="vit_small_patch14_dinov2", help="teacher timm name")
    p.add_argument("--layers", nargs="+", type=int, default=[-2, -1], help="teacher blocks (default -2 -1)")
    p.add_argument(teacher_ckpt_flag, dest="teacher_checkpoint", help="teacher weights (.safetensors / .pth)")
    p.add_argument("--random-weights", action="store_true", help="random teacher weights (smoke tests)")


def _color_args(p: argparse.ArgumentParser, choices, default) -> None:
    p.add_argument("--color", choices=choices, default=default)
    p.add_argument("--checkpoint", help="pre-training checkpoint (--color pred / pca with --feature student)")
    p.add_argument("--feature", choices=("student", "teacher"), default="student",
                   help="features for --color pca: student (from --checkpoint) or teacher sampled at the pairs")
    _model_args(p, "--teacher-checkpoint")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="a scan from above (BEV) and/or in perspective, with boxes")
    _sample_args(s)
    _color_args(s, commands.POINT_COLORS, "height")
    s.add_argument("--sweeps", type=int, default=0, help="earlier sweeps accumulated into the scan")
    s.add_argument("--view", nargs="+", choices=("bev", "perspective"), default=["bev", "perspective"])
    s.add_argument("--renderer", choices=("matplotlib", "open3d"), default="matplotlib",
                   help="perspective renderer; open3d runs offscreen in a child process, matplotlib on failure")
    s.add_argument("--size", nargs=2, type=int, metavar=("W", "H"), default=[800, 800], help="PNG size in pixels")
    s.add_argument("--extent", type=float, default=50.0, help="BEV half-width in metres")
    s.add_argument("--no-boxes", action="store_true")
    s.add_argument("--ply", action="store_true", help="also write a binary .ply of the coloured scan")
    s.add_argument("--ply-ascii", action="store_true", help="write the .ply as ASCII")
    s.add_argument("--interactive", action="store_true", help="open an open3d window (needs a display)")
    s.set_defaults(func=cmd_scan)
    for name, choices, default in (("overlay", ("depth",) + commands.POINT_COLORS, "depth"),
                                   ("mosaic", ("depth", "none") + commands.POINT_COLORS, "depth")):
        o = sub.add_parser(name, help="points on each camera image" if name == "overlay"
                           else "six cameras in one image")
        _sample_args(o)
        _color_args(o, choices, default)
        o.add_argument("--radius", type=int, default=1, help="marker half-size in pixels (0 = one pixel)")
        if name == "overlay":
            o.add_argument("--camera", nargs="+", help="only these cameras (default: all six)")
        o.set_defaults(func=cmd_overlay if name == "overlay" else cmd_mosaic)
    t = sub.add_parser("teacher", help="teacher patch features (PCA) next to the camera images")
    _sample_args(t, image_size=[448, 252])
    _model_args(t, "--checkpoint")
    t.set_defaults(func=cmd_teacher)
    b = sub.add_parser("bev", help="BEV occupancy t-1 / t0 / t+1 and the forecast vs its target")
    _sample_args(b)
    b.add_argument("--cell", type=float, default=0.4, help="BEV cell size in metres")
    b.add_argument("--range", nargs=6, type=float, default=list(commands.bev.DEFAULT_GRID.point_cloud_range),
                   metavar=("X0", "Y0", "Z0", "X1", "Y1", "Z1"), help="point_cloud_range of the grid")
    b.add_argument("--ground", choices=("envelope", "height", "none"), default="envelope",
                   help="ground removal of hilda.geometry.bev")
    b.add_argument("--forecast", action="store_true", help="also the diffusion head's forecast (needs --checkpoint)")
    b.add_argument("--checkpoint", help="pre-training checkpoint")
    b.set_defaults(func=cmd_bev)
    c = sub.add_parser("curves", help="loss curves from <work_dir>/**/metrics.csv")
    c.add_argument("--work-dir", required=True)
    c.add_argument("--out", default="outputs/viz")
    c.set_defaults(func=cmd_curves)
    return p


def make_teacher(args):
    from hilda.models.teachers import FrozenTimmTeacher

    if not args.random_weights:
        ckpt = check_checkpoint(args.teacher_checkpoint, "teacher checkpoint", _teacher_flag(args))
    source = "random weights" if args.random_weights else f"teacher checkpoint {ckpt}"
    try:
        return FrozenTimmTeacher(args.model, layers=tuple(args.layers), dynamic_img_size=True,
                                 pretrained=False if args.random_weights else None,
                                 checkpoint=None if args.random_weights else str(ckpt))
    except Exception as e:  # noqa: BLE001 -- any failure to read a user's weights file is one line
        raise commands.ViewInputError(f"cannot build teacher {args.model} from {source}: "
                                      f"{type(e).__name__}: {e}") from None


def _teacher_flag(args) -> str:
    return "--checkpoint PATH or --random-weights" if args.command == "teacher" else \
        "--teacher-checkpoint PATH or --random-weights"


def _uses_teacher(args) -> bool:
    return args.command == "teacher" or (getattr(args, "color", None) == "pca" and args.feature == "teacher")


def _check_inputs(args) -> None:
    """Refuse missing files and impossible requests before any data is read."""
    if getattr(args, "interactive", False) and not has_display():
        raise NoDisplayError("--interactive needs a display (DISPLAY / WAYLAND_DISPLAY unset); "
                             "use the PNG views or --ply instead")
    if getattr(args, "color", None) in ("pred", "pca") and not _uses_teacher(args):
        check_checkpoint(args.checkpoint, "pre-training checkpoint")
    if getattr(args, "forecast", False):
        check_checkpoint(args.checkpoint, "pre-training checkpoint")
    if _uses_teacher(args) and not args.random_weights:
        check_checkpoint(args.teacher_checkpoint, "teacher checkpoint", _teacher_flag(args))


def _sample(args, **reader):
    cameras = args.command in ("overlay", "mosaic", "teacher") or _uses_teacher(args)
    return load_sample(args.index, args.sample, args.data_root,
                       image_size=(args.image_size or "native") if cameras else None, **reader)


def _coloring(args) -> dict:
    return dict(checkpoint=args.checkpoint, feature=args.feature,
                teacher=make_teacher(args) if _uses_teacher(args) else None)


def cmd_scan(args) -> list[Path]:
    sample = _sample(args, sweeps=args.sweeps, boxes=True)
    rgb, legend = commands.point_colors(sample, args.color, **_coloring(args))
    paths = commands.run_scan(sample, args.out, rgb, legend, args.color, tuple(args.view), tuple(args.size),
                              args.extent, not args.no_boxes, args.renderer, args.ply or args.ply_ascii,
                              not args.ply_ascii)
    if args.interactive:
        from hilda.viz.interactive import show

        show(sample.points, rgb, None if args.no_boxes else sample.boxes, title=sample.token)
    return paths


def cmd_overlay(args) -> list[Path]:
    return commands.run_overlay(_sample(args), args.out, args.color, args.camera, args.radius, **_coloring(args))


def cmd_mosaic(args) -> list[Path]:
    return commands.run_mosaic(_sample(args), args.out, args.color, args.radius, **_coloring(args))


def cmd_teacher(args) -> list[Path]:
    return commands.run_teacher(_sample(args), args.out, make_teacher(args))


def cmd_bev(args) -> list[Path]:
    from hilda.geometry.grid import VoxelGrid

    grid = VoxelGrid((args.cell, args.cell, args.range[5] - args.range[2]), tuple(args.range))
    return commands.run_bev(_sample(args, temporal=True), args.out, grid, args.cell, dict(mode=args.ground),
                            args.checkpoint, args.forecast)


def cmd_curves(args) -> list[Path]:
    return commands.run_curves(args.work_dir, args.out)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _check_inputs(args)
        paths = args.func(args)
    except USER_ERRORS as e:
        print("error: " + " ".join(str(e).split()), file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} file(s):")
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
