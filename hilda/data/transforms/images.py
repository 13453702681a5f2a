"""Image augmentations that move the pairs' pixels with the images (per camera, same output size)."""
from __future__ import annotations

import numpy as np
from PIL import Image

from hilda.registry import TRANSFORMS
from hilda.structures.sample import Sample


def _resize(img: np.ndarray, size: tuple[int, int], resample) -> np.ndarray:
    return np.asarray(Image.fromarray(img).resize(size, resample))


@TRANSFORMS.register_module()
class ImageResizeCrop:
    """Per camera: upscale by ``s ~ U(scale_range)`` (s >= 1), then crop a random window of the
    original size. Pairs move to ``uv * s - offset``; pairs that leave the window are dropped."""

    changes_images = True

    def __init__(self, scale_range: tuple[float, float] = (1.0, 1.25)):
        lo, hi = scale_range
        if not 1.0 <= lo <= hi:
            raise ValueError(f"ImageResizeCrop.scale_range must satisfy 1 <= lo <= hi, got {scale_range}")
        self.lo, self.hi = float(lo), float(hi)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        if sample.images is None:
            return sample
        k, h, w = sample.images.shape[:3]
        scales, offsets = np.ones((k, 2)), np.zeros((k, 2))
        images, labels = sample.images.copy(), None if sample.image_labels is None else sample.image_labels.copy()
        for i in range(k):
            s = rng.uniform(self.lo, self.hi)
            sw, sh = max(w, int(round(w * s))), max(h, int(round(h * s)))
            x0, y0 = int(rng.integers(0, sw - w + 1)), int(rng.integers(0, sh - h + 1))
            scales[i], offsets[i] = (sw / w, sh / h), (x0, y0)
            images[i] = _resize(sample.images[i], (sw, sh), Image.BILINEAR)[y0:y0 + h, x0:x0 + w]
            if labels is not None:
                labels[i] = _resize(sample.image_labels[i], (sw, sh), Image.NEAREST)[y0:y0 + h, x0:x0 + w]
        sample.images, sample.image_labels = images, labels
        if sample.pairs is not None and len(sample.pairs):
            p = sample.pairs
            uv = p.uv * scales[p.camera_index] - offsets[p.camera_index]
            keep = (uv[:, 0] >= 0) & (uv[:, 0] < w) & (uv[:, 1] >= 0) & (uv[:, 1] < h)
            p.uv = uv.astype(np.float32)
            sample.pairs = p.select(keep)
        sample.meta.setdefault("image_aug", []).append(dict(type="resize_crop", scale=scales, offset=offsets))
        return sample


@TRANSFORMS.register_module()
class ImageFlip:
    """Mirror each camera image left-right with probability ``prob``; pairs' ``u -> W - u``."""

    changes_images = True

    def __init__(self, prob: float = 0.5):
        self.prob = float(prob)

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        if sample.images is None:
            return sample
        flip = rng.random(len(sample.images)) < self.prob
        if not flip.any():
            return sample
        sample.images = sample.images.copy()
        sample.images[flip] = sample.images[flip, :, ::-1]
        if sample.image_labels is not None:
            sample.image_labels = sample.image_labels.copy()
            sample.image_labels[flip] = sample.image_labels[flip, :, ::-1]
        if sample.pairs is not None and len(sample.pairs):
            hit = flip[sample.pairs.camera_index]
            sample.pairs.uv = sample.pairs.uv.copy()
            sample.pairs.uv[hit, 0] = sample.images.shape[2] - sample.pairs.uv[hit, 0]
        sample.meta.setdefault("image_aug", []).append(dict(type="flip", flipped=flip))
        return sample
