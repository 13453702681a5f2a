"""Evaluation metrics (registered in ``hilda.registry.METRICS``) and their reports."""
