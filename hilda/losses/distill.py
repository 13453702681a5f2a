"""Feature-distillation distances, one row per pair: ``(P, C), (P, C) -> (P,)``.

- ``cosine``: ``1 - cos(pred, target)`` (default; 0 iff parallel).
- ``l2``: squared distance of the L2-normalised features (= ``2 - 2 cos``; scale-free like cosine).
- ``kl``: ``KL(softmax(target / T) || softmax(pred / T))`` over channels.
- ``mse``: mean squared error over channels (raw features; used for the global token).

Pooled form. When many pairs share one prediction (the points of one voxel), the sum of their
distances only needs a per-row sum of target statistics: ``pooled(pred_u, sum_i stats(t_i), n_u)
== sum_i distance(pred_u, t_i)`` (cosine: the sum of the unit targets; mse: the sum of the targets
and of their squared norms; kl: the sum of the target distributions and of their negative
entropies). The statistics need no gradient, so the gradient side of the loss runs on the distinct
predictions only.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import torch
import torch.nn.functional as F

from hilda.registry import MODELS

EPS = 1e-6


class Distance(ABC):
    """A per-pair distance with its pooled form."""

    @abstractmethod
    def __call__(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """``(P, C), (P, C) -> (P,)``."""

    @abstractmethod
    def stats(self, target: torch.Tensor) -> torch.Tensor:
        """``(P, C)`` targets -> ``(P, D)`` statistics, summed per prediction (no gradient)."""

    @abstractmethod
    def pooled(self, pred: torch.Tensor, stats: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
        """``pred (U, C)``, summed ``stats (U, D)``, pair ``counts (U,)`` -> ``(U,)`` summed distances."""


def _with_sq_norm(x: torch.Tensor) -> torch.Tensor:
    return torch.cat([x, x.square().sum(1, keepdim=True)], 1)


def _inv_norm(x: torch.Tensor) -> torch.Tensor:
    """``(P, 1)``: ``1 / max(||x||, EPS)`` (``F.normalize``'s scale, applied as one multiply)."""
    return x.norm(dim=1, keepdim=True).clamp_min(EPS).reciprocal()


@MODELS.register_module()
class CosineDistance(Distance):
    def __call__(self, pred, target):
        return 1.0 - (F.normalize(pred, dim=1, eps=EPS) * F.normalize(target, dim=1, eps=EPS)).sum(1)

    def stats(self, target):
        return target * _inv_norm(target)

    def pooled(self, pred, stats, counts):
        return counts - (pred * stats).sum(1) * _inv_norm(pred).squeeze(1)


@MODELS.register_module()
class L2Distance(Distance):
    def __call__(self, pred, target):
        return (F.normalize(pred, dim=1, eps=EPS) - F.normalize(target, dim=1, eps=EPS)).pow(2).sum(1)

    def stats(self, target):
        return _with_sq_norm(target * _inv_norm(target))

    def pooled(self, pred, stats, counts):
        p = F.normalize(pred, dim=1, eps=EPS)
        return counts * p.square().sum(1) - 2.0 * (p * stats[:, :-1]).sum(1) + stats[:, -1]


@MODELS.register_module()
class MSEDistance(Distance):
    def __call__(self, pred, target):
        return (pred - target).pow(2).mean(1)

    def stats(self, target):
        return _with_sq_norm(target)

    def pooled(self, pred, stats, counts):
        sq = counts * pred.square().sum(1) - 2.0 * (pred * stats[:, :-1]).sum(1) + stats[:, -1]
        return sq / pred.shape[1]


@MODELS.register_module()
class KLDistance(Distance):
    """KL divergence between channel softmaxes at temperature ``temperature``."""

    def __init__(self, temperature: float = 0.1):
        self.temperature = float(temperature)

    def __call__(self, pred, target):
        log_p = F.log_softmax(pred / self.temperature, dim=1)
        log_q = F.log_softmax(target / self.temperature, dim=1)
        return (log_q.exp() * (log_q - log_p)).sum(1)

    def stats(self, target):
        log_q = F.log_softmax(target / self.temperature, dim=1)
        q = log_q.exp()
        return torch.cat([q, (q * log_q).sum(1, keepdim=True)], 1)

    def pooled(self, pred, stats, counts):
        log_p = F.log_softmax(pred / self.temperature, dim=1)
        return stats[:, -1] - (stats[:, :-1] * log_p).sum(1)


DISTANCES = {"cosine": CosineDistance, "l2": L2Distance, "mse": MSEDistance, "kl": KLDistance}


def build_distance(spec) -> Distance:
    """``'cosine' | 'l2' | 'mse' | 'kl' | dict(type='KLDistance', temperature=...)`` -> ``Distance``."""
    if isinstance(spec, dict):
        return MODELS.build(spec)
    if spec not in DISTANCES:
        raise ValueError(f"unknown distillation loss {spec!r}; choose one of {list(DISTANCES)}")
    return DISTANCES[spec]()


def pooled_distance(distance: Distance, pred: torch.Tensor, targets: torch.Tensor,
                    inverse: torch.Tensor) -> torch.Tensor:
    """Sum over pairs of ``distance(pred[inverse], targets)`` without building ``pred[inverse]``:
    ``pred (U, C)`` distinct predictions, ``targets (P, C)``, ``inverse (P,)`` row of each pair."""
    pred = pred.float()
    with torch.no_grad():
        stats = distance.stats(targets.float())
        summed = stats.new_zeros(pred.shape[0], stats.shape[1]).index_add_(0, inverse, stats)
        counts = torch.bincount(inverse, minlength=pred.shape[0]).to(pred.dtype)
    return distance.pooled(pred, summed, counts).sum()
