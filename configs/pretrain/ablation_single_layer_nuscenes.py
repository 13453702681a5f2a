# ScaLR-style baseline: last teacher layer <- last student stage only; no global, no diffusion.
_base_ = ["./hilda_minkunet34_dinov2-vits14_nuscenes.py"]
model = dict(distill=dict(pairs=[dict(student_stage=3, teacher_layer=1, weight=1.0)], loss="cosine",
                          weight=1.0, _delete_=True),
             global_context=None, diffusion=None)
data = dict(train=dict(temporal=False))
