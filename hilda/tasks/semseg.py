"""``SemsegTask``: LiDAR semantic segmentation on top of a (pre-trained) student backbone.

Linear probing (``freeze_backbone=True``): the backbone is frozen, kept in eval mode (BN uses and
keeps its running statistics; ``train()`` is overridden) and runs under ``no_grad``; only the
linear head learns. Fine-tuning (``freeze_backbone=False``): backbone and head learn, with their
own learning rates (``backbone_lr``; the optimizer's ``lr`` is the head's).

Scoring: keyframe points with a label (255 = ignore) that fall inside ``point_cloud_range`` (a
point outside has no voxel, hence no feature); points outside the range are neither trained on
nor scored. Validation logs ``val/mIoU`` and ``val/IoU/<class>`` and writes
``<work_dir>/confusion_matrix.png`` and ``<work_dir>/val_iou.json`` (``work_dir`` = the trainer's
``default_root_dir``).
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import lightning as L
import torch
from torch import nn

from hilda.data.nuscenes_labels import IGNORE_INDEX, SEG16_CLASSES
from hilda.registry import METRICS, MODELS, TASKS
from hilda.structures.batch import Batch
from hilda.structures.point_batch import PointBatch
from hilda.tasks import optim, rng_state


def resolve_student(student: dict, pretrained: str | None) -> dict:
    """The student config to build: the pre-trained file's own when there is one."""
    if pretrained is None:
        return dict(student)
    from hilda.tasks.backbone_io import backbone_state

    saved, _ = backbone_state(pretrained)
    if student.get("type") not in (None, saved.get("type")):
        warnings.warn(f"config student {student.get('type')} differs from the pre-trained {saved.get('type')} "
                      f"in {pretrained}; the pre-trained one is used", stacklevel=3)
    return dict(saved)


@TASKS.register_module()
class SemsegTask(L.LightningModule):
    """Args:
        student: backbone config (random init), e.g. ``dict(type="MinkUNet34", in_channels=5)``.
        pretrained: a ``HildaPretrain`` checkpoint or a backbone export (``hilda.tasks.backbone_io``);
            its student config replaces ``student``. None = random init.
        freeze_backbone: linear probe when True.
        loss / metric: ``SemsegLoss`` / ``SegmentationIoU`` configs.
        optimizer, scheduler: see ``hilda.tasks.optim.configure``; ``backbone_lr`` (None = ``lr``).
        grid, image_size: accepted (the config's common keys), unused.
    """

    def __init__(self, student: dict, pretrained: str | None = None, freeze_backbone: bool = False,
                 num_classes: int = len(SEG16_CLASSES), class_names=SEG16_CLASSES, loss: dict | None = None,
                 metric: dict | None = None, optimizer: dict | None = None, backbone_lr: float | None = None,
                 scheduler: dict | None = None, grid: dict | None = None, image_size=None):
        super().__init__()
        student = resolve_student(student, pretrained)
        self.save_hyperparameters()
        build = {**student, "out_stages": ()}  # only the last decoder stage is used
        if pretrained is None:
            self.backbone = MODELS.build(build)
        else:
            from hilda.tasks.backbone_io import load_backbone

            self.backbone = load_backbone(pretrained, out_stages=())
        self.freeze_backbone = bool(freeze_backbone)
        if self.freeze_backbone:
            self.backbone.requires_grad_(False).eval()
        self.head = nn.Linear(self.backbone.out_channels[max(self.backbone.out_channels)], num_classes)
        self.loss_fn = MODELS.build(loss or dict(type="SemsegLoss"))
        self.class_names = tuple(class_names)
        metric_cfg = dict(dict(type="SegmentationIoU", num_classes=num_classes, class_names=self.class_names),
                          **(metric or {}))
        self.val_iou = METRICS.build(metric_cfg)
        self.optimizer_cfg = optimizer or dict(type="AdamW", lr=1e-3, weight_decay=0.01)
        self.backbone_lr, self.scheduler_cfg = backbone_lr, scheduler
        self.last_result, self.last_result_epoch = None, None

    def train(self, mode: bool = True):
        super().train(mode)
        if self.freeze_backbone:
            self.backbone.eval()  # BN keeps using (and never updates) its running statistics
        return self

    def features(self, points: PointBatch) -> torch.Tensor:
        if self.freeze_backbone:
            with torch.no_grad():
                return self.backbone(points).points
        return self.backbone(points).points

    def forward(self, points: PointBatch) -> torch.Tensor:
        """``(N, num_classes)`` logits for every point of the batch."""
        return self.head(self.features(points))

    @staticmethod
    def scored_labels(batch: Batch) -> torch.Tensor:
        """Labels with points outside the voxel grid set to ignore."""
        if batch.labels is None:
            raise ValueError("semantic segmentation needs labels (the dataset has labels=False or no lidarseg)")
        inside = batch.points.voxels.point2voxel >= 0
        return torch.where(inside, batch.labels, torch.full_like(batch.labels, IGNORE_INDEX))

    def training_step(self, batch: Batch, batch_idx: int) -> torch.Tensor:
        losses = self.loss_fn(self(batch.points), self.scored_labels(batch))
        for k, v in losses.items():
            self.log(f"train/{k}", v.detach(), batch_size=batch.batch_size, prog_bar=k == "loss")
        return losses["loss"]

    def validation_step(self, batch: Batch, batch_idx: int) -> None:
        self.val_iou.update(self(batch.points).argmax(1), self.scored_labels(batch))

    def on_validation_epoch_end(self) -> None:
        result = self.val_iou.compute()
        self.val_iou.reset()
        self.last_result, self.last_result_epoch = result, self.current_epoch
        self.log("val/mIoU", result.miou, sync_dist=False)
        for name, v in result.per_class().items():
            if v == v:  # classes absent from targets and predictions have no IoU
                self.log(f"val/IoU/{name}", v)
        if self.trainer.sanity_checking or not self.trainer.is_global_zero:
            return
        self.write_report(result, Path(self.trainer.default_root_dir))

    def write_report(self, result, work_dir: Path) -> None:
        from hilda.data.atomic import write_text_atomic
        from hilda.evaluation.confusion_plot import save_confusion_png

        epoch = self.current_epoch
        save_confusion_png(result.confusion.numpy(), self.class_names, work_dir / "confusion_matrix.png",
                           title=f"val epoch {epoch}: mIoU {result.miou:.2f}")
        iou = {k: (None if v != v else v) for k, v in result.per_class().items()}  # nan: class absent
        doc = dict(epoch=epoch, miou=result.miou, iou=iou, confusion=result.confusion.tolist(),
                   class_names=list(self.class_names))
        write_text_atomic(work_dir / "val_iou.json", json.dumps(doc, indent=1) + "\n")

    def configure_optimizers(self):
        groups = [{"params": list(self.head.parameters())}]
        if not self.freeze_backbone:
            group = {"params": [p for p in self.backbone.parameters() if p.requires_grad]}
            if self.backbone_lr is not None:
                group["lr"] = float(self.backbone_lr)
            groups.append(group)
        return optim.configure(groups, self.optimizer_cfg, self.scheduler_cfg, self.trainer.estimated_stepping_batches)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["hilda_rng"] = rng_state.capture()

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        if checkpoint.get("hilda_rng") is not None:
            rng_state.restore(checkpoint["hilda_rng"])
