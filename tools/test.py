"""Evaluate a segmentation checkpoint on the config's validation split; print per-class IoU.

    python tools/test.py CONFIG CKPT [--work-dir DIR] [--cfg-options k=v ...]

CKPT is a checkpoint of tools/finetune.py. The table (IoU in percent per class; ``-`` for a class
absent from both targets and predictions, left out of the mean) is printed and, with the
confusion matrix, written to <work_dir>/test (confusion_matrix.png, val_iou.json).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mmengine.config import DictAction

try:  # run as a script: tools/ is sys.path[0]
    from train import load_config
except ImportError:  # imported as the tools.test module
    from tools.train import load_config


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config")
    p.add_argument("checkpoint")
    p.add_argument("--work-dir", type=Path, default=None, help="default: work_dirs/<config name>")
    p.add_argument("--cfg-options", nargs="+", action=DictAction, default={})
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from hilda.data.index_format import IndexFileError
    from hilda.registry import TASKS
    from hilda.tasks.build import ConfigError, build_datamodule, check_top_level

    try:
        cfg = load_config(args.config, args.cfg_options, args.work_dir)
        check_top_level(cfg)
        if not Path(args.checkpoint).is_file():
            raise FileNotFoundError(f"checkpoint {args.checkpoint} not found")
        import lightning as L

        datamodule = build_datamodule(cfg)
        task = TASKS.get(cfg.model.type).load_from_checkpoint(args.checkpoint, map_location="cpu", pretrained=None)
    except (ConfigError, IndexFileError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = Path(cfg.work_dir) / "test"
    t = dict(cfg.get("trainer", {}))
    trainer = L.Trainer(default_root_dir=str(out), logger=False, enable_checkpointing=False,
                        accelerator=t.get("accelerator", "auto"), devices=1, precision=t.get("precision", "32-true"),
                        enable_model_summary=False, enable_progress_bar=False)
    trainer.validate(task, datamodule=datamodule, verbose=False)
    print(f"checkpoint: {args.checkpoint}\n{task.last_result.table()}")
    print(f"confusion matrix: {out / 'confusion_matrix.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
