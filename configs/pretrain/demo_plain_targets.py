# Full HilDA on the synthetic world with plain (uncentred) teacher targets, as the paper states it
# (benchmarks/pretraining_helps.py row (c); configs/pretrain/demo.py centres them).
_base_ = ["./demo.py"]
model = dict(distill=dict(type="MultiLayerDistillation"))
work_dir = "work_dirs/demo_pretrain_plain_targets"
