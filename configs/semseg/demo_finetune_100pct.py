# Fine-tuning on the synthetic world with the demo student (MinkUNet18), sized for a CPU.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo_semseg.py",
          "../_base_/models/semseg_minkunet34.py"]
model = dict(student=dict(type="MinkUNet18"), scheduler=dict(warmup_steps=10),
             optimizer=dict(lr=0.02), backbone_lr=0.02)
trainer = dict(max_epochs=2, log_every_n_steps=5)
work_dir = "work_dirs/demo_semseg"
checkpoint = dict(save_top_k=1, monitor="val/mIoU", mode="max")
