"""Build the per-split JSON indexes of a nuScenes dataroot (real or the synthetic world).

    python data_prep/create_nuscenes_index.py --data-root data/nuscenes --version v1.0-trainval \
        --out data/nuscenes/hilda_index [--sweeps 10] [--workers 4]

Resumable: per-scene results are written atomically; rerunning after a kill skips finished scenes
and produces the same bytes. Samples with missing/truncated files are skipped and listed with the
reason in <out>/report.json. Exit status 2 with a one-line error for unusable arguments or tables.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from hilda.data.index_builder import IndexBuildError, build_index, scene_splits


def load_devkit(data_root: Path, version: str):
    from nuscenes import NuScenes

    if not (data_root / version).is_dir():
        raise IndexBuildError(f"--data-root {data_root} has no {version}/ table folder")
    try:
        with redirect_stdout(io.StringIO()):
            return NuScenes(version, str(data_root), verbose=False)
    except (KeyError, ValueError, AssertionError, OSError) as e:
        raise IndexBuildError(f"the {version} tables under {data_root} cannot be loaded by the devkit: "
                              f"{type(e).__name__}: {e}") from None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-root", required=True, type=Path)
    p.add_argument("--version", default="v1.0-trainval")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--sweeps", type=int, default=10, help="earlier LiDAR sweeps listed per keyframe")
    p.add_argument("--workers", type=int, default=0, help="parallel processes (0 = in this process)")
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    start = time.time()
    try:
        if a.sweeps < 0 or a.workers < 0:
            raise IndexBuildError("--sweeps and --workers must be >= 0")
        scene_splits(a.version)  # validates --version before the (slow) table load
        if a.out.resolve() == a.data_root.resolve():
            raise IndexBuildError("--out must not be the dataroot itself (choose a subfolder)")
        nusc = load_devkit(a.data_root, a.version)
        args = dict(data_root=str(a.data_root), version=a.version, sweeps=a.sweeps)
        summary = build_index(nusc, a.out, args, a.sweeps, a.workers, progress=not a.no_progress)
    except IndexBuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{k}: {v}" for k, v in summary.samples.items())
    print(f"indexed {counts} samples in {time.time() - start:.1f} s "
          f"({summary.reused_scenes} scene(s) reused); skipped {len(summary.skipped)} sample(s), "
          f"{len(summary.warnings)} warning(s) -> {a.out / 'report.json'}")
    for s in summary.skipped[:10]:
        print(f"  skipped {s['sample_token']} ({s['scene']}): {s['reason']}")
    for path in summary.paths:
        print(f"  wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
