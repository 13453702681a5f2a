# Fine-tuning on 5 % of the synthetic world's training scans.
_base_ = ["./demo_finetune_100pct.py"]
semseg = dict(fraction=0.05)
trainer = dict(max_epochs=14, check_val_every_n_epoch=7)
