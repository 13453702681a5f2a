# Fine-tuning on 10 % of the synthetic world's training scans.
_base_ = ["./demo_finetune_100pct.py"]
semseg = dict(fraction=0.1)
trainer = dict(max_epochs=8, check_val_every_n_epoch=4)
