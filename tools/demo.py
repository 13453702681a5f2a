"""The main job on the embedded default: make the synthetic nuScenes world, then look at it.

    python tools/demo.py [--data-root data/demo] [--out outputs/demo] [--seed 0]

Reuses an existing world at --data-root when it was made with the same arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from hilda.synthetic.world import DEFAULT_IMAGE_SIZE, generate_world
from hilda.viz.devkit_views import render_views


def ensure_world(root: Path, seed: int, scenes: int, samples: int, image_size) -> None:
    meta_path = root / "hilda_world.json"
    want = dict(seed=seed, samples_per_scene=samples, image_size=list(image_size))
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in want.items()) and len(meta.get("scenes", [])) == scenes:
            print(f"[1/2] reusing the synthetic world at {root}")
            return
        raise SystemExit(f"error: {root} holds a world made with other arguments; choose another --data-root")
    print(f"[1/2] generating the synthetic world at {root}")
    generate_world(root, seed=seed, scenes=scenes, samples_per_scene=samples, image_size=tuple(image_size))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-root", default="data/demo")
    p.add_argument("--out", default="outputs/demo")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scenes", type=int, default=10)
    p.add_argument("--samples-per-scene", type=int, default=20)
    args = p.parse_args(argv)
    start = time.time()
    root = Path(args.data_root)
    ensure_world(root, args.seed, args.scenes, args.samples_per_scene, DEFAULT_IMAGE_SIZE)
    print(f"[2/2] rendering devkit views to {args.out}")
    paths = render_views(str(root), args.out)
    print(f"demo done in {time.time() - start:.0f} s. nuScenes-format dataroot: {root} (version v1.0-mini)")
    for path in paths:
        print(f"  view: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
