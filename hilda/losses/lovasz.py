"""Lovász-softmax loss (Berman, Rannen Triki, Blaschko, CVPR 2018): a convex surrogate of 1 - IoU.

For each class ``c`` the per-point errors ``|1[y = c] - p_c|`` are sorted in decreasing order and
dotted with the gradient of the Lovász extension of the Jaccard loss. With one-hot probabilities
the value is exactly ``1 - IoU_c``. ``classes="present"`` averages over the classes present in the
(non-ignored) targets; ``"all"`` over every class.
"""
from __future__ import annotations

import torch


def lovasz_grad(gt_sorted: torch.Tensor) -> torch.Tensor:
    """Gradient of the Lovász extension w.r.t. errors sorted in decreasing order."""
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.cumsum(0)
    union = gts + (1.0 - gt_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    if gt_sorted.numel() > 1:
        jaccard[1:] = jaccard[1:] - jaccard[:-1].clone()
    return jaccard


def lovasz_softmax(probs: torch.Tensor, labels: torch.Tensor, ignore_index: int = 255,
                   classes: str = "present") -> torch.Tensor:
    """``probs (P, C)`` softmax outputs, ``labels (P,)`` -> scalar loss (0 for no scored point)."""
    valid = labels != ignore_index
    probs, labels = probs[valid], labels[valid]
    if labels.numel() == 0:
        return probs.sum() * 0.0
    losses = []
    for c in range(probs.shape[1]):
        fg = (labels == c).to(probs.dtype)
        if classes == "present" and fg.sum() == 0:
            continue
        errors = (fg - probs[:, c]).abs()
        errors_sorted, perm = torch.sort(errors, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm])))
    return torch.stack(losses).mean() if losses else probs.sum() * 0.0
