# Baseline + temporal occupancy diffusion.
_base_ = ["./ablation_single_layer_nuscenes.py"]
model = dict(diffusion=dict(bev_cell_size=0.8, cond_channels=32, base_channels=32, num_steps=1000,
                            schedule="cosine", bce_weight=1.0, weight=0.5, _delete_=True))
data = dict(train=dict(temporal=True))
