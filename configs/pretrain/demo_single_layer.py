# ScaLR-style single-layer baseline on the synthetic world: teacher layer 1 <- student stage 3 only;
# no global context, no diffusion (benchmarks/pretraining_helps.py row (b)).
_base_ = ["./demo.py"]
model = dict(distill=dict(type="MultiLayerDistillation",
                          pairs=[dict(student_stage=3, teacher_layer=1, weight=1.0)]),
             global_context=None, diffusion=None)
data = dict(train=dict(temporal=False))
work_dir = "work_dirs/demo_pretrain_single_layer"
