"""Create the synthetic nuScenes-format demo world.

    python data_prep/create_demo_world.py --out data/demo --seed 0 [--scenes 10]
        [--samples-per-scene 20] [--image-size 640 360] [--overwrite]
"""
from __future__ import annotations

import argparse
import sys

from hilda.synthetic.world import DEFAULT_IMAGE_SIZE, WorldConfigError, generate_world


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output dataroot (a nuScenes-style folder)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scenes", type=int, default=10, help="number of scenes, 1..10 (v1.0-mini names)")
    p.add_argument("--samples-per-scene", type=int, default=20, help="keyframes per scene (2 Hz)")
    p.add_argument("--image-size", type=int, nargs=2, metavar=("W", "H"), default=list(DEFAULT_IMAGE_SIZE))
    p.add_argument("--overwrite", action="store_true", help="replace a non-empty --out")
    args = p.parse_args(argv)
    try:
        generate_world(args.out, seed=args.seed, scenes=args.scenes, samples_per_scene=args.samples_per_scene,
                       image_size=tuple(args.image_size), overwrite=args.overwrite)
    except WorldConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
