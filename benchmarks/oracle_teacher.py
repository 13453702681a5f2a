"""Pipeline check with a semantic *oracle* teacher: does distillation transfer what the teacher knows?

No VFM weights can be downloaded here, so the demo teacher is a random ViT whose features carry
little semantics. This script replaces its cached features by an oracle built from the synthetic
world's per-pixel class maps (``hilda_semantic/``): each patch's feature is its 16-class histogram
(+ ignore) embedded in the ViT-S width by a fixed random orthogonal map, for both layers; CLS =
the mean over patches. Everything else (index, pairs, sampling, losses, student, probe) is the
production path. If pre-training on the oracle beats random init clearly, geometry, pairing and
losses are right and the random teacher is what limits the demo.

    python -m benchmarks.oracle_teacher [--steps 40] [--seed 0]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config

from benchmarks.pretraining_helps import CONFIG, ROOT, probe_datasets
from benchmarks.results import table, write_section
from hilda.data.loading import read_image
from hilda.data.nuscenes_labels import SEG16_CLASSES, lidarseg32_to_16
from hilda.data.teacher_cache import TeacherFeatureCache, cache_meta
from hilda.models.teachers.spec import teacher_spec
from hilda.structures.sample import CAMERA_NAMES


def build_oracle_cache(cfg, root: Path) -> None:
    from hilda.data.index_format import load_index

    width, layers = teacher_spec(dict(cfg.model.teacher))
    (w, h), patch = tuple(cfg.image_size), 14
    cache = TeacherFeatureCache.create(str(root), cache_meta(cfg.model.teacher.model_name, layers, (w, h), CAMERA_NAMES))
    proj = torch.linalg.qr(torch.randn(width, width, generator=torch.Generator().manual_seed(0)))[0][:17].numpy()
    data_root = Path(cfg.world.data_root)
    for rec in load_index(cfg.data.train.index)["samples"]:
        if cache.has(rec["token"]):
            continue
        maps = []
        for cam in CAMERA_NAMES:
            path = data_root / "hilda_semantic" / Path(rec["cams"][cam]["path"]).with_suffix(".png")
            lab = lidarseg32_to_16(read_image(path, (w, h), resample=0)).astype(np.int64)
            lab[lab == 255] = 16
            onehot = np.eye(17, dtype=np.float32)[lab]  # (h, w, 17)
            hist = onehot.reshape(h // patch, patch, w // patch, patch, 17).mean((1, 3))
            maps.append((hist @ proj).transpose(2, 0, 1))  # (C, h', w')
        fmap = np.stack(maps)
        cache.write(rec["token"], [fmap] * len(layers), fmap.mean((2, 3)))


def run(cfg_options: dict, seed: int, steps: int, work_dir: Path):
    import lightning as L

    from hilda.tasks.build import build_datamodule, build_task, build_trainer

    cfg = Config.fromfile(str(ROOT / CONFIG))
    cfg.merge_from_dict({"seed": seed, "trainer.max_epochs": 1, "trainer.limit_train_batches": steps,
                         "trainer.enable_model_summary": False, "checkpoint": dict(save_top_k=0, save_last=False),
                         **cfg_options})
    L.seed_everything(seed, workers=True, verbose=False)
    dm = build_datamodule(cfg)
    task = build_task(cfg, dm)
    if steps:
        build_trainer(cfg, work_dir).fit(task, datamodule=dm)
    return task.student, cfg


def main(argv=None) -> None:
    from hilda.tasks.linear_probe import linear_probe

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--work-dir", type=Path, default=Path("work_dirs/oracle_teacher"))
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    start = time.time()
    cfg = Config.fromfile(str(ROOT / CONFIG))
    oracle_root = Path(cfg.world.data_root) / "oracle_teacher_cache"
    build_oracle_cache(cfg, oracle_root)
    train, val = probe_datasets(cfg)
    rows = []
    for name, options, steps in (("random init (no pre-training)", {}, 0),
                                 ("full HilDA, random-ViT teacher (the demo)", {}, a.steps),
                                 ("full HilDA, semantic oracle teacher", {"teacher_cache.root": str(oracle_root)}, a.steps)):
        student, _ = run(options, a.seed, steps, a.work_dir / name.split(",")[-1].strip().replace(" ", "_"))
        res = linear_probe(student, train, val, seed=a.seed)
        rows.append([name, f"{res['miou']:.1f}"])
        print(name, res["miou"], flush=True)
    body = ("## oracle_teacher (`python -m benchmarks.oracle_teacher`)\n\n"
            f"Pipeline check: {a.steps} pre-training steps (configs/pretrain/demo.py, seed {a.seed}), "
            "then the linear probe of benchmarks/pretraining_helps.py. The oracle teacher's patch features are "
            f"class histograms over {len(SEG16_CLASSES)} lidarseg classes from the synthetic world's class maps "
            f"(randomly rotated into the ViT-S width). Whole run: {(time.time() - start) / 60:.1f} min.\n\n"
            + table(["pre-training", "linear-probe mIoU (mini_val)"], rows))
    print(body)
    if not a.no_write:
        write_section("oracle_teacher", body)


if __name__ == "__main__":
    main()
