# 50 epochs of pre-training over the runtime defaults.
_base_ = ["../default_runtime.py"]
trainer = dict(max_epochs=50, gradient_clip_val=10.0)
