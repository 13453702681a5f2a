# Baseline + global-context distillation.
_base_ = ["./ablation_single_layer_nuscenes.py"]
model = dict(global_context=dict(loss="mse", weight=0.5, _delete_=True))
