"""Does pre-training help? Linear-probe mIoU on the synthetic world after a fixed pre-training budget.

    python -m benchmarks.pretraining_helps [--seeds 0 1 2] [--steps 40] [--work-dir DIR]

For each seed: (a) no pre-training (random init), (b) the single-layer baseline (stage 3 <- teacher
layer 1 only; no global context, no diffusion), (c) full HilDA (configs/pretrain/demo.py).
(b) and (c) run tools/train.py in a subprocess for ``--steps`` steps (one epoch, limited batches,
teacher features from the cache). Every seed starts all three from the same student weights (the
student is the first module built after seeding). Each backbone is then linear-probed
(``hilda.tasks.linear_probe``) on the same labelled scans (the seeded 25 % list of mini_train) and
evaluated on the held-out mini_val scenes. Writes the "pretraining_helps" section of RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from benchmarks.results import table, write_section

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "configs/pretrain/demo.py"
TRAIN_INDEX = "data/demo/hilda_index/index_mini_train.json"
VAL_INDEX = "data/demo/hilda_index/index_mini_val.json"
VARIANTS = {  # name -> pre-training config (None: no pre-training)
    "random init (no pre-training)": None,
    "single-layer baseline (s3 <- t1)": "configs/pretrain/demo_single_layer.py",
    "full HilDA (2 layers + global + diffusion)": CONFIG,
}


def pretrain(config: str, work_dir: Path, seed: int, steps: int) -> tuple[Path, float, float]:
    """Run tools/train.py; return (checkpoint, seconds, mean loss of the last 5 steps)."""
    opts = {"seed": seed, "trainer.max_epochs": 1, "trainer.limit_train_batches": steps,
            "trainer.enable_model_summary": False}
    argv = [sys.executable, "tools/train.py", config, "--work-dir", str(work_dir), "--cfg-options",
            *(f"{k}={v}" for k, v in opts.items())]
    t = time.perf_counter()
    env = dict(os.environ, OMP_NUM_THREADS=str(torch.get_num_threads()))
    res = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"pre-training failed:\n{res.stderr[-3000:]}")
    losses = [float(r["train/loss"]) for p in sorted(work_dir.glob("logs/version_*/metrics.csv"))
              for r in csv.DictReader(open(p)) if r.get("train/loss")]
    return work_dir / "checkpoints" / "last.ckpt", time.perf_counter() - t, statistics.mean(losses[-5:])


def probe_datasets(cfg):
    from hilda.data.label_fractions import fraction_tokens
    from hilda.data.index_format import load_index
    from hilda.registry import DATASETS
    from hilda.tasks.linear_probe import MaterializedDataset

    base = dict(type="NuScenesIndexDataset", sweeps=0, **dict(cfg.grid))
    labelled = fraction_tokens(load_index(TRAIN_INDEX)["samples"], 0.25, seed=0)
    train = MaterializedDataset(DATASETS.build(dict(base, index=TRAIN_INDEX, tokens=labelled)))
    val = MaterializedDataset(DATASETS.build(dict(base, index=VAL_INDEX)))
    return train, val


def random_student(cfg, seed: int):
    import lightning as L

    from hilda.registry import MODELS

    L.seed_everything(seed, verbose=False)  # as tools/train.py: the student is built first
    return MODELS.build(dict(cfg.model.student, out_stages=()))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--steps", type=int, default=40, help="pre-training steps (batch 2)")
    p.add_argument("--probe-epochs", type=int, default=30)
    p.add_argument("--work-dir", type=Path, default=None)
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads here and in the pre-training subprocesses (1: robust on a shared CPU, "
                        "where OpenMP barriers of 2 threads stall)")
    p.add_argument("--no-write", action="store_true", help="print the table, leave RESULTS.md alone")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    from mmengine.config import Config

    from hilda.tasks.backbone_io import load_backbone
    from hilda.tasks.linear_probe import linear_probe

    start = time.perf_counter()
    cfg = Config.fromfile(str(ROOT / CONFIG))
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="pretraining_helps_"))
    train, val = probe_datasets(cfg)
    print(f"probe: {len(train)} labelled mini_train scans, {len(val)} mini_val scans; work dir {work}", flush=True)
    runs: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    for seed in args.seeds:
        for v, (name, config) in enumerate(VARIANTS.items()):
            if config is None:
                backbone, secs, loss = random_student(cfg, seed), 0.0, float("nan")
            else:
                ckpt, secs, loss = pretrain(config, work / f"variant{v}_seed{seed}", seed, args.steps)
                backbone = load_backbone(ckpt, out_stages=())
            res = linear_probe(backbone, train, val, epochs=args.probe_epochs, seed=seed)
            runs[name].append(dict(seed=seed, miou=res["miou"], per_class=res["per_class"], secs=secs, loss=loss))
            print(f"seed {seed} | {name}: mIoU {res['miou']:.2f} (pre-training {secs:.0f} s, final loss {loss:.3f})",
                  flush=True)
    body = report(runs, args, len(train), len(val), time.perf_counter() - start)
    print(body)
    if not args.no_write:
        write_section("pretraining_helps", body)
    return 0


def _fmt(values: list[float]) -> str:
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.2f} ± {std:.2f}"


def report(runs: dict, args, n_train: int, n_val: int, seconds: float) -> str:
    rows = []
    base = [r["miou"] for r in next(iter(runs.values()))]
    for name, rs in runs.items():
        mious = [r["miou"] for r in rs]
        gain = [m - b for m, b in zip(mious, base)]
        rows.append([name, _fmt(mious), " / ".join(f"{m:.1f}" for m in mious),
                     "-" if name == next(iter(runs)) else _fmt(gain),
                     "-" if rs[0]["secs"] == 0 else f"{statistics.mean(r['secs'] for r in rs):.0f}",
                     "-" if rs[0]["loss"] != rs[0]["loss"] else f"{statistics.mean(r['loss'] for r in rs):.3f}"])
    classes = list(next(iter(runs.values()))[0]["per_class"])
    per_class = [[c] + [f"{statistics.mean(r['per_class'][c] for r in rs):.1f}" for rs in runs.values()]
                 for c in classes]
    return "\n".join([
        "## pretraining_helps (`python -m benchmarks.pretraining_helps`)", "",
        f"Synthetic world (data/demo). Pre-training: configs/pretrain/demo.py (MinkUNet18 student), "
        f"{args.steps} steps of batch 2 from the cached teacher features; **the teacher is a randomly "
        f"initialised ViT-S/14** (no VFM weights can be downloaded here), so this measures distillation of "
        f"random-ViT features of the synthetic images, not of DINOv2. Linear probe "
        f"(hilda.tasks.linear_probe): frozen backbone in eval, last-decoder-stage point features, "
        f"{n_train} labelled mini_train scans (seeded 25 % list, 4096 points per scan), "
        f"{args.probe_epochs} epochs of Adam; mIoU (%) on all scored points of the {n_val} scans of the "
        f"held-out mini_val scenes. Seeds {', '.join(map(str, args.seeds))} (each seed: same initial "
        f"student for the three rows). Whole benchmark: {seconds / 60:.1f} min.", "",
        table(["backbone", "linear-probe mIoU (mean ± std)", "per seed", "gain over random init",
               "pre-train s", "final pre-train loss"], rows), "",
        "Per-class IoU (mean over seeds):", "",
        table(["class", *runs.keys()], per_class)])


if __name__ == "__main__":
    sys.exit(main())
