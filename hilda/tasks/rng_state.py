"""Global RNG states saved in checkpoints, so that a resumed run draws what an uninterrupted one
would (data order, augmentations, diffusion noise)."""
from __future__ import annotations

import random

import numpy as np
import torch


def capture() -> dict:
    state = dict(torch=torch.get_rng_state(), python=list(random.getstate()[1]),
                 python_version=random.getstate()[0], python_gauss=random.getstate()[2],
                 numpy=list(np.random.get_state()[1].tolist()), numpy_pos=int(np.random.get_state()[2]))
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate((state["python_version"], tuple(state["python"]), state["python_gauss"]))
    np.random.set_state(("MT19937", np.array(state["numpy"], dtype=np.uint32), state["numpy_pos"], 0, 0.0))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
