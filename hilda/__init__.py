"""hilda: hierarchical distillation of camera foundation models into sparse-conv LiDAR backbones."""

__version__ = "0.1.0"
