"""``HildaPretrain``: hierarchical distillation + global context + temporal occupancy diffusion.

Builds the student, the (locked) teacher and the heads from config through ``hilda.registry``.
Teacher features come from ``Batch.teacher`` when the data reads a feature cache, otherwise the
teacher runs on ``Batch.images``. The teacher is held outside the module tree (``hold_outside``):
it is in no optimizer, no DDP wrapper and no checkpoint. Every loss term is logged.
"""
from __future__ import annotations

import lightning as L
import torch

from hilda.models.teachers.spec import teacher_spec
from hilda.models.teachers.timm_teacher import hold_outside
from hilda.registry import MODELS, TASKS
from hilda.structures.batch import Batch
from hilda.tasks import optim, rng_state


@TASKS.register_module()
class HildaPretrain(L.LightningModule):
    """Args (all plain config dicts):
        student: e.g. ``dict(type="MinkUNet34", in_channels=5, out_stages=(2,))``.
        teacher: ``FrozenTimmTeacher`` config (not built when ``use_cache``).
        image_size: ``(W, H)`` of the images the pairs refer to.
        grid: ``dict(voxel_size=..., point_cloud_range=...)`` (for the diffusion head's BEV grid).
        distill: ``MultiLayerDistillation`` args (``pairs``, ``loss``...) + ``weight``; None = off.
        global_context: ``GlobalContextDistillation`` args + ``weight``; None = off.
        diffusion: ``OccupancyDiffusionHead`` args + ``weight``; None = off.
        optimizer / scheduler: see ``hilda.tasks.optim.configure``.
        use_cache: teacher features come with the batch (``data.*.teacher_cache``).
        prev_grad: backpropagate through the student's pass over ``t-1`` too. Off by default: the
            ``t-1`` features condition the denoiser but the student learns from the ``t0`` half of
            the condition, so the ``t-1`` pass costs a forward only (~0.3 of a student step) instead of a
            forward and a backward (benchmarks/RESULTS.md, pretrain_steps).
    """

    def __init__(self, student: dict, teacher: dict, image_size, grid: dict, distill: dict | None = None,
                 global_context: dict | None = None, diffusion: dict | None = None,
                 optimizer: dict | None = None, scheduler: dict | None = None, use_cache: bool = False,
                 prev_grad: bool = False):
        super().__init__()
        self.save_hyperparameters()
        if distill is None and global_context is None and diffusion is None:
            raise ValueError("model: every objective is off (distill, global_context, diffusion are all None)")
        self.student = MODELS.build(student)
        self.image_size = tuple(int(v) for v in image_size)
        self.use_cache, self.prev_grad = use_cache, prev_grad
        hold_outside(self, "teacher", None if use_cache else MODELS.build(teacher))
        width = teacher_spec(teacher)[0] if use_cache else self.teacher.embed_dim
        channels = self.student.out_channels
        last = max(channels)
        self.weights = {}
        self.distill = self._head("distill", distill, dict(type="MultiLayerDistillation", student_channels=channels,
                                                           teacher_channels=width))
        self.global_context = self._head("global_context", global_context, dict(
            type="GlobalContextDistillation", student_channels=channels[last], teacher_channels=width))
        self.diffusion = self._head("diffusion", diffusion, dict(type="OccupancyDiffusionHead",
                                                                 in_channels=channels[last], **grid))
        self.optimizer_cfg = optimizer or dict(type="AdamW", lr=1e-3, weight_decay=0.01)
        self.scheduler_cfg = scheduler

    def _head(self, name: str, cfg: dict | None, defaults: dict):
        if cfg is None:
            return None
        cfg = dict(cfg)
        self.weights[name] = float(cfg.pop("weight", 1.0))
        return MODELS.build({**defaults, **cfg})

    # ------------------------------------------------------------------ teacher
    def on_fit_start(self) -> None:
        if self.teacher is not None:
            self.teacher.to(self.device)

    def teacher_features(self, batch: Batch) -> dict:
        if batch.teacher is not None:
            return batch.teacher
        if self.teacher is None or batch.images is None:
            raise ValueError("no teacher features: the batch has neither cached features nor images")
        if self.teacher.mean.device != batch.images.device:
            self.teacher.to(batch.images.device)
        return self.teacher(batch.images).as_dict()

    # ------------------------------------------------------------------ losses
    def compute_losses(self, batch: Batch) -> dict[str, torch.Tensor]:
        out = self.student(batch.points)
        last = max(self.student.out_channels)
        losses: dict[str, torch.Tensor] = {}
        total = out.voxels.features.sum() * 0.0
        if self.distill is not None or self.global_context is not None:
            teacher = self.teacher_features(batch)
        if self.distill is not None:
            d = self.distill(out.features, teacher["layers"], batch.pairs, self.image_size)
            losses.update(d)
            total = total + self.weights["distill"] * d["distill"]
        if self.global_context is not None:
            g = self.global_context(out.features[last], batch.points.offsets, teacher["cls"], batch.num_cameras)
            losses.update(g)
            total = total + self.weights["global_context"] * g["global"]
        if self.diffusion is not None:
            if batch.prev_points is None or batch.next_points is None:
                raise ValueError("the diffusion objective needs temporal data (set temporal=True in the dataset)")
            with torch.set_grad_enabled(self.prev_grad and torch.is_grad_enabled()):
                prev = self.student(batch.prev_points)
            o = self.diffusion(out.features[last], batch.points, prev.features[last], batch.prev_points,
                               batch.next_points)
            losses.update({f"diffusion_{k}": v for k, v in o.items()})
            total = total + self.weights["diffusion"] * o["loss"]
        losses["loss"] = total
        return losses

    def training_step(self, batch: Batch, batch_idx: int) -> torch.Tensor:
        losses = self.compute_losses(batch)
        for k, v in losses.items():
            self.log(f"train/{k}", v.detach(), batch_size=batch.batch_size, prog_bar=k == "loss")
        return losses["loss"]

    # ------------------------------------------------------------------ optim, checkpoints
    def configure_optimizers(self):
        return optim.configure([{"params": [p for p in self.parameters() if p.requires_grad]}],
                               self.optimizer_cfg, self.scheduler_cfg, self.trainer.estimated_stepping_batches)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["hilda_rng"] = rng_state.capture()

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        # Resuming: continue the uninterrupted run's random stream. Lightning restores before it
        # creates (and prefetches from) the first data iterator, so data order, augmentations and
        # diffusion noise then match a run that was never stopped.
        if checkpoint.get("hilda_rng") is not None:
            rng_state.restore(checkpoint["hilda_rng"])
