"""``torch.save`` to a temporary sibling, then rename: a killed save never leaves a partial file."""
from __future__ import annotations

import io
from pathlib import Path

import torch

from hilda.data.atomic import write_bytes_atomic


def save_atomic(obj, path: str | Path) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    write_bytes_atomic(path, buf.getvalue())
