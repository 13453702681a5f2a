"""Outputs of a pre-training checkpoint for the views: student point features, predicted labels,
the occupancy forecast. Placeholders until the pre-training task exists; the views themselves take
plain arrays (``colors.pca_rgb``, ``colors.label_colors``, ``bev.render_forecast``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hilda.structures.sample import Sample


class CheckpointNotFound(FileNotFoundError):
    """A checkpoint path that is not a file; the message names it."""


def check_checkpoint(path: str | Path | None, what: str = "checkpoint", flag: str = "--checkpoint PATH") -> Path:
    """``path`` as a ``Path`` when it is a file; otherwise a one-line ``CheckpointNotFound``."""
    if path is None:
        raise CheckpointNotFound(f"this view needs a {what}: give {flag}")
    path = Path(path)
    if not path.is_file():
        raise CheckpointNotFound(f"{what} not found: {path}")
    return path


def _not_wired(what: str, ckpt: Path) -> NotImplementedError:
    return NotImplementedError(f"{what} from a pre-training checkpoint ({ckpt}) is not available yet: "
                               "the pre-training task is not wired into hilda.viz.model_outputs")


def load_student_features(ckpt: str | Path, sample: Sample) -> np.ndarray:
    """``(N, C)`` student point features of ``sample.points`` from the checkpoint's backbone."""
    raise _not_wired("student features", check_checkpoint(ckpt))


def load_predictions(ckpt: str | Path, sample: Sample) -> np.ndarray:
    """``(N,)`` int64 predicted 16-class labels of ``sample.points``."""
    raise _not_wired("predicted labels", check_checkpoint(ckpt))


def load_forecast(ckpt: str | Path, sample: Sample) -> np.ndarray:
    """``(H, W)`` float forecast occupancy probability of ``t+1`` in the ``t0`` frame."""
    raise _not_wired("the occupancy forecast", check_checkpoint(ckpt))
