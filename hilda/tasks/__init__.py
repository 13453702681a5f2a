"""LightningModules that own the training logic (pre-training, downstream tasks)."""
