# Fine-tuning on 25 % of the training scans (drawn by tools/finetune.py, nested across fractions).
_base_ = ["./minkunet34_nuscenes_finetune_100pct.py"]
semseg = dict(fraction=0.25)
trainer = dict(max_epochs=40, check_val_every_n_epoch=10)
