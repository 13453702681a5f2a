# Fine-tuning on 100 % of the nuScenes-lidarseg training scans (SLidR protocol, 25 epochs).
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/nuscenes_semseg.py",
          "../_base_/models/semseg_minkunet34.py"]
trainer = dict(max_epochs=25, check_val_every_n_epoch=5)
checkpoint = dict(save_top_k=1, monitor="val/mIoU", mode="max")
