"""``CenteredMultiLayerDistillation``: multi-layer distillation towards mean-centred teacher features.

Per batch, each teacher layer's mean patch feature (over every image and patch of the batch) is
subtracted before sampling; bilinear sampling is linear, so every sampled target is centred by the
same vector. Why: when the teacher's patch features share a dominant direction, ``1 - cos`` is
minimised almost entirely by predicting that constant, and the semantic part of the target carries
little gradient. With the randomly initialised ViT-S/14 of the demo cache the shared direction holds
~60 % of the feature energy (pairwise cosine 0.59; a constant predictor already reaches loss 0.231,
a per-class oracle 0.211); after 40 steps the plain student sits at the constant's loss and its
linear probe falls below random init, while centred targets lift it above
(benchmarks/pretraining_helps.py). Select with ``model.distill.type="CenteredMultiLayerDistillation"``.
"""
from __future__ import annotations

import torch

from hilda.models.heads.multilayer_distill import MultiLayerDistillation
from hilda.registry import MODELS
from hilda.structures.batch import PairBatch


@MODELS.register_module()
class CenteredMultiLayerDistillation(MultiLayerDistillation):
    def forward(self, student_feats: dict, teacher_layers: list[torch.Tensor],
                pairs: PairBatch, image_size: tuple[int, int]) -> dict[str, torch.Tensor]:
        centred = []
        for layer in teacher_layers:
            layer = layer.float()
            centred.append(layer - layer.mean(dim=(0, 2, 3), keepdim=True))
        return super().forward(student_feats, centred, pairs, image_size)
