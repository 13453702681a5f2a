"""Run the frozen teacher once over every camera image of the configured splits and cache its
patch features (chosen layers) + CLS as float16, so that pre-training runs no teacher.

    python data_prep/cache_teacher_features.py CONFIG [--splits mini_train mini_val] [--batch-size 4]
        [--cfg-options k=v ...]

Uses the config's ``model.teacher``, ``image_size``, ``teacher_cache.root`` and the indexes next to
``data.train.index``. Resumable: samples already cached are skipped; each file is written atomically.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config, DictAction
from tqdm import tqdm


def cache_split(teacher, cache, dataset, batch_size: int, progress: bool) -> tuple[int, int]:
    todo = [i for i, tok in enumerate(dataset.tokens) if not cache.has(tok)]
    for start in tqdm(range(0, len(todo), batch_size), desc=f"teacher {dataset.split}", disable=not progress):
        chunk = [dataset.reader.read(dataset.records[i]) for i in todo[start:start + batch_size]]
        images = torch.from_numpy(np.concatenate([s.images for s in chunk])).permute(0, 3, 1, 2)
        out = teacher(images)
        k = chunk[0].images.shape[0]
        for j, s in enumerate(chunk):
            cache.write(s.token, [x[j * k:(j + 1) * k].numpy() for x in out.layers], out.cls[j * k:(j + 1) * k].numpy())
    return len(todo), len(dataset) - len(todo)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config")
    p.add_argument("--splits", nargs="+", default=None, help="default: teacher_cache.splits")
    p.add_argument("--batch-size", type=int, default=4, help="samples (x cameras) per teacher call")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--cfg-options", nargs="+", action=DictAction, default={})
    a = p.parse_args(argv)
    from hilda.data.index_format import IndexFileError
    from hilda.data.teacher_cache import TeacherFeatureCache, cache_meta
    from hilda.registry import DATASETS, MODELS
    from hilda.structures.sample import CAMERA_NAMES
    from hilda.tasks.build import dataset_cfgs

    cfg = Config.fromfile(a.config)
    cfg.merge_from_dict(a.cfg_options)
    if cfg.get("teacher_cache") is None:
        print(f"error: {a.config} has no teacher_cache (set teacher_cache=dict(root=...))", file=sys.stderr)
        return 2
    start = time.time()
    try:
        teacher = MODELS.build(dict(cfg.model.teacher))
    except (ValueError, FileNotFoundError, OSError) as e:
        print(f"error: model.teacher: {e}".splitlines()[0], file=sys.stderr)
        return 2
    torch.set_grad_enabled(False)
    base = dict(dataset_cfgs(cfg)["train"])
    meta = cache_meta(teacher.model_name, teacher.layers, cfg.image_size, base.get("cameras", CAMERA_NAMES))
    cache = TeacherFeatureCache.create(cfg.teacher_cache.root, meta)
    index_dir = Path(base["index"]).parent
    for split in a.splits or cfg.teacher_cache.get("splits", ("train",)):
        ds_cfg = dict(type="NuScenesIndexDataset", index=str(index_dir / f"index_{split}.json"),
                      voxel_size=base["voxel_size"], point_cloud_range=base["point_cloud_range"],
                      data_root=base.get("data_root"), image_size=tuple(cfg.image_size), pairs=False, labels=False)
        try:
            dataset = DATASETS.build(ds_cfg)
        except IndexFileError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        done, skipped = cache_split(teacher, cache, dataset, a.batch_size, not a.no_progress)
        print(f"{split}: cached {done} sample(s), {skipped} already there")
    print(f"teacher cache {cache.dir} ready in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
