# Linear probing on the synthetic world (frozen MinkUNet18, linear head). For a faster probe on
# cached features see hilda.tasks.linear_probe (benchmarks/pretraining_helps.py uses it).
_base_ = ["./demo_finetune_100pct.py"]
model = dict(freeze_backbone=True, backbone_lr=None, loss=dict(lovasz_weight=0.0), optimizer=dict(lr=0.05))
trainer = dict(max_epochs=2)
