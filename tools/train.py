"""Pre-train (or train any registered task) from a config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--cfg-options k=v ...]

The resolved config is saved as <work_dir>/config.py; checkpoints go to <work_dir>/checkpoints
(last.ckpt is the newest), logs to <work_dir>/logs (CSV) and <work_dir>/tb (TensorBoard).
``--resume`` alone continues from <work_dir>/checkpoints/last.ckpt. Multi-GPU / multi-node: set
trainer.devices / num_nodes / strategy in the config and launch with torchrun or srun.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mmengine.config import Config, DictAction


def run_parser(doc: str, example: str) -> argparse.ArgumentParser:
    """The options every training entry point takes: CONFIG, --work-dir, --resume, --cfg-options."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config")
    p.add_argument("--work-dir", type=Path, default=None, help="default: work_dirs/<config name>")
    p.add_argument("--resume", nargs="?", const="last", default=None, metavar="CKPT",
                   help="resume from CKPT, or from <work_dir>/checkpoints/last.ckpt when no path is given")
    p.add_argument("--cfg-options", nargs="+", action=DictAction, default={},
                   help=f"override config keys, e.g. {example}")
    return p


def parse_args(argv=None):
    return run_parser(__doc__, "trainer.max_epochs=2 data.batch_size=4").parse_args(argv)


def load_config(path: str, options: dict, work_dir: Path | None) -> Config:
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir or cfg.get("work_dir") or Path("work_dirs") / Path(path).stem)
    return cfg


def resume_path(arg: str | None, work_dir: Path) -> str | None:
    if arg is None:
        return None
    path = work_dir / "checkpoints" / "last.ckpt" if arg == "last" else Path(arg)
    if not path.is_file():
        raise FileNotFoundError(f"--resume: checkpoint {path} not found")
    return str(path)


def prepare_run(cfg, resume: str | None, before_build=None):
    """Check the config, find the checkpoint to resume, seed, build datamodule, task and trainer.

    Returns ``(work_dir, ckpt, datamodule, task, trainer)``; raises the config/file errors that the
    tools report as one line. ``before_build(cfg, work_dir)`` runs after the checks (fine-tuning
    writes its labelled-scan list there)."""
    import lightning as L

    from hilda.tasks.build import build_datamodule, build_task, build_trainer, check_top_level

    work_dir = Path(cfg.work_dir)
    check_top_level(cfg)
    ckpt = resume_path(resume, work_dir)
    if ckpt is None and list((work_dir / "checkpoints").glob("*.ckpt")):
        raise FileExistsError(f"work dir {work_dir} already holds checkpoints: continue it with --resume "
                              "or choose another --work-dir")
    if before_build is not None:
        before_build(cfg, work_dir)
    L.seed_everything(int(cfg.get("seed", 0)), workers=True, verbose=False)
    datamodule = build_datamodule(cfg)
    task = build_task(cfg, datamodule)
    return work_dir, ckpt, datamodule, task, build_trainer(cfg, work_dir)


def main(argv=None) -> int:
    args = parse_args(argv)
    from hilda.data.index_format import IndexFileError
    from hilda.data.teacher_cache import TeacherCacheError
    from hilda.tasks.build import ConfigError

    try:
        cfg = load_config(args.config, args.cfg_options, args.work_dir)
        work_dir, ckpt, datamodule, task, trainer = prepare_run(cfg, args.resume)
    except (ConfigError, IndexFileError, TeacherCacheError, FileNotFoundError, FileExistsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    work_dir.mkdir(parents=True, exist_ok=True)
    cfg.dump(str(work_dir / "config.py"))
    trainer.fit(task, datamodule=datamodule, ckpt_path=ckpt)
    if trainer.global_rank == 0:
        report(trainer, work_dir)
    return 0


def report(trainer, work_dir: Path) -> None:
    ckpt_cb = trainer.checkpoint_callback
    print(f"training done: {trainer.global_step} steps")
    print(f"  checkpoint: {ckpt_cb.last_model_path or ckpt_cb.best_model_path}")
    print(f"  config:     {work_dir / 'config.py'}")
    print(f"  logs:       {trainer.loggers[0].log_dir} (CSV), {trainer.loggers[1].log_dir} (TensorBoard)")
    from hilda.viz.curves import MetricsNotFound, find_metrics, read_metrics, render_curves

    try:
        path = render_curves(read_metrics(find_metrics(work_dir)), work_dir / "loss.png", title=str(work_dir))
        print(f"  loss plot:  {path}")
    except (MetricsNotFound, ValueError) as e:
        print(f"  loss plot:  not written ({e})")


if __name__ == "__main__":
    sys.exit(main())
