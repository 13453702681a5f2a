"""Semantic-segmentation loss: cross-entropy (ignore 255) + optional Lovász-softmax."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from hilda.data.nuscenes_labels import IGNORE_INDEX
from hilda.losses.lovasz import lovasz_softmax
from hilda.registry import MODELS


@MODELS.register_module()
class SemsegLoss(nn.Module):
    """``loss = ce_weight * CE + lovasz_weight * Lovász``; ``class_weights`` (C,) weight the CE."""

    def __init__(self, ce_weight: float = 1.0, lovasz_weight: float = 0.0, ignore_index: int = IGNORE_INDEX,
                 class_weights=None, label_smoothing: float = 0.0):
        super().__init__()
        self.ce_weight, self.lovasz_weight = float(ce_weight), float(lovasz_weight)
        self.ignore_index, self.label_smoothing = int(ignore_index), float(label_smoothing)
        weight = None if class_weights is None else torch.as_tensor(class_weights, dtype=torch.float32)
        self.register_buffer("class_weights", weight, persistent=False)

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        """``logits (N, C)``, ``labels (N,)`` -> ``{"loss", "ce", "lovasz"}``."""
        scored = labels != self.ignore_index
        if not scored.any():
            zero = logits.sum() * 0.0
            return dict(loss=zero, ce=zero.detach(), lovasz=zero.detach())
        ce = F.cross_entropy(logits, labels, weight=self.class_weights, ignore_index=self.ignore_index,
                             label_smoothing=self.label_smoothing)
        out = dict(ce=ce)
        loss = self.ce_weight * ce
        if self.lovasz_weight > 0:
            lov = lovasz_softmax(logits.softmax(1), labels, self.ignore_index)
            loss = loss + self.lovasz_weight * lov
            out["lovasz"] = lov
        out["loss"] = loss
        return out
