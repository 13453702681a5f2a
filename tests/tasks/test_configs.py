"""Every config under configs/ loads and builds: models always, data where its files exist here."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from mmengine.config import Config

from hilda.tasks.build import TOP_LEVEL_KEYS, check_top_level, dataset_cfgs

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(p for p in (ROOT / "configs").rglob("*.py") if "_base_" not in p.parts)
TRAIN_CONFIGS = [p for p in CONFIGS if p.parent.name != "configs"]  # configs/demo.py is the world only


def test_there_are_configs():
    assert len(TRAIN_CONFIGS) >= 7


@pytest.mark.parametrize("path", TRAIN_CONFIGS, ids=lambda p: str(p.relative_to(ROOT / "configs")))
def test_config_builds(path, index_dir):
    from hilda.data.dataset import NuScenesIndexDataset
    from hilda.data.transforms import Compose
    from hilda.registry import DATASETS
    from hilda.tasks.build import build_task

    cfg = Config.fromfile(str(path))
    check_top_level(cfg)
    assert set(cfg.keys()) <= TOP_LEVEL_KEYS
    # model: weights are not available here, so the teacher gets random ones; a small image keeps it quick
    teacher = cfg.model.get("teacher")
    if teacher is not None:
        cfg.merge_from_dict({"model.teacher.pretrained": False, "model.teacher.checkpoint": None})
    task = build_task(cfg)
    assert sum(p.numel() for p in task.parameters()) > 0
    # data: every dataset config binds to the dataset's signature and its pipeline builds
    for split, ds in dataset_cfgs(cfg).items():
        ds = dict(ds)
        assert ds.pop("type") == "NuScenesIndexDataset"
        Compose(ds.get("pipeline", ()))
        reader_keys = set(inspect.signature(NuScenesIndexDataset.__init__).parameters) | {
            "sweeps", "cameras", "image_size", "images", "pairs", "labels", "temporal", "boxes",
            "image_label_dir", "intensity_scale", "min_depth", "occlusion", "ego_box", "tokens", "tokens_file"}
        assert set(ds) <= reader_keys, (split, set(ds) - reader_keys)
    dm = dict(cfg.data)
    dm.pop("train"), dm.pop("val", None)
    assert dm.pop("type") == "NuScenesDataModule"
    from hilda.data.datamodule import NuScenesDataModule

    inspect.signature(NuScenesDataModule.__init__).bind(None, train={}, **dm)
    DATASETS.get("NuScenesIndexDataset")  # registered
