"""``MLPProjector``: student point features -> teacher width (Linear-LayerNorm-GELU ... Linear)."""
from __future__ import annotations

from torch import nn

from hilda.registry import MODELS


@MODELS.register_module()
class MLPProjector(nn.Sequential):
    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 256, num_layers: int = 2):
        if num_layers < 1:
            raise ValueError(f"MLPProjector.num_layers must be >= 1, got {num_layers}")
        layers, c = [], in_channels
        for _ in range(num_layers - 1):
            layers += [nn.Linear(c, hidden_channels), nn.LayerNorm(hidden_channels), nn.GELU()]
            c = hidden_channels
        layers.append(nn.Linear(c, out_channels))
        super().__init__(*layers)
