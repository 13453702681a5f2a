# The embedded synthetic world (see demo_world.py), indexed to data/demo/hilda_index and its teacher
# features cached (data_prep/cache_teacher_features.py): sized for a 2-core CPU.
_base_ = ["./demo_world.py"]
index = dict(out="data/demo/hilda_index", sweeps=10)
grid = dict(voxel_size=(0.25, 0.25, 0.25), point_cloud_range=(-32.0, -32.0, -4.0, 32.0, 32.0, 2.0))
image_size = (224, 126)  # (W, H): 16 x 9 patches of 14 px
teacher_cache = dict(root="data/demo/teacher_cache", splits=("mini_train",))
data = dict(
    type="NuScenesDataModule", batch_size=2, num_workers=0,
    train=dict(type="NuScenesIndexDataset", index="data/demo/hilda_index/index_mini_train.json",
               sweeps=0, temporal=True, ego_box=(-1.0, -1.1, 3.6, 1.1),
               pipeline=[dict(type="RandomRotateZ"), dict(type="RandomFlip")]),
    val=None)
