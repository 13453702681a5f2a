# Single-layer baseline on the synthetic world with mean-centred teacher targets.
_base_ = ["./demo_single_layer.py"]
model = dict(distill=dict(type="CenteredMultiLayerDistillation"))
work_dir = "work_dirs/demo_pretrain_single_layer_centered"
