"""Semantic-segmentation IoU: a torchmetrics confusion matrix reduced to per-class IoU and mIoU.

``SegmentationIoU`` is torchmetrics' ``MulticlassConfusionMatrix`` (so it accumulates over
batches and reduces across processes by summing) with ``ignore_index`` (255: unlabelled points
are not scored) and a ``compute`` that returns ``IoUResult``:

- ``iou[c] = TP / (TP + FP + FN)`` in percent (rows of the confusion matrix = target, columns =
  prediction);
- a class that is absent from both the targets and the predictions has no IoU (``nan``) and is
  left out of the mean, as torchmetrics' ``MulticlassJaccardIndex(average="macro")`` and the
  nuScenes-lidarseg evaluation do. A class present in the targets but never predicted (or
  predicted but absent from the targets) counts with IoU 0.
- ``miou`` = mean of the defined ``iou`` values; ``nan`` when nothing was scored.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torchmetrics.classification import MulticlassConfusionMatrix

from hilda.data.nuscenes_labels import IGNORE_INDEX, SEG16_CLASSES
from hilda.registry import METRICS


@dataclass
class IoUResult:
    miou: float  # percent
    iou: torch.Tensor  # (C,) float64 percent, nan for classes absent from targets and predictions
    confusion: torch.Tensor  # (C, C) int64, rows = target, columns = prediction
    class_names: tuple[str, ...]

    def per_class(self) -> dict[str, float]:
        return {name: float(v) for name, v in zip(self.class_names, self.iou.tolist())}

    def table(self) -> str:
        """Plain-text table: one row per class and the mean."""
        width = max(len(n) for n in (*self.class_names, "mIoU"))
        support = self.confusion.sum(1).tolist()
        rows = [f"{'class':<{width}}  {'IoU':>6}  {'points':>10}"]
        for name, v, n in zip(self.class_names, self.iou.tolist(), support):
            rows.append(f"{name:<{width}}  {'-' if v != v else f'{v:.2f}':>6}  {n:>10}")
        rows.append(f"{'mIoU':<{width}}  {self.miou:>6.2f}  {sum(support):>10}")
        return "\n".join(rows)


def iou_from_confusion(confusion: torch.Tensor, class_names=None) -> IoUResult:
    confusion = confusion.to(torch.int64).cpu()
    tp = confusion.diag().double()
    union = confusion.sum(0).double() + confusion.sum(1).double() - tp
    iou = torch.where(union > 0, 100.0 * tp / union.clamp(min=1), torch.full_like(tp, float("nan")))
    defined = ~torch.isnan(iou)
    miou = float(iou[defined].mean()) if defined.any() else float("nan")
    names = tuple(class_names) if class_names is not None else tuple(f"class_{i}" for i in range(len(iou)))
    return IoUResult(miou, iou, confusion, names)


@METRICS.register_module()
class SegmentationIoU(MulticlassConfusionMatrix):
    """``update(preds, target)``: ``preds`` ``(N,)`` class indices or ``(N, C)`` scores, ``target``
    ``(N,)`` with ``ignore_index`` for unscored points. ``compute() -> IoUResult``."""

    def __init__(self, num_classes: int = len(SEG16_CLASSES), ignore_index: int = IGNORE_INDEX,
                 class_names=None, **kwargs):
        super().__init__(num_classes=num_classes, ignore_index=ignore_index, validate_args=False, **kwargs)
        if class_names is None:
            class_names = SEG16_CLASSES if num_classes == len(SEG16_CLASSES) else None
        if class_names is not None and len(class_names) != num_classes:
            raise ValueError(f"{len(class_names)} class names for {num_classes} classes")
        self.class_names = tuple(class_names) if class_names is not None else None

    def update(self, preds: torch.Tensor, target: torch.Tensor) -> None:
        if preds.is_floating_point():
            preds = preds.argmax(1)
        super().update(preds.reshape(-1), target.reshape(-1))

    def compute(self) -> IoUResult:
        return iou_from_confusion(super().compute(), self.class_names)
