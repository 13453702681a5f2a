"""Losses: distillation distances (``distill``); the diffusion loss lives in its head."""
