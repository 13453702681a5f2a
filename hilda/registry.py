"""mmengine registries: every configurable class is built from a ``dict(type=Name, ...)``.

Classes register themselves with a decorator (``@MODELS.register_module()``); the ``locations``
let ``build`` import the defining modules lazily, so importing this file has no side effects.
"""
from __future__ import annotations

from mmengine.registry import Registry

MODELS = Registry("model", locations=["hilda.models", "hilda.losses", "hilda.losses.semseg",
                                        "hilda.models.heads.centered_distill"])
DATASETS = Registry("dataset", locations=["hilda.data.dataset", "hilda.data.datamodule"])
TRANSFORMS = Registry("transform", locations=["hilda.data.transforms"])
TASKS = Registry("task", locations=["hilda.tasks.pretrain", "hilda.tasks.semseg"])
METRICS = Registry("metric", locations=["hilda.evaluation", "hilda.evaluation.segmentation"])
SCHEDULERS = Registry("lr schedule", locations=["hilda.tasks.schedules"])
