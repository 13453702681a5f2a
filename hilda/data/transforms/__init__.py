"""Augmentations registered in ``hilda.registry.TRANSFORMS``; each is ``t(sample, rng) -> sample``.

Point transforms move every point set of the sample (scan, t-1, t+1), the boxes and their
velocities together, and leave pairs valid (pairs refer to point indices). Image transforms move
the pairs' pixels with the images.
"""
from hilda.data.transforms import images, points  # noqa: F401  (registers the classes)
from hilda.data.transforms.compose import Compose

__all__ = ["Compose"]
