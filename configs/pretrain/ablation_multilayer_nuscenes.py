# Baseline + multi-layer distillation (two teacher layers <- two decoder stages).
_base_ = ["./hilda_minkunet34_dinov2-vits14_nuscenes.py"]
model = dict(global_context=None, diffusion=None)
data = dict(train=dict(temporal=False))
