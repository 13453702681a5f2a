"""The main job on the embedded default: make the synthetic nuScenes world, then look at it.

    python tools/demo.py [CONFIG] [--cfg-options world.seed=1 work_dir=outputs/x ...]

CONFIG defaults to configs/demo.py. Reuses an existing world at ``world.data_root`` when it was
made with the same arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from mmengine.config import Config, DictAction

from hilda.synthetic.world import WorldConfigError, generate_world
from hilda.viz.devkit_views import render_views


def ensure_world(root: Path, seed: int, scenes: int, samples: int, image_size) -> None:
    meta_path = root / "hilda_world.json"
    want = dict(seed=seed, samples_per_scene=samples, image_size=list(image_size))
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in want.items()) and len(meta.get("scenes", [])) == scenes:
            print(f"[1/2] reusing the synthetic world at {root}")
            return
        raise WorldConfigError(f"world.data_root {root} holds a world made with other arguments; "
                               "choose another world.data_root")
    print(f"[1/2] generating the synthetic world at {root}")
    generate_world(root, seed=seed, scenes=scenes, samples_per_scene=samples, image_size=tuple(image_size))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", default="configs/demo.py")
    p.add_argument("--cfg-options", nargs="+", action=DictAction, default={},
                   help="override config keys, e.g. world.seed=1 work_dir=outputs/other")
    args = p.parse_args(argv)
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    world = cfg.world
    start = time.time()
    root = Path(world.data_root)
    try:
        ensure_world(root, world.seed, world.scenes, world.samples_per_scene, world.image_size)
    except WorldConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"[2/2] rendering devkit views to {cfg.work_dir}")
    paths = render_views(str(root), cfg.work_dir, world.version)
    print(f"demo done in {time.time() - start:.0f} s. nuScenes-format dataroot: {root} (version {world.version})")
    for path in paths:
        print(f"  view: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
