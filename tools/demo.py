"""The main job on the embedded default, end to end on a CPU:

    synthetic nuScenes world -> index -> teacher feature cache -> HilDA pre-training
    -> linear probe (lidarseg mIoU on the held-out mini_val scenes) -> a few views

    python tools/demo.py [CONFIG] [--stages world,index,cache,pretrain,probe,views] [--cfg-options k=v ...]

CONFIG defaults to configs/pretrain/demo.py. Every stage reuses what an earlier run made when it
matches (world arguments, index scenes, cached features); pre-training always runs.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from mmengine.config import Config, DictAction

STAGES = ("world", "index", "cache", "pretrain", "probe", "views")


class DemoError(RuntimeError):
    """One-line failure of a stage."""


def stage_world(cfg) -> None:
    from hilda.synthetic.world import WorldConfigError, generate_world

    w, root = cfg.world, Path(cfg.world.data_root)
    meta_path = root / "hilda_world.json"
    want = dict(seed=w.seed, samples_per_scene=w.samples_per_scene, image_size=list(w.image_size))
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in want.items()) and len(meta.get("scenes", [])) == w.scenes:
            print(f"  reusing the synthetic world at {root}")
            return
        raise DemoError(f"world.data_root {root} holds a world made with other arguments; "
                        "choose another world.data_root")
    try:
        generate_world(root, seed=w.seed, scenes=w.scenes, samples_per_scene=w.samples_per_scene,
                       image_size=tuple(w.image_size))
    except WorldConfigError as e:
        raise DemoError(str(e)) from None


def stage_index(cfg) -> None:
    from nuscenes import NuScenes

    from hilda.data.index_builder import build_index

    root, out = cfg.world.data_root, cfg.index.out
    nusc = NuScenes(cfg.world.version, root, verbose=False)
    args = dict(data_root=str(root), version=cfg.world.version, sweeps=cfg.index.sweeps)
    s = build_index(nusc, out, args, cfg.index.sweeps, progress=False)
    print(f"  index {out}: {s.samples} samples, {len(s.skipped)} skipped ({s.reused_scenes} scenes reused)")


def _run_tool(script: str, argv: list[str], what: str) -> None:
    if subprocess.run([sys.executable, script, *argv]).returncode != 0:
        raise DemoError(f"{what} failed (see above)")


def stage_cache(cfg, ctx: dict) -> None:
    _run_tool("data_prep/cache_teacher_features.py", [ctx["config"], "--no-progress", *ctx["options"]],
              "teacher cache")


def stage_pretrain(cfg, ctx: dict) -> None:
    work = Path(cfg.work_dir)
    if list((work / "checkpoints").glob("*.ckpt")):  # a previous demo run: keep it, beside
        old = work.with_name(f"{work.name}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(work.stat().st_mtime))}")
        work.rename(old)
        print(f"  previous run moved to {old}")
    _run_tool("tools/train.py", [ctx["config"], "--work-dir", cfg.work_dir, *ctx["options"]], "pre-training")
    ctx["ckpt"] = Path(cfg.work_dir) / "checkpoints" / "last.ckpt"


def stage_probe(cfg, ctx: dict) -> None:
    from hilda.tasks.probe_config import probe_from_config

    ctx["probe"] = probe_from_config(cfg, ctx["ckpt"])
    (Path(cfg.work_dir) / "linear_probe.json").write_text(json.dumps(ctx["probe"], indent=1))


def stage_views(cfg, ctx: dict) -> None:
    from hilda.viz.devkit_views import render_views

    ctx["views"] = [Path(p) for p in render_views(str(cfg.world.data_root), str(Path(cfg.work_dir) / "views"),
                                                  cfg.world.version)]


STAGE_FUNCS = {"world": lambda cfg, ctx: stage_world(cfg), "index": lambda cfg, ctx: stage_index(cfg),
               "cache": stage_cache, "pretrain": stage_pretrain, "probe": stage_probe, "views": stage_views}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", default="configs/pretrain/demo.py")
    p.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    p.add_argument("--cfg-options", nargs="+", action=DictAction, default={})
    args, _ = p.parse_known_args(argv)
    raw_options = _raw_options(argv if argv is not None else sys.argv[1:])
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    stages = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        print(f"error: unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}", file=sys.stderr)
        return 2
    start = time.time()
    ctx = dict(config=args.config, options=["--cfg-options", *raw_options] if raw_options else [],
               ckpt=Path(cfg.work_dir) / "checkpoints" / "last.ckpt", probe=None, views=[])
    try:
        for i, stage in enumerate(stages, 1):
            print(f"[{i}/{len(stages)}] {stage}", flush=True)
            STAGE_FUNCS[stage](cfg, ctx)
    except DemoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"demo done in {time.time() - start:.0f} s")
    print(f"  nuScenes-format dataroot: {cfg.world.data_root} (version {cfg.world.version}); index: {cfg.index.out}")
    if "pretrain" in stages:
        print(f"  checkpoint: {ctx['ckpt']}\n  logs: {Path(cfg.work_dir) / 'logs'}\n"
              f"  loss plot: {Path(cfg.work_dir) / 'loss.png'}")
    for path in ctx["views"]:
        print(f"  view: {path}")
    if ctx["probe"] is not None:
        print(f"  linear-probe mIoU of the pre-trained backbone on mini_val: {ctx['probe']['miou']:.1f}")
    return 0


def _raw_options(argv: list[str]) -> list[str]:
    """The ``k=v`` strings after ``--cfg-options`` (passed on to the stages' own CLIs)."""
    if "--cfg-options" not in argv:
        return []
    rest = argv[argv.index("--cfg-options") + 1:]
    return [a for a in rest[:next((i for i, a in enumerate(rest) if a.startswith("--")), len(rest))]]


if __name__ == "__main__":
    sys.exit(main())
