# Fine-tuning on 1 % of the synthetic world's training scans.
_base_ = ["./demo_finetune_100pct.py"]
semseg = dict(fraction=0.01)
trainer = dict(max_epochs=50, check_val_every_n_epoch=25)
