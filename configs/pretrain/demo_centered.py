# Full HilDA on the synthetic world with mean-centred teacher targets
# (hilda/models/heads/centered_distill.py explains why; benchmarks/pretraining_helps.py measures it).
_base_ = ["./demo.py"]
model = dict(distill=dict(type="CenteredMultiLayerDistillation"))
work_dir = "work_dirs/demo_pretrain_centered"
