"""``Compose``: a pipeline of registered transforms built from config dicts."""
from __future__ import annotations

import numpy as np

from hilda.registry import TRANSFORMS
from hilda.structures.sample import Sample


class Compose:
    def __init__(self, transforms: list[dict] | tuple = ()):
        self.transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in transforms]

    def __call__(self, sample: Sample, rng: np.random.Generator) -> Sample:
        for t in self.transforms:
            sample = t(sample, rng)
        return sample

    @property
    def changes_images(self) -> bool:
        return any(getattr(t, "changes_images", False) for t in self.transforms)

    def __repr__(self) -> str:
        return f"Compose({self.transforms})"
