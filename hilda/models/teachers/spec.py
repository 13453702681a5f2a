"""What a teacher config produces, without weights: width and absolute layer indices.

Reads a weightless timm instance on the ``meta`` device (no memory, no download), so runs that
read cached features never build the real teacher.
"""
from __future__ import annotations

import torch


def teacher_spec(teacher: dict) -> tuple[int, tuple[int, ...]]:
    """``(embed_dim, layers)`` of a ``FrozenTimmTeacher`` config; negative layers made absolute."""
    import timm

    with torch.device("meta"):
        model = timm.create_model(teacher["model_name"], pretrained=False, num_classes=0)
    n = len(model.blocks)
    layers = tuple(teacher.get("layers", (-2, -1)))
    if not layers or any(not -n <= int(i) < n for i in layers):
        raise ValueError(f"teacher layers {layers} out of range for {teacher['model_name']} with {n} blocks")
    return int(model.embed_dim), tuple(int(i) % n for i in layers)
