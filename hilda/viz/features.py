"""Teacher patch features as PCA images next to the camera images.

A feature map ``(C, h, w)`` becomes an ``(h, w)`` RGB image of its first three principal
components (``hilda.viz.colors.pca_rgb``), enlarged to the camera image with nearest-neighbour
so the patch grid stays visible. One PCA basis per layer is fitted on the patches of all cameras of
the sample together, so equal colours mean similar features across cameras.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from hilda.structures.sample import CAMERA_NAMES
from hilda.viz.canvas import save_rgb
from hilda.viz.colors import pca_basis, pca_rgb
from hilda.viz.overlay import label_tile


def _tokens(fmap: np.ndarray) -> np.ndarray:
    """``(C, h, w)`` -> ``(h * w, C)``."""
    return np.asarray(fmap, np.float32).reshape(fmap.shape[0], -1).T


def pca_image(fmap: np.ndarray, size: tuple[int, int] | None = None, basis=None) -> np.ndarray:
    """``(H, W, 3)`` uint8 PCA image of ``fmap (C, h, w)``, resized to ``size = (W, H)`` if given."""
    fmap = np.asarray(fmap, np.float32)
    if fmap.ndim != 3:
        raise ValueError(f"feature map must be (C, h, w), got shape {fmap.shape}")
    rgb = pca_rgb(_tokens(fmap), basis).reshape(fmap.shape[1], fmap.shape[2], 3)
    if size is not None and (rgb.shape[1], rgb.shape[0]) != tuple(size):
        rgb = np.asarray(Image.fromarray(rgb).resize(tuple(size), Image.NEAREST))
    return rgb


def teacher_panel(images: np.ndarray, layers: list[np.ndarray], names=CAMERA_NAMES,
                  layer_names=None) -> np.ndarray:
    """Rows = cameras; columns = the image, then the PCA image of each layer.

    Args:
        images: ``(K, H, W, 3)`` uint8.
        layers: per layer, ``(K, C, h, w)`` features of those images (numpy or torch, CPU).
    Returns: ``(K * H, (1 + L) * W, 3)`` uint8.
    """
    images = np.asarray(images, np.uint8)
    k, h, w = images.shape[:3]
    layer_names = layer_names or [f"layer {i}" for i in range(len(layers))]
    columns = [[label_tile(img, name) for img, name in zip(images, names)]]
    for fmaps, lname in zip(layers, layer_names):
        fmaps = np.asarray(fmaps, np.float32)
        if fmaps.ndim != 4 or fmaps.shape[0] != k:
            raise ValueError(f"{lname}: expected ({k}, C, h, w) features, got shape {fmaps.shape}")
        basis = pca_basis(np.concatenate([_tokens(f) for f in fmaps]))
        columns.append([label_tile(pca_image(f, (w, h), basis), f"{lname} PCA") for f in fmaps])
    return np.concatenate([np.concatenate(col, axis=0) for col in columns], axis=1)


def run_teacher(teacher, images: np.ndarray) -> list[np.ndarray]:
    """Patch features ``[(K, C, h, w), ...]`` of ``images (K, H, W, 3)`` uint8 from a
    ``FrozenTimmTeacher``; images are resized down to multiples of its patch size first."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
    ph, pw = teacher.patch_size
    hh, ww = max(ph, x.shape[2] // ph * ph), max(pw, x.shape[3] // pw * pw)
    if (hh, ww) != tuple(x.shape[2:]):
        x = F.interpolate(x.float(), size=(hh, ww), mode="bilinear", align_corners=False).round().clamp(0, 255)
        x = x.to(torch.uint8)
    return [fmap.cpu().numpy() for fmap in teacher(x).layers]


def write_teacher_panel(images: np.ndarray, layers: list[np.ndarray], out: str | Path, names=CAMERA_NAMES,
                        layer_names=None) -> Path:
    return save_rgb(teacher_panel(images, layers, names, layer_names), out)


def teacher_point_features(fmaps: np.ndarray, sample) -> tuple[np.ndarray, np.ndarray]:
    """Teacher features at the sample's pairs, one row per paired point (its first pair).

    ``fmaps (K, C, h, w)`` are the features of ``sample.images``; returns ``(point_index (P,),
    feats (P, C))``.
    """
    import torch

    from hilda.models.teachers import sample_features

    pairs = sample.pairs
    points, first = np.unique(pairs.point_index, return_index=True)
    height, width = sample.images.shape[1:3]
    feats = sample_features(torch.as_tensor(np.asarray(fmaps, np.float32)),
                            torch.as_tensor(pairs.camera_index[first]), torch.as_tensor(pairs.uv[first]),
                            (width, height))
    return points, feats.numpy()
