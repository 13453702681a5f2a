"""Loading teacher weights from a local file, weights only (never unpickling arbitrary objects).

``.safetensors`` files go through ``safetensors.torch.load_file``; anything else through
``torch.load(weights_only=True)``. Common wrappers (``{"model": ...}``, ``{"state_dict": ...}``,
``{"teacher": ...}``) and prefixes shared by every key (``module.``, ``model.``, ``backbone.``) are
removed, then the timm model family's own ``checkpoint_filter_fn`` (when its module defines one)
converts official layouts (e.g. the DINOv2 release, OpenAI CLIP) and resamples position embeddings
to the model's ``img_size``.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import torch
from torch import nn

WRAPPER_KEYS = ("model", "state_dict", "teacher", "module")
SHARED_PREFIXES = ("module.", "model.", "backbone.")


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Tensors of a ``.safetensors`` / ``.pth`` / ``.pt`` file, unwrapped and de-prefixed."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"teacher checkpoint not found: {path}")
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path), device="cpu")
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    for key in WRAPPER_KEYS:
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{path} does not hold a state dict of tensors")
    for prefix in SHARED_PREFIXES:
        if state and all(k.startswith(prefix) for k in state):
            state = {k[len(prefix):]: v for k, v in state.items()}
    return state


def load_teacher_weights(model: nn.Module, path: str | Path) -> None:
    """Load ``path`` into the timm ``model``; a weight of the model missing from the file raises.

    Keys of the file that the model lacks (classifier heads, mask tokens) are ignored with a warning.
    """
    state = read_state_dict(path)
    family = sys.modules.get(type(model).__module__)
    filter_fn = getattr(family, "checkpoint_filter_fn", None)
    if filter_fn is not None:
        state = filter_fn(state, model)
    result = model.load_state_dict(state, strict=False)
    if result.missing_keys:
        raise ValueError(f"{path} lacks {len(result.missing_keys)} weights of {type(model).__name__}, "
                         f"e.g. {result.missing_keys[:5]}; is it a checkpoint of this timm model?")
    if result.unexpected_keys:
        warnings.warn(f"{path}: ignored {len(result.unexpected_keys)} keys the teacher does not use, "
                      f"e.g. {result.unexpected_keys[:5]}", stacklevel=2)
