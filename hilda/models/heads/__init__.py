"""Heads: projectors, multi-layer and global-context distillation, occupancy diffusion."""
from hilda.models.heads import global_context, multilayer_distill, occupancy_diffusion, projector  # noqa: F401
