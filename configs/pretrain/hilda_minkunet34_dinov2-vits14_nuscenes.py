# Full HilDA on nuScenes: MinkUNet34 student, DINOv2 ViT-S/14 teacher.
_base_ = ["../_base_/datasets/nuscenes_pretrain.py",
          "../_base_/models/hilda_minkunet34.py", "../_base_/schedules/pretrain_50e.py"]
