"""Learning-rate schedules stepped every optimizer step (registered in ``SCHEDULERS``).

Each is configured without the run length and built with ``.build(optimizer, total_steps)``;
the task passes ``trainer.estimated_stepping_batches``.
"""
from __future__ import annotations

import math

from torch.optim.lr_scheduler import LambdaLR, OneCycleLR

from hilda.registry import SCHEDULERS


@SCHEDULERS.register_module()
class WarmupCosine:
    """Linear warm-up from ``warmup_ratio * lr`` over ``warmup_steps``, then cosine to ``min_lr_ratio * lr``."""

    def __init__(self, warmup_steps: int = 100, warmup_ratio: float = 0.01, min_lr_ratio: float = 0.01):
        self.warmup_steps, self.warmup_ratio, self.min_lr_ratio = int(warmup_steps), warmup_ratio, min_lr_ratio

    def factor(self, step: int, total_steps: int) -> float:
        warm = min(self.warmup_steps, max(total_steps - 1, 0))
        if step < warm:
            return self.warmup_ratio + (1 - self.warmup_ratio) * step / warm
        progress = min(1.0, (step - warm) / max(1, total_steps - warm))
        return self.min_lr_ratio + (1 - self.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    def build(self, optimizer, total_steps: int):
        return LambdaLR(optimizer, lambda step: self.factor(step, total_steps))


@SCHEDULERS.register_module()
class OneCycle:
    def __init__(self, pct_start: float = 0.1, div_factor: float = 10.0, final_div_factor: float = 100.0):
        self.kw = dict(pct_start=pct_start, div_factor=div_factor, final_div_factor=final_div_factor)

    def build(self, optimizer, total_steps: int):
        return OneCycleLR(optimizer, max_lr=[g["lr"] for g in optimizer.param_groups],
                          total_steps=max(1, total_steps), **self.kw)
