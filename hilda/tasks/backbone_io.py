"""Export and load the bare student backbone of a pre-training run.

An export is a ``torch.save``d dict of plain containers and tensors (loadable with
``weights_only=True``)::

    {"format": "hilda-backbone", "version": 1, "student": <student config dict>,
     "state_dict": <student weights>, "source": <checkpoint path>, "grid": <voxel grid or None>}

``load_backbone`` takes such an export or a Lightning checkpoint of ``HildaPretrain`` directly.
"""
from __future__ import annotations

from pathlib import Path

import torch

from hilda.atomic_torch import save_atomic
from hilda.registry import MODELS

FORMAT = "hilda-backbone"


class BackboneFileError(RuntimeError):
    """A checkpoint or export that cannot give a backbone; the message names the file."""


def _read(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise BackboneFileError(f"checkpoint {path} not found")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same one-line message
        raise BackboneFileError(f"cannot read checkpoint {path}: {type(e).__name__}: {str(e).splitlines()[0]}") from None


def backbone_grid(path: str | Path) -> dict | None:
    """The ``grid`` (voxel_size, point_cloud_range) the backbone was trained on, when recorded."""
    ckpt = _read(path)
    return ckpt.get("grid") if ckpt.get("format") == FORMAT else ckpt.get("hyper_parameters", {}).get("grid")


def backbone_state(path: str | Path) -> tuple[dict, dict]:
    """``(student config, student state_dict)`` from an export or a pre-training checkpoint."""
    ckpt = _read(path)
    if ckpt.get("format") == FORMAT:
        return ckpt["student"], ckpt["state_dict"]
    hp, sd = ckpt.get("hyper_parameters", {}), ckpt.get("state_dict")
    if "student" not in hp or sd is None:
        raise BackboneFileError(f"{path} is neither a hilda backbone export nor a HildaPretrain checkpoint")
    return hp["student"], {k[len("student."):]: v for k, v in sd.items() if k.startswith("student.")}


def export_backbone(ckpt: str | Path, out: str | Path) -> Path:
    student, state = backbone_state(ckpt)
    save_atomic(dict(format=FORMAT, version=1, student=student, state_dict=state, source=str(ckpt),
                     grid=backbone_grid(ckpt)), out)
    return Path(out)


def load_backbone(path: str | Path, **overrides) -> torch.nn.Module:
    """Build the student from its saved config (``overrides`` update it) and load its weights."""
    student, state = backbone_state(path)
    model = MODELS.build({**student, **overrides})
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise BackboneFileError(f"{path}: weights do not fit the student config "
                                f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model
