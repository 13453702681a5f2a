# Segmentation head on a MinkUNet34 (random init unless `--pretrained CKPT` / model.pretrained).
# Fine-tuning as SLidR: SGD 0.05 (head and backbone), cosine, cross-entropy + Lovasz-softmax.
model = dict(
    type="SemsegTask",
    student=dict(type="MinkUNet34", in_channels=5),
    pretrained=None,
    freeze_backbone=False,
    num_classes=16,
    loss=dict(type="SemsegLoss", ce_weight=1.0, lovasz_weight=1.0, ignore_index=255),
    metric=dict(type="SegmentationIoU", ignore_index=255),
    optimizer=dict(type="SGD", lr=0.05, momentum=0.9, weight_decay=1e-4),
    backbone_lr=0.05,
    scheduler=dict(type="WarmupCosine", warmup_steps=100, min_lr_ratio=0.0))
