"""SegmentationIoU: perfect = 100, a hand-computed case, absent classes, torchmetrics agreement; Lovász."""
from __future__ import annotations

import math

import pytest
import torch
from torchmetrics.classification import MulticlassJaccardIndex

from hilda.evaluation.confusion_plot import save_confusion_png
from hilda.evaluation.segmentation import SegmentationIoU, iou_from_confusion
from hilda.losses.lovasz import lovasz_softmax
from hilda.registry import METRICS, MODELS


def test_perfect_prediction_is_100_and_absent_classes_are_left_out():
    metric = METRICS.build(dict(type="SegmentationIoU"))  # 16 nuScenes classes
    target = torch.tensor([0, 3, 3, 10, 15, 255, 255])
    metric.update(torch.where(target == 255, torch.tensor(7), target), target)  # ignored points may be anything
    result = metric.compute()
    assert result.miou == pytest.approx(100.0)
    assert {k for k, v in result.per_class().items() if not math.isnan(v)} == {
        "barrier", "car", "driveable_surface", "vegetation"}
    assert "vegetation" in result.table() and "100.00" in result.table()


def test_hand_computed_case_and_torchmetrics_agreement():
    target = torch.tensor([0, 0, 1, 1, 2, 255])
    preds = torch.tensor([0, 1, 1, 1, 0, 2])
    metric = SegmentationIoU(num_classes=4, class_names=("a", "b", "c", "d"))
    metric.update(preds[:3], target[:3])  # accumulates over batches
    metric.update(preds[3:], target[3:])
    result = metric.compute()
    # a: TP 1, FN 1 (-> b), FP 1 (c -> a) = 1/3; b: TP 2, FP 1 = 2/3; c: TP 0, FN 1 = 0; d: absent
    assert result.iou[:3].tolist() == pytest.approx([100 / 3, 200 / 3, 0.0])
    assert math.isnan(result.iou[3])
    assert result.miou == pytest.approx(100.0 / 3)
    assert result.confusion.tolist() == [[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    ref = MulticlassJaccardIndex(num_classes=4, average="macro", ignore_index=255)(preds, target)
    assert result.miou == pytest.approx(100 * float(ref))
    logits = torch.nn.functional.one_hot(preds.clamp(max=3), 4).float()  # scores are argmax-ed
    assert iou_from_confusion(metric.confmat).miou == pytest.approx(result.miou)
    metric.reset()
    metric.update(logits, target)
    assert metric.compute().miou == pytest.approx(100.0 / 3)


def test_nothing_scored_gives_nan():
    metric = SegmentationIoU(num_classes=3)
    metric.update(torch.tensor([1, 2]), torch.tensor([255, 255]))
    assert math.isnan(metric.compute().miou)


def test_lovasz_is_one_minus_iou_for_hard_predictions_and_the_loss_combines():
    target = torch.tensor([0, 0, 1, 1, 2, 255])
    preds = torch.tensor([0, 1, 1, 1, 0, 2])
    probs = torch.nn.functional.one_hot(preds, 3).float()
    assert float(lovasz_softmax(probs, target)) == pytest.approx(1 - (1 / 3 + 2 / 3 + 0) / 3)
    assert float(lovasz_softmax(torch.nn.functional.one_hot(target.clamp(max=2), 3).float(), target)) == 0.0
    loss = MODELS.build(dict(type="SemsegLoss", lovasz_weight=1.0))
    logits = torch.randn(6, 3, requires_grad=True)
    out = loss(logits, target)
    assert torch.isclose(out["loss"], out["ce"] + out["lovasz"])
    out["loss"].backward()
    assert logits.grad[:5].abs().sum() > 0 and logits.grad[5].abs().sum() == 0  # ignored point: no gradient


def test_confusion_png(tmp_path):
    path = save_confusion_png(torch.eye(3, dtype=torch.int64) * 5, ("a", "b", "c"), tmp_path / "cm.png")
    assert path.is_file() and path.stat().st_size > 1000
