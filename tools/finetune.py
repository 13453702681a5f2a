"""Semantic segmentation: fine-tune or linear-probe a (pre-trained) backbone.

    python tools/finetune.py CONFIG [--pretrained CKPT] [--work-dir DIR] [--resume [CKPT]] [--cfg-options k=v ...]

``--pretrained``: a HildaPretrain checkpoint (tools/train.py) or a backbone export
(tools/export_backbone.py); without it the backbone starts from random weights. The labelled
training scans come from the config's ``semseg`` section (``fraction``, ``seed``, ``sampling`` or a
user ``tokens_file`` such as SLidR's 1 % list) and are written to <work_dir>/train_tokens.txt
(+ label_fractions.json with the 1/5/10/25/100 % lists). Otherwise as tools/train.py: resolved
config, checkpoints, logs; validation writes confusion_matrix.png and val_iou.json.
"""
from __future__ import annotations

import sys
from pathlib import Path

try:  # run as a script: tools/ is sys.path[0]
    from train import load_config, prepare_run, report, run_parser
except ImportError:  # imported as the tools.finetune module
    from tools.train import load_config, prepare_run, report, run_parser


def parse_args(argv=None):
    p = run_parser(__doc__, "semseg.fraction=0.01 trainer.max_epochs=2")
    p.add_argument("--pretrained", default=None, metavar="CKPT", help="pre-trained checkpoint or backbone export")
    return p.parse_args(argv)


def labelled_scans(cfg, work_dir: Path) -> None:
    """Restrict ``data.train`` to the labelled scans of ``cfg.semseg`` (written to the work dir)."""
    from hilda.data.label_fractions import labelled_split

    s = dict(cfg.get("semseg") or {})
    path, n = labelled_split(cfg.data.train.index, work_dir, fraction=float(s.get("fraction", 1.0)),
                             seed=int(s.get("seed", 0)), sampling=s.get("sampling", "uniform"),
                             tokens_file=s.get("tokens_file"))
    cfg.data.train.tokens_file = str(path)
    print(f"labelled training scans: {n} ({path})")


def main(argv=None) -> int:
    args = parse_args(argv)
    from hilda.data.index_format import IndexFileError
    from hilda.data.label_fractions import TokenListError
    from hilda.tasks.backbone_io import BackboneFileError
    from hilda.tasks.build import ConfigError

    try:
        cfg = load_config(args.config, args.cfg_options, args.work_dir)
        if args.pretrained is not None:
            cfg.model.pretrained = args.pretrained
        work_dir, ckpt, datamodule, task, trainer = prepare_run(cfg, args.resume, labelled_scans)
    except (ConfigError, IndexFileError, TokenListError, BackboneFileError, FileNotFoundError, FileExistsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    cfg.dump(str(work_dir / "config.py"))
    trainer.fit(task, datamodule=datamodule, ckpt_path=ckpt)
    if trainer.global_rank == 0:
        report(trainer, work_dir)
        if task.last_result is not None:
            print(f"last validation (epoch {task.last_result_epoch}):\n{task.last_result.table()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
