"""Render a few views of a nuScenes-format dataroot with the official devkit.

    python tools/render_devkit_views.py --data-root data/demo --out outputs/demo [--version v1.0-mini]

Prints the paths it wrote.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hilda.viz.devkit_views import render_views


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-root", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--version", default="v1.0-mini")
    p.add_argument("--scene-index", type=int, default=0)
    args = p.parse_args(argv)
    if not (Path(args.data_root) / args.version).is_dir():
        print(f"error: no {args.version} tables under --data-root {args.data_root} "
              f"(create them with data_prep/create_demo_world.py)", file=sys.stderr)
        return 2
    for path in render_views(args.data_root, args.out, args.version, args.scene_index):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
