"""Fast linear probe of a frozen backbone: features once per scan, then a linear layer on them.

Equivalent to ``SemsegTask(freeze_backbone=True)`` without augmentation: the backbone runs in eval
mode (BN with its running statistics) under ``no_grad``, so a point's feature never changes and can
be computed once. Steps:

1. every training scan goes through the backbone once; ``points_per_scan`` of its scored points
   (labelled, inside the voxel grid) are kept at random (seeded; None = all);
2. the features are standardised (per-channel mean / std of the kept features) and a linear layer
   is trained on them with Adam + cross-entropy; the standardisation is folded into the returned
   ``nn.Linear`` (an affine map before a linear layer is still one linear layer on raw features);
3. every validation scan goes through the backbone once and the layer; IoU over all its scored
   points (``hilda.evaluation.segmentation.SegmentationIoU``).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from hilda.data.collate import collate
from hilda.data.nuscenes_labels import IGNORE_INDEX, SEG16_CLASSES
from hilda.evaluation.segmentation import SegmentationIoU


class MaterializedDataset:
    """The samples of a dataset read once and kept in memory (no augmentation: identical reads)."""

    def __init__(self, dataset):
        self.grid = dataset.grid
        self.samples = [dataset[i] for i in range(len(dataset))]

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int):
        return self.samples[i]


def _batches(dataset, batch_size: int):
    for start in range(0, len(dataset), batch_size):
        samples = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        batch = collate(samples, spatial_shape=dataset.grid.spatial_shape)
        if batch.labels is None:
            raise ValueError("the linear probe needs labelled scans (dataset labels=True, lidarseg present)")
        inside = batch.points.voxels.point2voxel >= 0
        yield batch, torch.where(inside, batch.labels, torch.full_like(batch.labels, IGNORE_INDEX))


@torch.no_grad()
def extract_features(backbone: nn.Module, dataset, points_per_scan: int | None = 4096, batch_size: int = 4,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(P, C)`` float32 features and ``(P,)`` labels of scored points of every scan."""
    rng = np.random.default_rng(seed)
    feats, labels = [], []
    for batch, target in _batches(dataset, batch_size):
        out = backbone(batch.points).points
        for f, t in zip(batch.points.split(out), batch.points.split(target)):
            keep = np.flatnonzero((t != IGNORE_INDEX).numpy())
            if points_per_scan is not None and len(keep) > points_per_scan:
                keep = np.sort(rng.choice(keep, points_per_scan, replace=False))
            keep = torch.from_numpy(keep)
            feats.append(f[keep].float())
            labels.append(t[keep])
    return torch.cat(feats), torch.cat(labels)


def fit_linear(feats: torch.Tensor, labels: torch.Tensor, num_classes: int, epochs: int = 30, lr: float = 1e-2,
               batch_size: int = 8192, weight_decay: float = 1e-4, seed: int = 0) -> nn.Linear:
    """A linear classifier of raw features (standardisation folded in), trained with Adam."""
    mean, std = feats.mean(0), feats.std(0).clamp(min=1e-6)
    x = (feats - mean) / std
    gen = torch.Generator().manual_seed(int(seed))
    layer = nn.Linear(x.shape[1], num_classes)
    with torch.no_grad():
        layer.weight.normal_(0.0, 0.01, generator=gen)
        layer.bias.zero_()
    opt = torch.optim.Adam(layer.parameters(), lr=lr, weight_decay=weight_decay)
    steps = epochs * max(1, -(-len(x) // batch_size))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(batch_size):
            loss = F.cross_entropy(layer(x[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    folded = nn.Linear(x.shape[1], num_classes)
    with torch.no_grad():
        folded.weight.copy_(layer.weight / std)
        folded.bias.copy_(layer.bias - (layer.weight * (mean / std)).sum(1))
    return folded


@torch.no_grad()
def evaluate(backbone: nn.Module, head: nn.Module, dataset, num_classes: int = len(SEG16_CLASSES),
             class_names=None, batch_size: int = 4):
    """``IoUResult`` of ``head(backbone(points))`` over every scored point of ``dataset``."""
    metric = SegmentationIoU(num_classes=num_classes, class_names=class_names)
    for batch, target in _batches(dataset, batch_size):
        metric.update(head(backbone(batch.points).points).argmax(1), target)
    return metric.compute()


@torch.no_grad()
def recalibrate_bn(backbone: nn.Module, dataset, batch_size: int = 2) -> None:
    """Re-estimate every BatchNorm's running statistics on ``dataset`` (plain average over its
    batches, in train mode, no gradient); weights are untouched. A randomly initialised backbone has
    running statistics (0, 1) that match no data, which handicaps it in a frozen-BN probe; this
    gives the fair random-init baseline (benchmarks/pretraining_helps.py)."""
    bns = [m for m in backbone.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in bns]
    was_training = backbone.training
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    backbone.train()
    try:
        for batch, _ in _batches(dataset, batch_size):
            backbone(batch.points)
    finally:
        for m, momentum in zip(bns, momenta):
            m.momentum = momentum
        backbone.train(was_training)


def linear_probe(backbone: nn.Module, train_dataset, val_dataset, epochs: int = 30, lr: float = 1e-2,
                 seed: int = 0, points_per_scan: int | None = 4096, num_classes: int = len(SEG16_CLASSES),
                 class_names=SEG16_CLASSES, batch_size: int = 4) -> dict:
    """Probe ``backbone`` (left unchanged, its train/eval mode restored) and return
    ``dict(miou, per_class, table, result, head)`` (IoU in percent)."""
    was_training = backbone.training
    backbone.eval()
    try:
        feats, labels = extract_features(backbone, train_dataset, points_per_scan, batch_size, seed)
        with torch.enable_grad():
            head = fit_linear(feats, labels, num_classes, epochs=epochs, lr=lr, seed=seed)
        result = evaluate(backbone, head, val_dataset, num_classes, class_names, batch_size)
    finally:
        backbone.train(was_training)
    return dict(miou=result.miou, per_class=result.per_class(), table=result.table(), result=result, head=head)
