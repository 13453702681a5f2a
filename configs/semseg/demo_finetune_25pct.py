# Fine-tuning on 25 % of the synthetic world's training scans.
_base_ = ["./demo_finetune_100pct.py"]
semseg = dict(fraction=0.25)
trainer = dict(max_epochs=4, check_val_every_n_epoch=2)
