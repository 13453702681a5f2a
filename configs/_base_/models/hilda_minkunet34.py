# Full HilDA: two teacher layers <- two decoder stages, global CLS context, occupancy diffusion.
# The teacher needs weights: teacher.checkpoint="/path/dinov2_vits14.safetensors" (or pretrained=True
# online). Without them the run stops with an error that says so.
model = dict(
    type="HildaPretrain",
    student=dict(type="MinkUNet34", in_channels=5, out_stages=(2,)),
    teacher=dict(type="FrozenTimmTeacher", model_name="vit_small_patch14_dinov2", layers=(-2, -1),
                 img_size=(252, 448), autocast_dtype="bfloat16"),
    distill=dict(pairs=[dict(student_stage=3, teacher_layer=1, weight=1.0),
                        dict(student_stage=2, teacher_layer=0, weight=0.5)],
                 loss="cosine", weight=1.0),
    global_context=dict(loss="mse", weight=0.5),
    diffusion=dict(bev_cell_size=0.8, cond_channels=32, base_channels=32, num_steps=1000,
                   schedule="cosine", bce_weight=1.0, weight=0.5),
    optimizer=dict(type="AdamW", lr=1e-3, weight_decay=0.01),
    scheduler=dict(type="WarmupCosine", warmup_steps=500, min_lr_ratio=0.01))
