"""Optimizer + per-step LR schedule from config, shared by every task."""
from __future__ import annotations

import mmengine.optim  # noqa: F401  (registers torch.optim optimizers in mmengine's OPTIMIZERS)
from mmengine.registry import OPTIMIZERS

from hilda.registry import SCHEDULERS


def configure(param_groups: list[dict], optimizer: dict, scheduler: dict | None, total_steps: int) -> dict:
    """Lightning ``configure_optimizers`` return value.

    ``param_groups``: ``[{"params": [...], "lr": ...}, ...]`` (a group's ``lr`` overrides the
    optimizer's); ``optimizer``: e.g. ``dict(type="AdamW", lr=1e-3, weight_decay=0.01)``;
    ``scheduler``: e.g. ``dict(type="WarmupCosine", warmup_steps=100)`` or None.
    """
    cfg = dict(optimizer)
    groups = [g for g in param_groups if g["params"]]
    opt = OPTIMIZERS.build(dict(cfg, params=groups))
    if scheduler is None:
        return {"optimizer": opt}
    sched = SCHEDULERS.build(dict(scheduler)).build(opt, int(total_steps))
    return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}
