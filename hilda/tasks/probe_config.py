"""The linear probe of a pre-training checkpoint as the demo runs it, from the run's config.

Config key ``probe`` (all optional)::

    probe = dict(train_index=..., val_index=..., fraction=0.25, epochs=30, seed=0)

defaults: the pre-training index's split and the ``mini_val`` (or ``val``) index beside it.
"""
from __future__ import annotations

from pathlib import Path


def probe_from_config(cfg, ckpt: str | Path) -> dict:
    """Linear-probe the backbone of ``ckpt``: ``dict(miou, per_class, table)`` (IoU in percent)."""
    from hilda.data.index_format import load_index
    from hilda.data.label_fractions import fraction_tokens
    from hilda.registry import DATASETS
    from hilda.tasks.backbone_io import load_backbone
    from hilda.tasks.linear_probe import MaterializedDataset, linear_probe

    probe = dict(cfg.get("probe") or {})
    train_index = Path(probe.get("train_index", cfg.data.train.index))
    val_name = "index_mini_val.json" if "mini" in train_index.name else "index_val.json"
    val_index = Path(probe.get("val_index", train_index.parent / val_name))
    base = dict(type="NuScenesIndexDataset", sweeps=0, **dict(cfg.grid))
    if cfg.data.train.get("data_root") is not None:
        base["data_root"] = cfg.data.train.data_root
    seed = int(probe.get("seed", 0))
    labelled = fraction_tokens(load_index(train_index)["samples"], float(probe.get("fraction", 0.25)), seed=seed)
    train = MaterializedDataset(DATASETS.build(dict(base, index=str(train_index), tokens=labelled)))
    val = MaterializedDataset(DATASETS.build(dict(base, index=str(val_index))))
    res = linear_probe(load_backbone(ckpt), train, val, epochs=int(probe.get("epochs", 30)), seed=seed)
    return dict(miou=float(res["miou"]), per_class={k: float(v) for k, v in res["per_class"].items()},
                table=res["table"], labelled_scans=len(labelled), val_scans=len(val))
