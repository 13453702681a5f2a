# Linear probing: frozen backbone (BN in eval), linear head on 100 % of the training scans.
_base_ = ["./minkunet34_nuscenes_finetune_100pct.py"]
model = dict(freeze_backbone=True, backbone_lr=None, loss=dict(lovasz_weight=0.0))
trainer = dict(max_epochs=25, check_val_every_n_epoch=5)
