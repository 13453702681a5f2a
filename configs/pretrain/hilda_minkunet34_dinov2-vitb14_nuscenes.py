# Full HilDA on nuScenes with the DINOv2 ViT-B/14 teacher (768-d; the published HilDA setting).
_base_ = ["./hilda_minkunet34_dinov2-vits14_nuscenes.py"]
model = dict(teacher=dict(model_name="vit_base_patch14_dinov2"))
