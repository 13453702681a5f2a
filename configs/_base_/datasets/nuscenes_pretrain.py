# Real nuScenes (v1.0-trainval) for pre-training. Build the index first:
#   python data_prep/create_nuscenes_index.py --data-root data/nuscenes --version v1.0-trainval \
#       --out data/nuscenes/hilda_index --workers 8
grid = dict(voxel_size=(0.1, 0.1, 0.1), point_cloud_range=(-51.2, -51.2, -5.0, 51.2, 51.2, 3.0))
image_size = (448, 252)  # (W, H); multiples of the ViT patch (14)
data = dict(
    type="NuScenesDataModule", batch_size=4, num_workers=8,
    train=dict(type="NuScenesIndexDataset", index="data/nuscenes/hilda_index/index_train.json",
               data_root="data/nuscenes", sweeps=0, temporal=True, ego_box=(-1.0, -1.1, 3.6, 1.1),
               pipeline=[dict(type="RandomRotateZ"), dict(type="RandomFlip"),
                         dict(type="RandomScale", scale_range=(0.95, 1.05)),
                         dict(type="ImageResizeCrop", scale_range=(1.0, 1.2)), dict(type="ImageFlip")]),
    val=None)
