"""Feature-distillation distances, one row per pair: ``(P, C), (P, C) -> (P,)``.

- ``cosine``: ``1 - cos(pred, target)`` (default; 0 iff parallel).
- ``l2``: squared distance of the L2-normalised features (= ``2 - 2 cos``; scale-free like cosine).
- ``kl``: ``KL(softmax(target / T) || softmax(pred / T))`` over channels.
- ``mse``: mean squared error over channels (raw features; used for the global token).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from hilda.registry import MODELS


def cosine_distance(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return 1.0 - F.cosine_similarity(pred, target, dim=1, eps=1e-6)


def l2_distance(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (F.normalize(pred, dim=1, eps=1e-6) - F.normalize(target, dim=1, eps=1e-6)).pow(2).sum(1)


def mse_distance(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (pred - target).pow(2).mean(1)


@MODELS.register_module()
class KLDistance:
    """Callable KL divergence between channel softmaxes at temperature ``temperature``."""

    def __init__(self, temperature: float = 0.1):
        self.temperature = float(temperature)

    def __call__(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = F.log_softmax(pred / self.temperature, dim=1)
        log_q = F.log_softmax(target / self.temperature, dim=1)
        return (log_q.exp() * (log_q - log_p)).sum(1)


DISTANCES = {"cosine": cosine_distance, "l2": l2_distance, "mse": mse_distance, "kl": KLDistance()}


def build_distance(spec):
    """``'cosine' | 'l2' | 'mse' | 'kl' | dict(type='KLDistance', temperature=...)`` -> callable."""
    if isinstance(spec, dict):
        return MODELS.build(spec)
    if spec not in DISTANCES:
        raise ValueError(f"unknown distillation loss {spec!r}; choose one of {list(DISTANCES)}")
    return DISTANCES[spec]
