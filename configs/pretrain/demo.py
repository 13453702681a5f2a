# Full HilDA on the synthetic world, sized for a 2-core CPU in a few minutes. No VFM weights can be
# downloaded here, so the teacher is a randomly initialised ViT-S/14 (pretrained=False); with
# weights on disk set model.teacher.checkpoint=... and rebuild the cache.
_base_ = ["../_base_/default_runtime.py", "../_base_/datasets/demo_pretrain.py",
          "../_base_/models/hilda_minkunet34.py"]
# Distillation targets are mean-centred: the random ViT's features share one dominant direction
# that plain cosine distillation learns as a constant (benchmarks/RESULTS.md, pretraining_helps).
model = dict(
    student=dict(type="MinkUNet18"),
    distill=dict(type="CenteredMultiLayerDistillation"),
    teacher=dict(img_size=(126, 224), pretrained=False, autocast_dtype=None),
    diffusion=dict(bev_cell_size=1.0, num_steps=200),
    scheduler=dict(warmup_steps=10))
trainer = dict(max_epochs=3, limit_train_batches=20, log_every_n_steps=1)
work_dir = "work_dirs/demo_pretrain"
