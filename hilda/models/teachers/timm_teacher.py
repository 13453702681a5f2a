"""``FrozenTimmTeacher``: a locked timm ViT returning patch features of chosen blocks and a CLS token.

Any timm ViT family with ``forward_intermediates`` works, chosen by its timm name only:
DINOv2 (``vit_small_patch14_dinov2``, ``..._reg4_dinov2``), DINOv3 (``vit_small_patch16_dinov3``),
CLIP (``vit_base_patch16_clip_224``), SAM image encoders (``samvit_base_patch16``).

- ``layers``: block indices (negative = from the end); their token maps are taken *before* the final
  norm, as ``(B, C, h, w)`` with ``h = H / patch``, ``w = W / patch``.
- ``cls``: the class token of the last block, passed through the model's final norm when
  ``cls_norm`` (the embedding the model was trained to output; LayerNorm acts per token). Models
  without a class token (SAM) give the mean patch token of the last block instead.
- Input: ``(B, 3, H, W)`` uint8 RGB (or float in 0..1); mean/std come from the timm pretrained
  config. ``H`` and ``W`` must be multiples of the patch size and, unless ``dynamic_img_size``,
  equal to ``img_size`` (timm's default when ``None``; 518 px for DINOv2).

Locking: ``requires_grad_(False)``, ``train()`` keeps eval mode, forward runs under ``no_grad``.
Tasks keep the teacher out of the optimizer, DDP and checkpoints by holding it outside their
registered children (``hold_outside(task, "teacher", teacher)``), see ``hold_outside``.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from hilda.models.teachers.weights import load_teacher_weights
from hilda.registry import MODELS

AUTOCAST_DTYPES = {None: None, "bfloat16": torch.bfloat16, "float16": torch.float16}


@dataclass
class TeacherOutput:
    layers: list[torch.Tensor]  # per requested layer, (B, C, h, w) float32
    cls: torch.Tensor  # (B, C) float32

    def as_dict(self) -> dict:
        """The ``Batch.teacher`` / cache layout ``{"layers": [...], "cls": ...}``."""
        return {"layers": list(self.layers), "cls": self.cls}


@MODELS.register_module()
class FrozenTimmTeacher(nn.Module):
    is_frozen_teacher = True  # marker for tasks: never optimise, wrap in DDP or checkpoint this

    def __init__(self, model_name: str = "vit_small_patch14_dinov2", layers=(-2, -1), img_size=None,
                 dynamic_img_size: bool = False, pretrained: bool | None = None,
                 checkpoint: str | None = None, autocast_dtype: str | None = None, cls_norm: bool = True):
        super().__init__()
        import timm

        if checkpoint is None and pretrained is None:
            raise ValueError(
                f"FrozenTimmTeacher({model_name!r}) has no weights: set checkpoint='/path/to/weights"
                ".safetensors' (or .pth) in the model config, or pretrained=True to download them "
                "from the timm hub when online (pretrained=False gives random weights, tests only)")
        if checkpoint is not None and pretrained:
            raise ValueError("give either checkpoint=... or pretrained=True, not both")
        if autocast_dtype not in AUTOCAST_DTYPES:
            raise ValueError(f"autocast_dtype must be one of {list(AUTOCAST_DTYPES)}, got {autocast_dtype!r}")
        kwargs = {"num_classes": 0}
        if img_size is not None:
            kwargs["img_size"] = tuple(img_size) if isinstance(img_size, (list, tuple)) else int(img_size)
        if dynamic_img_size:
            kwargs["dynamic_img_size"] = True
        self.model = timm.create_model(model_name, pretrained=bool(pretrained) and checkpoint is None, **kwargs)
        if checkpoint is not None:
            load_teacher_weights(self.model, checkpoint)
        self.model_name = model_name
        self.autocast_dtype = AUTOCAST_DTYPES[autocast_dtype]
        self.cls_norm = cls_norm
        num_blocks = len(self.model.blocks)
        if not layers or any(not -num_blocks <= int(i) < num_blocks for i in layers):
            raise ValueError(f"layers {tuple(layers)} out of range for {model_name} with {num_blocks} blocks")
        self.layers = tuple(int(i) % num_blocks for i in layers)
        self.last_block = num_blocks - 1
        cfg = timm.data.resolve_data_config({}, model=self.model)
        self.register_buffer("mean", torch.tensor(cfg["mean"]).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(cfg["std"]).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False)
        self.train(False)

    @property
    def patch_size(self) -> tuple[int, int]:
        return tuple(self.model.patch_embed.patch_size)

    @property
    def embed_dim(self) -> int:
        return int(self.model.embed_dim)

    def train(self, mode: bool = True) -> "FrozenTimmTeacher":
        """Always eval: dropout, drop-path and norms behave as at inference whatever the task does."""
        return super().train(False)

    def feature_size(self, height: int, width: int) -> tuple[int, int]:
        """``(h, w)`` patch grid of an ``H x W`` image; refuses sizes the model cannot take."""
        ph, pw = self.patch_size
        if height % ph or width % pw:
            raise ValueError(f"image size {height}x{width} (HxW) is not divisible by the patch size "
                             f"{ph}x{pw} of {self.model_name}; resize or crop the images")
        fixed = tuple(self.model.patch_embed.img_size or ())
        if getattr(self.model.patch_embed, "strict_img_size", False) and fixed != (height, width):
            raise ValueError(f"{self.model_name} was built for {fixed[0]}x{fixed[1]} images, got "
                             f"{height}x{width}; set img_size=({height}, {width}) or dynamic_img_size=True")
        return height // ph, width // pw

    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (or 0..1 float) ``(B, 3, H, W)`` -> float32 normalised with the model's mean/std."""
        x = images.float() / 255.0 if images.dtype == torch.uint8 else images.float()
        return (x - self.mean) / self.std

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> TeacherOutput:
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"images must be (B, 3, H, W), got {tuple(images.shape)}")
        self.feature_size(images.shape[2], images.shape[3])
        indices = sorted(set(self.layers) | {self.last_block})
        has_prefix = getattr(self.model, "num_prefix_tokens", 0) > 0
        extra = {"return_prefix_tokens": True} if has_prefix else {}
        with torch.autocast(images.device.type, dtype=self.autocast_dtype, enabled=self.autocast_dtype is not None):
            outs = self.model.forward_intermediates(self.normalize(images), indices=indices, norm=False,
                                                    output_fmt="NCHW", intermediates_only=True, **extra)
            maps = dict(zip(indices, (o[0] if has_prefix else o for o in outs)))
            if getattr(self.model, "cls_token", None) is not None:
                cls = outs[-1][1][:, 0]  # class token precedes register tokens in timm ViTs
            else:
                cls = maps[self.last_block].mean(dim=(2, 3))  # no class token (SAM): mean patch token
            if self.cls_norm:
                cls = getattr(self.model, "norm", nn.Identity())(cls)
        return TeacherOutput([maps[i].float() for i in self.layers], cls.float())


def hold_outside(owner: nn.Module, name: str, teacher: nn.Module) -> None:
    """Set ``owner.<name> = teacher`` without registering it as a child module.

    The teacher is then invisible to ``owner.parameters()`` (hence optimizers), to DDP (which wraps
    ``owner``), to ``owner.state_dict()`` (hence Lightning checkpoints) and to ``owner.to()``: move
    it yourself, e.g. ``owner.teacher.to(owner.device)`` in ``setup`` / ``on_fit_start``.
    """
    object.__setattr__(owner, name, teacher)
