"""Build a run (datamodule, task, trainer) from one mmengine config; fail early with key names.

Top-level keys: ``grid`` (voxel_size, point_cloud_range: the one source of sparse shape and BEV
grid), ``image_size`` (W, H), ``data``, ``model``, ``trainer``, ``checkpoint``, ``seed``,
``work_dir`` and the preparation keys ``world``, ``index``, ``teacher_cache``, ``semseg``.
``grid`` and ``image_size`` are passed to every dataset and to the task unless they set their own.
"""
from __future__ import annotations

from pathlib import Path

TOP_LEVEL_KEYS = {"grid", "image_size", "data", "model", "trainer", "checkpoint", "seed", "work_dir",
                  "world", "index", "teacher_cache", "semseg", "probe"}


class ConfigError(ValueError):
    """A config that cannot make a run; the message names the key."""


def check_top_level(cfg) -> None:
    unknown = sorted(set(cfg.keys()) - TOP_LEVEL_KEYS)
    if unknown:
        raise ConfigError(f"unknown config key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(TOP_LEVEL_KEYS))})")
    for key in ("data", "model"):
        if key not in cfg:
            raise ConfigError(f"config has no {key!r}")


def cache_cfg(cfg) -> dict | None:
    """The datasets' ``teacher_cache`` argument, from the top-level ``teacher_cache`` (root) and
    the teacher config (model name, absolute layers) and ``image_size``; None when not cached."""
    if cfg.get("teacher_cache") is None:
        return None
    from hilda.models.teachers.spec import teacher_spec

    teacher = dict(cfg.model.teacher)
    return dict(root=cfg.teacher_cache.root, model_name=teacher["model_name"], layers=teacher_spec(teacher)[1],
                image_size=tuple(cfg.image_size))


def dataset_cfgs(cfg, cache: dict | None = None) -> dict:
    """``{split: dataset config}`` with grid / image_size / teacher_cache filled in."""
    out = {}
    for split in ("train", "val"):
        ds = cfg.data.get(split)
        if ds is None:
            continue
        ds = dict(ds)
        for k, v in dict(cfg.get("grid", {})).items():
            ds.setdefault(k, v)
        if cfg.get("image_size") is not None and "image_size" not in ds:
            ds["image_size"] = tuple(cfg.image_size)
        if cache is not None:
            ds.setdefault("teacher_cache", cache)
        out[split] = ds
    return out


def _build(registry, spec: dict, key: str):
    try:
        return registry.build(spec)
    except (TypeError, ValueError, KeyError) as e:
        raise ConfigError(f"config key {key}: {e}".splitlines()[0]) from None


def _plain(value):
    """ConfigDict / nested containers -> plain dicts, lists and scalars."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def build_datamodule(cfg):
    from hilda.registry import DATASETS

    dm_cfg = dict(cfg.data, **dataset_cfgs(cfg, cache_cfg(cfg)))
    dm = _build(DATASETS, dm_cfg, "data")
    try:
        dm.setup("fit")  # opens indexes and caches now, so a missing one fails before training
    except (TypeError, KeyError) as e:
        raise ConfigError(f"config key data: {e}".splitlines()[0]) from None
    return dm


def build_task(cfg, datamodule=None):
    from hilda.registry import TASKS

    model = _plain(cfg.model)  # plain containers: checkpoints must load with weights_only=True
    if "grid" in cfg:
        model.setdefault("grid", _plain(cfg.grid))
    if cfg.get("image_size") is not None:
        model.setdefault("image_size", tuple(cfg.image_size))
    if cfg.get("teacher_cache") is not None:
        model.setdefault("use_cache", True)
    return _build(TASKS, model, "model")


def build_trainer(cfg, work_dir: Path):
    import lightning as L
    from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint, TQDMProgressBar
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    ckpt = dict(dict(every_n_epochs=1, save_top_k=-1, save_last=True), **dict(cfg.get("checkpoint", {})))
    callbacks = [ModelCheckpoint(dirpath=str(work_dir / "checkpoints"), **ckpt),
                 LearningRateMonitor(logging_interval="step"), TQDMProgressBar(refresh_rate=1)]
    loggers = [CSVLogger(str(work_dir), name="logs"), TensorBoardLogger(str(work_dir), name="tb")]
    kwargs = dict(dict(accelerator="auto", devices=1, log_every_n_steps=1), **dict(cfg.get("trainer", {})))
    try:
        return L.Trainer(default_root_dir=str(work_dir), callbacks=callbacks, logger=loggers, **kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"config key trainer: {e}".splitlines()[0]) from None
