"""DDPM noise schedule, forward noising and a few-step DDIM sampler.

Notation: ``a_t = alphas_cumprod[t]``; ``x_t = sqrt(a_t) * x0 + sqrt(1 - a_t) * eps`` for integer
``t in [0, num_steps)``. A denoiser is any callable ``denoiser(x_t, t, cond) -> out`` with ``x_t``
``(B, ...)``, ``t`` ``(B,)`` int64 and ``out`` shaped like ``x_t``: the noise ``eps``
(``prediction="eps"``) or the velocity ``v = sqrt(a_t) * eps - sqrt(1 - a_t) * x0`` (``"v"``,
Salimans & Ho 2022), which stays informative about ``x0`` where ``a_t -> 0``.
"""
from __future__ import annotations

import math

import torch
from torch import nn


def linear_betas(num_steps: int) -> torch.Tensor:
    """Ho et al. 2020: betas from 1e-4 to 0.02 (rescaled to ``num_steps``)."""
    scale = 1000.0 / num_steps
    return torch.linspace(1e-4 * scale, 0.02 * scale, num_steps, dtype=torch.float64)


def cosine_betas(num_steps: int, s: float = 0.008) -> torch.Tensor:
    """Nichol & Dhariwal 2021: ``a_t = f(t) / f(0)``, ``f(t) = cos((t / T + s) / (1 + s) * pi / 2) ** 2``."""
    steps = torch.arange(num_steps + 1, dtype=torch.float64) / num_steps
    f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).clamp(max=0.999)


_SCHEDULES = dict(linear=linear_betas, cosine=cosine_betas)
PREDICTIONS = ("eps", "v")


class DiffusionSchedule(nn.Module):
    """``alphas_cumprod`` ``(num_steps,)`` float64 buffer (not saved in checkpoints), decreasing in ``t``."""

    def __init__(self, num_steps: int = 1000, schedule: str = "cosine"):
        super().__init__()
        if schedule not in _SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(_SCHEDULES)}, got {schedule!r}")
        if num_steps < 2:
            raise ValueError(f"num_steps must be >= 2, got {num_steps}")
        self.num_steps = int(num_steps)
        alphas_cumprod = torch.cumprod(1 - _SCHEDULES[schedule](self.num_steps), 0)
        self.register_buffer("alphas_cumprod", alphas_cumprod, persistent=False)

    def _coef(self, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """``a_t`` gathered per sample, shaped ``(B, 1, ...)`` to broadcast against ``like``."""
        a = self.alphas_cumprod.to(like.device)[t.to(like.device)].to(like.dtype)
        return a.view(-1, *([1] * (like.dim() - 1)))

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Noised ``x_t`` of ``x0`` at per-sample steps ``t`` ``(B,)``."""
        a = self._coef(t, x0)
        return a.sqrt() * x0 + (1 - a).sqrt() * noise

    def predict_x0(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """Clean sample implied by the noise ``eps`` (inverse of :meth:`q_sample` in ``x0``)."""
        a = self._coef(t, x_t)
        return (x_t - (1 - a).sqrt() * eps) / a.sqrt()

    def predict_eps(self, x_t: torch.Tensor, t: torch.Tensor, x0: torch.Tensor) -> torch.Tensor:
        """Noise implied by the clean sample ``x0`` (inverse of :meth:`q_sample` in ``noise``)."""
        a = self._coef(t, x_t)
        return (x_t - a.sqrt() * x0) / (1 - a).sqrt()

    def v_target(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Velocity ``sqrt(a_t) * noise - sqrt(1 - a_t) * x0``."""
        a = self._coef(t, x0)
        return a.sqrt() * noise - (1 - a).sqrt() * x0

    def split(self, x_t: torch.Tensor, t: torch.Tensor, out: torch.Tensor,
              prediction: str = "eps") -> tuple[torch.Tensor, torch.Tensor]:
        """``(eps, x0)`` implied by a denoiser output ``out`` of kind ``prediction``."""
        if prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {PREDICTIONS}, got {prediction!r}")
        if prediction == "eps":
            return out, self.predict_x0(x_t, t, out)
        a = self._coef(t, x_t)
        return a.sqrt() * out + (1 - a).sqrt() * x_t, a.sqrt() * x_t - (1 - a).sqrt() * out

    def ddim_timesteps(self, steps: int) -> list[int]:
        """``steps`` timesteps evenly spaced from ``num_steps - 1`` down to 0 (descending, unique)."""
        if steps < 1:
            raise ValueError(f"steps must be >= 1, got {steps}")
        ts = torch.linspace(self.num_steps - 1, 0, min(steps, self.num_steps), dtype=torch.float64)
        return sorted({int(t) for t in ts.round().long()}, reverse=True)

    @torch.no_grad()
    def ddim_sample(self, denoiser, cond: torch.Tensor | None, shape: tuple[int, ...], steps: int = 10,
                    eta: float = 0.0, generator: torch.Generator | None = None, clip: bool = True,
                    prediction: str = "eps") -> torch.Tensor:
        """DDIM (Song et al. 2021) from pure noise to ``x0`` ``shape`` in ``steps`` denoiser calls.

        ``eta=0`` is deterministic given the initial noise, ``eta=1`` is DDPM-like. With ``clip`` the
        predicted ``x0`` is clamped to ``[-1, 1]`` at every step (and ``eps`` made consistent with it).
        ``generator`` (optional) must live on the device of ``cond``; else the global RNG is used.
        ``prediction`` says what the denoiser returns (``"eps"`` or ``"v"``).
        """
        device = cond.device if cond is not None else self.alphas_cumprod.device
        dtype = torch.promote_types(cond.dtype, torch.float32) if cond is not None else torch.float32
        x = torch.randn(shape, generator=generator, device=device, dtype=dtype)
        ts = self.ddim_timesteps(steps)
        for i, t in enumerate(ts):
            tb = torch.full((shape[0],), t, dtype=torch.long, device=device)
            eps, x0 = self.split(x, tb, denoiser(x, tb, cond), prediction)
            if clip:
                x0 = x0.clamp(-1.0, 1.0)
                eps = self.predict_eps(x, tb, x0)
            a = float(self.alphas_cumprod[t])
            a_prev = float(self.alphas_cumprod[ts[i + 1]]) if i + 1 < len(ts) else 1.0
            sigma = eta * math.sqrt((1 - a_prev) / (1 - a) * (1 - a / a_prev))
            x = math.sqrt(a_prev) * x0 + math.sqrt(max(1 - a_prev - sigma**2, 0.0)) * eps
            if sigma > 0:
                x = x + sigma * torch.randn(shape, generator=generator, device=device, dtype=dtype)
        return x
