# nuScenes-lidarseg, 16 classes (hilda.data.nuscenes_labels), single keyframe scans. Build the index
# first (see nuscenes_pretrain.py); training scans are restricted by tools/finetune.py (`semseg`).
grid = dict(voxel_size=(0.1, 0.1, 0.1), point_cloud_range=(-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))
data = dict(
    type="NuScenesDataModule", batch_size=8, num_workers=8,
    train=dict(type="NuScenesIndexDataset", index="data/nuscenes/hilda_index/index_train.json",
               data_root="data/nuscenes", sweeps=0,
               pipeline=[dict(type="RandomRotateZ"), dict(type="RandomFlip"),
                         dict(type="RandomScale", scale_range=(0.95, 1.05))]),
    val=dict(type="NuScenesIndexDataset", index="data/nuscenes/hilda_index/index_val.json",
             data_root="data/nuscenes", sweeps=0))
# Labelled training scans (tools/finetune.py): `fraction` of the train split drawn with `seed`
# ("uniform" over keyframes or whole "scene"s; lists of 1/5/10/25/100 % go to
# <work_dir>/label_fractions.json), or a user list `tokens_file` (e.g. SLidR's 1 %: one sample /
# LIDAR_TOP sample_data token or file name per line) that replaces the draw.
semseg = dict(fraction=1.0, seed=0, sampling="uniform", tokens_file=None)
