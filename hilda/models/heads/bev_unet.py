"""``BEVUNet``: a small 2D U-Net denoiser of a noisy BEV map given a BEV condition.

Input ``concat(x_t (B, in_channels, H, W), cond (B, cond_channels, H, W))`` and timesteps ``t``
``(B,)``; output ``(B, out_channels, H, W)``: the predicted noise (or velocity, as the caller
interprets it; see ``hilda.models.heads.ddpm``). Levels: one residual block per level (GroupNorm +
SiLU, sinusoidal timestep embedding added after the first conv), stride-2 conv down, 2x2 stride-2
transposed conv up to the skip's width (as the original U-Net; a nearest x2 + 3x3 conv at the
coarser width cost ~1/3 of the whole U-Net), skip connections by concatenation. ``H, W`` need not
be multiples of ``2 ** (levels - 1)``: the input is zero-padded bottom/right and the output
cropped back.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from hilda.registry import MODELS


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding ``(B, dim)`` of integer (or real) timesteps ``t`` ``(B,)``."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.sin(args), torch.cos(args)], dim=1)
    return F.pad(emb, (0, dim % 2))


def _groups(channels: int) -> int:
    return next(g for g in (8, 4, 2, 1) if channels % g == 0)


class ResBlock(nn.Module):
    """GN-SiLU-conv, + projected timestep embedding, GN-SiLU-conv, plus a (1x1) skip."""

    def __init__(self, in_ch: int, out_ch: int, emb_dim: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(_groups(in_ch), in_ch)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.emb = nn.Linear(emb_dim, out_ch)
        self.norm2 = nn.GroupNorm(_groups(out_ch), out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.skip = nn.Conv2d(in_ch, out_ch, 1) if in_ch != out_ch else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


@MODELS.register_module()
class BEVUNet(nn.Module):
    """Args:
        cond_channels: channels of the condition map.
        base_channels: width of the first level; level ``i`` has ``base_channels * channel_mults[i]``.
        channel_mults: one entry per level (2-3 levels is plenty for BEV occupancy).
        in_channels, out_channels: channels of the noisy map and of the predicted noise.
    """

    def __init__(self, cond_channels: int, base_channels: int = 32, channel_mults=(1, 2, 4),
                 in_channels: int = 1, out_channels: int = 1):
        super().__init__()
        chs = [base_channels * m for m in channel_mults]
        emb_dim = 4 * base_channels
        self.base_channels, self.levels = base_channels, len(chs)
        self.time_mlp = nn.Sequential(nn.Linear(base_channels, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.stem = nn.Conv2d(in_channels + cond_channels, base_channels, 3, padding=1)
        self.down, prev = nn.ModuleList(), base_channels
        for ch in chs:
            self.down.append(ResBlock(prev, ch, emb_dim))
            prev = ch
        self.pool = nn.ModuleList(nn.Conv2d(ch, ch, 3, stride=2, padding=1) for ch in chs[:-1])
        self.mid = ResBlock(prev, prev, emb_dim)
        self.upsample, self.up = nn.ModuleList(), nn.ModuleList()
        for ch in reversed(chs[:-1]):
            self.upsample.append(nn.ConvTranspose2d(prev, ch, 2, stride=2))
            self.up.append(ResBlock(2 * ch, ch, emb_dim))
            prev = ch
        self.head = nn.Sequential(nn.GroupNorm(_groups(prev), prev), nn.SiLU(),
                                  nn.Conv2d(prev, out_channels, 3, padding=1))

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        h_in, w_in = x_t.shape[-2:]
        m = 2 ** (self.levels - 1)
        x = x_t if cond is None else torch.cat([x_t, cond.to(x_t.dtype)], dim=1)
        x = F.pad(x, (0, (-w_in) % m, 0, (-h_in) % m))
        emb = self.time_mlp(timestep_embedding(t, self.base_channels).to(x.dtype))
        h, skips = self.stem(x), []
        for i, block in enumerate(self.down):
            h = block(h, emb)
            if i < len(self.pool):
                skips.append(h)
                h = self.pool[i](h)
        h = self.mid(h, emb)
        for upsample, block in zip(self.upsample, self.up):
            h = upsample(h)
            h = block(torch.cat([h, skips.pop()], dim=1), emb)
        return self.head(h)[..., :h_in, :w_in]
