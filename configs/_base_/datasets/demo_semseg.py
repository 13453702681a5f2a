# The embedded synthetic world (demo_world.py) for segmentation: the demo pre-training grid, its
# mini_train scans (8 scenes) to train and the held-out mini_val scenes (2) to validate.
_base_ = ["./demo_world.py"]
index = dict(out="data/demo/hilda_index", sweeps=10)
grid = dict(voxel_size=(0.25, 0.25, 0.25), point_cloud_range=(-32.0, -32.0, -4.0, 32.0, 32.0, 2.0))
data = dict(
    type="NuScenesDataModule", batch_size=2, num_workers=0,
    train=dict(type="NuScenesIndexDataset", index="data/demo/hilda_index/index_mini_train.json", sweeps=0,
               pipeline=[dict(type="RandomRotateZ"), dict(type="RandomFlip")]),
    val=dict(type="NuScenesIndexDataset", index="data/demo/hilda_index/index_mini_val.json", sweeps=0))
semseg = dict(fraction=1.0, seed=0, sampling="uniform", tokens_file=None)
