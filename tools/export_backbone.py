"""Export the bare student backbone of a pre-training checkpoint (teacher and heads dropped).

    python tools/export_backbone.py WORK_DIR/checkpoints/last.ckpt --out WORK_DIR/backbone.pth
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", type=Path)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    from hilda.tasks.backbone_io import BackboneFileError, export_backbone

    try:
        print(f"backbone written to {export_backbone(a.checkpoint, a.out)}")
    except BackboneFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
